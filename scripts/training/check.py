#!/usr/bin/python3
"""Checks data/training/ for the properties its README promises, and exits non-zero
with a list of problems if any fails:

  - every record has exactly the fields of its origin (pool_schema.py: id, title, topics,
    origin, group, and a body for the origins of WITH_BODY), with topics a subset of the four
    topics in canonical order and origin one of ORIGINS;
  - ids are unique, titles are unique (case-insensitive, whitespace collapsed);
  - train + dev + test hold exactly the records of labelled.jsonl, and no group is in
    two splits;
  - every split has every topic;
  - running split.py again (into a temporary directory, keeping every record's split)
    reproduces the three files byte for byte: every group is placed, and the files are in
    split.py's order;
  - no record changed split since the last commit (git HEAD's split files; skipped outside a
    git checkout), unless --allow-moves says a re-split (split.py --fresh) is meant: the
    previous check cannot see a record moved by hand, this one can before it is committed;
  - the counts block in README.md is what stats.py computes from the files;
  - running background.py again reproduces data/background/headlines.txt byte for byte.

Usage (from the repository root):
  /usr/bin/python3 scripts/training/check.py
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from pool_schema import ORIGINS, TOPICS, fields_of
from split import SPLITS, splits_by_title, title_key
HERE = Path(__file__).resolve().parent


def committed_splits(directory):
    """Each record's split (by title_key) in the last commit's split files; None when the
    directory is not in a git checkout or the files are not committed."""
    texts = {}
    for split in SPLITS:
        run = subprocess.run(["git", "show", f"HEAD:./{split}.jsonl"], cwd=directory,
                             capture_output=True, text=True)
        if run.returncode != 0:
            return None
        texts[split] = run.stdout
    return splits_by_title(texts)


def load(path, problems):
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: not JSON: {error}")
            continue
        if record.get("origin") not in ORIGINS:
            problems.append(f"{path}:{number}: origin {record.get('origin')!r}")
            continue
        fields = fields_of(record["origin"])
        if set(record) != fields:
            problems.append(f"{path}:{number}: fields {sorted(record)} != {sorted(fields)}")
            continue
        topics = record["topics"]
        if not isinstance(topics, list) or list(topics) != [t for t in TOPICS if t in topics] \
                or len(set(topics)) != len(topics):
            problems.append(f"{path}:{number}: topics {topics!r} not a subset of {TOPICS} in order")
        if not isinstance(record["title"], str) or not record["title"].strip():
            problems.append(f"{path}:{number}: empty title")
        records.append(record)
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("data/training"))
    parser.add_argument("--background", type=Path, default=Path("data/background/headlines.txt"))
    parser.add_argument("--allow-moves", action="store_true",
                        help="records may have changed split since the last commit (a re-split)")
    args = parser.parse_args()
    problems = []

    pool = load(args.dir / "labelled.jsonl", problems)
    splits = {s: load(args.dir / f"{s}.jsonl", problems) for s in SPLITS}

    ids, titles = set(), set()
    for record in pool:
        if record["id"] in ids:
            problems.append(f"duplicate id {record['id']}")
        ids.add(record["id"])
        key = title_key(record["title"])
        if key in titles:
            problems.append(f"duplicate title in {record['id']}: {record['title']!r}")
        titles.add(key)

    pool_lines = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in pool)
    split_lines = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True)
                         for s in SPLITS for r in splits[s])
    if pool_lines != split_lines:
        problems.append("train + dev + test do not hold exactly the records of labelled.jsonl")

    home = {}
    for split in SPLITS:
        for record in splits[split]:
            other = home.setdefault(record["group"], split)
            if other != split:
                problems.append(f"group {record['group']} is in both {other} and {split}")
        for topic in TOPICS:
            if not any(topic in r["topics"] for r in splits[split]):
                problems.append(f"{split} has no {topic} record")

    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([sys.executable, str(HERE / "split.py"), "--pool", str(args.dir / "labelled.jsonl"),
                              "--keep", str(args.dir), "--out-dir", tmp], capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"split.py failed: {run.stderr.strip()}")
        else:
            for split in SPLITS:
                if (Path(tmp) / f"{split}.jsonl").read_bytes() != (args.dir / f"{split}.jsonl").read_bytes():
                    problems.append(f"split.py does not reproduce {split}.jsonl")

        background = Path(tmp) / "headlines.txt"
        run = subprocess.run([sys.executable, str(HERE / "background.py"),
                              "--pool", str(args.dir / "labelled.jsonl"), "--out", str(background)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"background.py failed: {run.stderr.strip()}")
        elif background.read_bytes() != args.background.read_bytes():
            problems.append(f"background.py does not reproduce {args.background}")

    committed = None if args.allow_moves else committed_splits(args.dir)
    if committed:
        moved = [(r["id"], committed[key], split) for split in SPLITS for r in splits[split]
                 if (key := title_key(r["title"])) in committed and committed[key] != split]
        if moved:
            listing = ", ".join(f"{i} {a}->{b}" for i, a, b in moved[:10])
            problems.append(f"{len(moved)} record(s) changed split since the last commit "
                            f"({listing}); --allow-moves if a re-split is meant")

    run = subprocess.run([sys.executable, str(HERE / "stats.py"), "--dir", str(args.dir)],
                         capture_output=True, text=True)
    readme = (args.dir / "README.md").read_text(encoding="utf-8")
    if run.returncode != 0:
        problems.append(f"stats.py failed: {run.stderr.strip()}")
    elif f"<!-- stats:begin -->\n{run.stdout}<!-- stats:end -->" not in readme:
        problems.append("README.md counts are stale: run stats.py --write")

    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(f"check: {len(problems)} problem(s)")
    print(f"check: OK ({len(pool)} records; train {len(splits['train'])}, "
          f"dev {len(splits['dev'])}, test {len(splits['test'])})")


if __name__ == "__main__":
    main()
