#!/usr/bin/python3
"""Builds data/training/labelled.jsonl, the labelled pool for the topic classifier.

Inputs:
  - the UCI News Aggregator slice (titles) and data/training/sources/uci_review.txt
    (reviewed labels: a label per story, then per-row overrides);
  - the STS headline pairs and data/training/sources/sts_review.tsv (a reviewed label
    per unique sentence);
  - data/training/sources/handwritten.txt (headlines written for the project) and
    data/training/sources/boundary.txt (written later for the topic boundaries: hard
    negatives and "other" news; origin "boundary", so that the earlier origins keep their
    splits), and data/training/sources/breadth.txt (written after that for breadth: every
    kind of business, "other", geopolitics, space and ai news; origin "breadth"), and
    data/training/sources/wire.txt (wire-style articles, a headline with its lede, written
    after that; origin "wire"), and data/training/sources/crossings.txt (articles written
    after that where topics cross; origin "crossing"), and data/training/sources/desks.txt
    (articles written after that, desk by desk, for volume; origin "desk"). Only these last
    three have a body.

Titles are deduplicated ignoring case, spacing and punctuation; the first occurrence
wins, in pool order (pool_schema.ORIGINS: UCI, STS, handwritten, boundary, breadth, wire,
crossing, desk). Groups that share a title, or hold two titles whose word sets overlap by 75% or
more, are merged, so that a split by group can never put the same title, a near-copy of it,
or its paraphrase partner in two splits. The output is sorted by origin and id, so the file
is byte-identical on every run.

Usage (from the repository root):
  /usr/bin/python3 scripts/training/build_pool.py \
      --uci /work/shared/data/uci_news_aggregator/uci_news_slice.jsonl \
      --sts /work/shared/data/sts_headlines/headlines.jsonl
"""

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from pool_schema import ORIGINS, TOPICS

LETTERS = {"S": "space", "A": "ai", "G": "geopolitics", "B": "business"}


def fail(message):
    sys.exit(f"build_pool: {message}")


def parse_topic_words(text, where):
    if text == "-":
        return []
    topics = text.split(",")
    for topic in topics:
        if topic not in TOPICS:
            fail(f"{where}: unknown topic {topic!r}")
    return [t for t in TOPICS if t in topics]


def words(title):
    """Lower-case words of a title, punctuation dropped ("Mt. Gox" -> ["mt", "gox"])."""
    return re.findall(r"[^\W_]+", title.lower())


def dedup_key(title):
    # Titles that differ only in case, spacing or punctuation are the same title.
    return " ".join(words(title))


def read_uci(slice_path, review_path):
    story_label = {}
    row_label = {}
    for number, line in enumerate(review_path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        where = f"{review_path}:{number}"
        if parts[0] == "story" and len(parts) >= 3:
            story_label[parts[1]] = parse_topic_words(" ".join(parts[2:]).replace(" ", ","), where)
        elif parts[0].isdigit() and len(parts) >= 2:
            row_label[int(parts[0])] = parse_topic_words(",".join(parts[1:]), where)
        else:
            fail(f"{where}: cannot parse {line!r}")

    records = []
    used_rows = set()
    for line in slice_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        prefixes = [p for p in story_label if row["story"].startswith(p)]
        if len(prefixes) != 1:
            fail(f"UCI row {row['id']}: story {row['story']} matches {len(prefixes)} review prefixes")
        topics = story_label[prefixes[0]]
        if row["id"] in row_label:
            topics = row_label[row["id"]]
            used_rows.add(row["id"])
        records.append({"id": f"uci-{row['id']}", "title": row["title"], "topics": topics,
                        "origin": "uci", "group": f"uci-{row['story']}"})
    unused = set(row_label) - used_rows
    if unused:
        fail(f"UCI overrides name rows that do not exist: {sorted(unused)}")
    return records


def read_sts(pairs_path, review_path):
    labels = {}
    for number, line in enumerate(review_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            fail(f"{review_path}:{number}: expected 3 tab-separated fields")
        labels[fields[0]] = (parse_topic_words(fields[1], f"{review_path}:{number}"), fields[2])

    records = []
    for line in pairs_path.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        if pair["subset"] != "headlines":
            continue
        pair_id = f"{pair['split']}-{pair['year']}-{pair['sid']}"
        for side in ("a", "b"):
            record_id = f"sts-{pair_id}{side}"
            title = pair[side].strip()
            if record_id in labels:
                topics, reviewed_title = labels.pop(record_id)
                if reviewed_title != title:
                    fail(f"{record_id}: review file title differs from the data set")
            else:
                # A repeat of a sentence seen earlier; deduplication drops it below,
                # but its pair still links the groups.
                topics = None
            records.append({"id": record_id, "title": title, "topics": topics,
                            "origin": "sts", "group": f"sts-{pair_id}"})
    if labels:
        fail(f"STS review names sentences not in the data set: {sorted(labels)[:5]}")
    return records


def read_handwritten(path, origin="handwritten", prefix="hw", with_body=False):
    """Reads 'TOPICS | TITLE' lines, or 'TOPICS | TITLE | BODY' lines when with_body."""
    records = []
    count = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        slug = None
        if line.startswith("@"):
            slug, _, line = line.partition(" ")
            slug = slug[1:]
        label_text, sep, title = line.partition("|")
        body = None
        if with_body:
            title, body_sep, body = title.partition("|")
            if not body_sep or not body.strip() or "|" in body:
                fail(f"{where}: expected 'TOPICS | TITLE | BODY'")
        if not sep or not title.strip():
            fail(f"{where}: expected 'TOPICS | TITLE'")
        label_text = label_text.strip()
        if label_text == "-":
            topics = []
        else:
            letters = label_text.split(",")
            if any(letter not in LETTERS for letter in letters):
                fail(f"{where}: bad topics {label_text!r}")
            topics = [t for t in TOPICS if t in {LETTERS[x] for x in letters}]
        count += 1
        record_id = f"{prefix}-{count:04d}"
        group = f"{prefix}-{slug}" if slug else record_id
        record = {"id": record_id, "title": title.strip(), "topics": topics,
                  "origin": origin, "group": group}
        if with_body:
            record["body"] = body.strip()
        records.append(record)
    return records


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller name becomes the root, so the result does not depend on order.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


NEAR_DUPLICATE_OVERLAP = 0.75
NEAR_DUPLICATE_MIN_WORDS = 4


def link_near_duplicates(records, groups):
    """Merges the groups of titles whose word sets overlap by at least
    NEAR_DUPLICATE_OVERLAP (Jaccard), such as "US drone strike kills eleven in
    Pakistan" and "US drone strike kills 11 in Pakistan" from two STS pairs. Without
    this, the two would be split independently and one could be trained on while the
    other is tested. Only titles of the same origin are compared: the origins cover
    different years, so matches across them are stock phrases ("what you need to
    know"), not the same event. Short titles are left alone: with three words, one
    shared word is already a third of the set."""
    sets = [frozenset(words(r["title"])) for r in records]
    by_word = defaultdict(list)
    for index, word_set in enumerate(sets):
        for word in word_set:
            by_word[word].append(index)
    for index, word_set in enumerate(sets):
        if len(word_set) < NEAR_DUPLICATE_MIN_WORDS:
            continue
        shared = defaultdict(int)
        for word in word_set:
            for other in by_word[word]:
                if other > index:
                    shared[other] += 1
        for other, count in shared.items():
            if len(sets[other]) < NEAR_DUPLICATE_MIN_WORDS:
                continue
            if records[other]["origin"] != records[index]["origin"]:
                continue
            if count / len(word_set | sets[other]) >= NEAR_DUPLICATE_OVERLAP:
                groups.union(records[index]["group"], records[other]["group"])


def build(records):
    groups = UnionFind()
    first_by_key = {}
    for record in records:
        groups.find(record["group"])
        key = dedup_key(record["title"])
        if key in first_by_key:
            groups.union(first_by_key[key]["group"], record["group"])
        else:
            first_by_key[key] = record

    kept = list(first_by_key.values())
    link_near_duplicates(kept, groups)

    pool = []
    for record in kept:
        if record["topics"] is None:
            fail(f"{record['id']}: first occurrence of a title has no reviewed label")
        pool.append(dict(record, group=groups.find(record["group"])))

    def sort_key(record):
        prefix, _, rest = record["id"].partition("-")
        return (ORIGINS.index(record["origin"]), int(rest) if rest.isdigit() else 0, record["id"])

    pool.sort(key=sort_key)
    return pool


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uci", type=Path, required=True, help="uci_news_slice.jsonl")
    parser.add_argument("--sts", type=Path, required=True, help="sts headlines.jsonl")
    parser.add_argument("--sources", type=Path, default=Path("data/training/sources"))
    parser.add_argument("--out", type=Path, default=Path("data/training/labelled.jsonl"))
    args = parser.parse_args()

    records = read_uci(args.uci, args.sources / "uci_review.txt")
    records += read_sts(args.sts, args.sources / "sts_review.tsv")
    records += read_handwritten(args.sources / "handwritten.txt")
    records += read_handwritten(args.sources / "boundary.txt", "boundary", "bd")
    records += read_handwritten(args.sources / "breadth.txt", "breadth", "br")
    records += read_handwritten(args.sources / "wire.txt", "wire", "wr", with_body=True)
    records += read_handwritten(args.sources / "crossings.txt", "crossing", "cx", with_body=True)
    records += read_handwritten(args.sources / "desks.txt", "desk", "dk", with_body=True)
    pool = build(records)
    with args.out.open("w", encoding="utf-8") as out:
        for record in pool:
            fields = {k: record[k] for k in ("id", "title", "body", "topics", "origin", "group")
                      if k in record}
            out.write(json.dumps(fields, ensure_ascii=False) + "\n")
    print(f"wrote {len(pool)} records to {args.out}")


if __name__ == "__main__":
    main()
