#!/usr/bin/python3
"""Splits the labelled pool into train, dev and test by group, stratified by topic.

Every record of a group (a UCI story, an STS sentence pair, a handwritten item and its
variants, merged where titles repeat) lands in the same split, so near-identical
headlines never sit on both sides of a train/test boundary.

The split is made for each origin (pool_schema.ORIGINS) separately, so adding or
dropping one origin leaves the others' assignment unchanged; the records of an origin in
pool_schema.TRAINING_ONLY all go to train (build_pool.py links
near-duplicates only within an origin; a group that an exact repeat links across origins
is split with its first origin). Within an origin, groups
are assigned one at a time, in the spirit of iterative stratification (Sechidis et al.,
2011): groups holding the rarest topics go first, and each goes to the split that is
furthest below its target share for that topic (ties: furthest below its share of
records, then the order train, dev, test). The group order within equal rarity comes
from a seeded shuffle, so the result is deterministic for a given pool and seed.

A record keeps the split it has in the current files (--keep, default data/training; known by
its title, since ids of the handwritten-style origins count lines), and its group with it: only
groups with no record placed yet are placed, counted against what the kept ones hold. So
relabelling a record, which changes the stratification's order, or adding and removing lines,
moves nothing across the train/test boundary, and a model's figures before and after are
measured on the same records. A group that would join records of two splits (a repeated title
merging two groups) stops the split with a list. --fresh splits everything anew.

Usage (from the repository root):
  /usr/bin/python3 scripts/training/split.py [--seed 20260325] [--keep DIR | --fresh]
"""

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from pool_schema import ORIGINS, TOPICS, TRAINING_ONLY

LABELS = TOPICS + ("other",)
SPLITS = ("train", "dev", "test")
SHARES = {"train": 0.70, "dev": 0.15, "test": 0.15}
DEFAULT_SEED = 20260325


def labels_of(record):
    return record["topics"] or ["other"]


def title_key(title):
    """What identifies a record across rebuilds: its title, ignoring case and spacing (the pool
    holds each at most once). Ids of the handwritten-style origins count lines, so they change
    when a line is added or removed above; titles do not."""
    return " ".join(title.lower().split())


def read_pool(path):
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    seen_ids, seen_titles = set(), {}
    for record in records:
        if record["id"] in seen_ids:
            sys.exit(f"split: duplicate id {record['id']}")
        seen_ids.add(record["id"])
        key = title_key(record["title"])
        if key in seen_titles:
            sys.exit(f"split: {record['id']} repeats the title of {seen_titles[key]}")
        seen_titles[key] = record["id"]
    return records


def splits_by_title(texts):
    """Each record's split, by title_key, from the text of each split file ({split: text})."""
    return {title_key(json.loads(line)["title"]): split
            for split, text in texts.items() for line in text.splitlines()}


def read_kept(directory):
    """The split of every record (by title_key) in the split files under `directory`; none when
    they are absent."""
    paths = {split: directory / f"{split}.jsonl" for split in SPLITS}
    return splits_by_title({split: path.read_text(encoding="utf-8")
                            for split, path in paths.items() if path.exists()})


def kept_groups(records, kept):
    """The split each group keeps: that of its records already placed. A group whose placed
    records sit in different splits (two groups merged, e.g. by a repeated title) cannot keep
    both; it is reported, and splitting stops."""
    splits_of = defaultdict(set)
    for record in records:
        split = kept.get(title_key(record["title"]))
        if split:
            splits_of[record["group"]].add(split)
    conflicts = {g: sorted(s) for g, s in splits_of.items() if len(s) > 1}
    if conflicts:
        listing = "; ".join(f"{g}: {', '.join(s)}" for g, s in sorted(conflicts.items())[:10])
        sys.exit(f"split: {len(conflicts)} group(s) hold records of several splits ({listing}); "
                 "resolve the grouping, or re-split everything with --fresh")
    return {g: s.pop() for g, s in splits_of.items()}


def split_origin(records, rng, kept):
    """Assigns each group of one origin's records a split; the groups in `kept` keep theirs."""
    groups = defaultdict(list)
    for record in records:
        groups[record["group"]].append(record)

    totals = Counter(label for r in records for label in labels_of(r))
    group_labels = {g: Counter(label for r in rs for label in labels_of(r)) for g, rs in groups.items()}

    def rarest(group):
        return min(group_labels[group], key=lambda label: (totals[label], LABELS.index(label)))

    names = sorted(groups)
    rng.shuffle(names)
    # Stable sort: rarest topic first, bigger groups first within it (they are the
    # hardest to place), then the shuffled order.
    names.sort(key=lambda g: (totals[rarest(g)], -len(groups[g])))

    have = {s: Counter() for s in SPLITS}
    have_records = Counter()
    assignment = {}
    for name in names:
        if name in kept:
            assignment[name] = kept[name]
            have[kept[name]].update(group_labels[name])
            have_records[kept[name]] += len(groups[name])
    for name in names:
        if name in assignment:
            continue
        label = rarest(name)
        size = len(groups[name])

        def need(split):
            label_gap = SHARES[split] * totals[label] - have[split][label]
            record_gap = SHARES[split] * len(records) - have_records[split]
            return (label_gap, record_gap, -SPLITS.index(split))

        chosen = max(SPLITS, key=need)
        assignment[name] = chosen
        have[chosen].update(group_labels[name])
        have_records[chosen] += size
    return assignment


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=Path, default=Path("data/training/labelled.jsonl"))
    parser.add_argument("--out-dir", type=Path, default=Path("data/training"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    placement = parser.add_mutually_exclusive_group()
    placement.add_argument("--keep", type=Path, default=Path("data/training"),
                           help="directory of the previous train/dev/test.jsonl: a record found "
                                "there keeps its split, and so does its group (default: "
                                "data/training)")
    placement.add_argument("--fresh", action="store_true", help="split everything anew")
    args = parser.parse_args()

    records = read_pool(args.pool)
    kept = {} if args.fresh else kept_groups(records, read_kept(args.keep))
    # A group normally holds one origin; if a repeated title ever links two, the whole
    # group is split with the first origin in ORIGINS order, so it stays in one split.
    group_origin = {}
    for record in records:
        current = group_origin.get(record["group"], record["origin"])
        group_origin[record["group"]] = min(current, record["origin"], key=ORIGINS.index)
    by_origin = defaultdict(list)
    for record in records:
        by_origin[group_origin[record["group"]]].append(record)

    assignment = {}
    for origin in sorted(by_origin):
        if origin in TRAINING_ONLY:
            assignment.update({record["group"]: "train" for record in by_origin[origin]})
            continue
        # One generator per origin, seeded from the seed and the origin's name, so an
        # origin's split does not depend on which other origins are present.
        rng = random.Random(f"{args.seed}:{origin}")
        assignment.update(split_origin(by_origin[origin], rng, kept))

    outputs = {s: [] for s in SPLITS}
    for record in records:
        outputs[assignment[record["group"]]].append(record)
    for split in SPLITS:
        path = args.out_dir / f"{split}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in outputs[split]:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        counts = Counter(label for r in outputs[split] for label in labels_of(r))
        print(f"{split}: {len(outputs[split])} records, "
              + ", ".join(f"{label} {counts[label]}" for label in LABELS))

    missing = [(s, t) for s in SPLITS for t in TOPICS
               if not any(t in r["topics"] for r in outputs[s])]
    if missing:
        sys.exit(f"split: some splits lack a topic: {missing}")


if __name__ == "__main__":
    main()
