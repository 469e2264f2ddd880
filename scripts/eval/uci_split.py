#!/usr/bin/python3
"""Splits the UCI News Aggregator slice into a tuning half and a held-out half, by story.

A story belongs to the half in which its first headline falls: before 2014-03-11T04:00Z (the
first twelve hours of the slice) it is a tuning story, from then on a held-out one. Each half
keeps every headline of its stories in the slice's order, so each is a complete stream of whole
stories that `headwire eval dedup --gold` scores. docs/dedup.md says which figures come from
which half: story parameters may be chosen on the tuning half only.

Usage: scripts/eval/uci_split.py --out DIR    writes DIR/uci_tune.jsonl and DIR/uci_held.jsonl
Data: ../shared/data/uci_news_aggregator/uci_news_slice.jsonl (see its SOURCE.md for terms).
"""

import argparse
import datetime
import json
import os

CUT_MS = int(datetime.datetime(2014, 3, 11, 4, tzinfo=datetime.timezone.utc).timestamp() * 1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                                       "shared", "data", "uci_news_aggregator",
                                                       "uci_news_slice.jsonl"))
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    with open(args.data, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    first_seen = {}
    for row in rows:
        story = row["story"]
        first_seen[story] = min(first_seen.get(story, row["published_at"]), row["published_at"])

    halves = {"uci_tune": [], "uci_held": []}
    for row in rows:
        halves["uci_tune" if first_seen[row["story"]] < CUT_MS else "uci_held"].append(row)
    os.makedirs(args.out, exist_ok=True)
    for name, half in halves.items():
        path = os.path.join(args.out, name + ".jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(row) + "\n" for row in half)
        print(f"{path}: {len(half)} headlines, {len({row['story'] for row in half})} stories")


if __name__ == "__main__":
    main()
