#!/usr/bin/python3
"""Counts records per split, topic and origin in data/training/ and writes the tables
into data/training/README.md between the markers

  <!-- stats:begin -->  and  <!-- stats:end -->

so that the README's figures always come from the files, never from typing.

Usage (from the repository root):
  /usr/bin/python3 scripts/training/stats.py            # print the tables
  /usr/bin/python3 scripts/training/stats.py --write    # also update the README
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from pool_schema import ORIGINS, TOPICS

FILES = ("train", "dev", "test", "labelled")
BEGIN, END = "<!-- stats:begin -->", "<!-- stats:end -->"


def load(directory, name):
    path = directory / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render(directory):
    data = {name: load(directory, name) for name in FILES}
    out = []

    rows = []
    for name in FILES:
        records = data[name]
        topic_counts = Counter(t for r in records for t in r["topics"])
        rows.append([f"`{name}.jsonl`", len(records), len({r['group'] for r in records})]
                    + [topic_counts[t] for t in TOPICS]
                    + [sum(1 for r in records if not r["topics"]),
                       sum(1 for r in records if len(r["topics"]) > 1)])
    out.append("Records and topics per file (a record with two topics counts under both):\n")
    out.append(table(["file", "records", "groups", *TOPICS, "other (none)", "multi-label"], rows))

    rows = []
    for name in FILES:
        origin_counts = Counter(r["origin"] for r in data[name])
        rows.append([f"`{name}.jsonl`"] + [origin_counts[o] for o in ORIGINS])
    out.append("\nRecords per origin:\n")
    out.append(table(["file", *ORIGINS], rows))

    rows = []
    pool = data["labelled"]
    for origin in ORIGINS:
        records = [r for r in pool if r["origin"] == origin]
        topic_counts = Counter(t for r in records for t in r["topics"])
        rows.append([origin, len(records)] + [topic_counts[t] for t in TOPICS]
                    + [sum(1 for r in records if not r["topics"])])
    out.append("\nTopics per origin in the whole pool:\n")
    out.append(table(["origin", "records", *TOPICS, "other (none)"], rows))

    combos = Counter(",".join(r["topics"]) or "(other)" for r in pool)
    rows = [[f"`{combo}`", count] for combo, count in sorted(combos.items(), key=lambda kv: (-kv[1], kv[0]))]
    out.append("\nLabel combinations in the whole pool:\n")
    out.append(table(["topics", "records"], rows))
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("data/training"))
    parser.add_argument("--write", action="store_true", help="update README.md in --dir")
    args = parser.parse_args()

    text = render(args.dir)
    print(text, end="")
    if args.write:
        readme = args.dir / "README.md"
        content = readme.read_text(encoding="utf-8")
        if content.count(BEGIN) != 1 or content.count(END) != 1:
            sys.exit(f"stats: {readme} needs exactly one {BEGIN} and one {END}")
        head, rest = content.split(BEGIN)
        _, tail = rest.split(END)
        readme.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
