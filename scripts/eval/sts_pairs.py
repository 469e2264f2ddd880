#!/usr/bin/python3
"""Scores headwire's near-duplicate and story decisions on the STS headline pairs.

Each pair of the chosen split becomes two articles with the same event time; pairs are spaced
ten days apart so that no decision crosses pairs. `headwire dedup` decides the stream; a pair is
"joined" when the second headline is a near duplicate of the first or joins its story. Reported
per gold-similarity band (STS scores 0-5): how many pairs were joined, and precision/recall of
"joined" against gold >= 3 (same event, per the STS annotation guide: "roughly equivalent").

Usage: scripts/eval/sts_pairs.py --headwire build/release/headwire [--split test]
Data: ../shared/data/sts_headlines/headlines.jsonl (see its SOURCE.md for terms).
"""

import argparse
import json
import os
import subprocess

TEN_DAYS_MS = 10 * 24 * 3600 * 1000
T0 = 1_600_000_000_000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--headwire", required=True)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                                       "shared", "data", "sts_headlines",
                                                       "headlines.jsonl"))
    parser.add_argument("--split", default="test", help="train, dev or test")
    parser.add_argument("--gold-joined", type=float, default=3.0)
    args = parser.parse_args()

    with open(args.data, encoding="utf-8") as f:
        pairs = [p for p in map(json.loads, f) if p["split"] == args.split]
    lines = []
    for i, pair in enumerate(pairs):
        for side in ("a", "b"):
            lines.append(json.dumps({"id": f"p{i}{side}", "title": pair[side],
                                     "published_at": T0 + i * TEN_DAYS_MS}))
    # The built-in story background holds these very sentences (data/background/README.md), so
    # the pairs are scored without it.
    out = subprocess.run([args.headwire, "dedup", "--story-background", "none", "-"],
                         input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    verdicts = {r["id"]: r for r in map(json.loads, out)}

    bands = {}
    tp = fp = fn = 0
    for i, pair in enumerate(pairs):
        a, b = verdicts[f"p{i}a"], verdicts[f"p{i}b"]
        joined = b["story_id"] == a["story_id"]
        band = min(int(pair["score"]), 4)
        total, count = bands.get(band, (0, 0))
        bands[band] = (total + 1, count + joined)
        gold = pair["score"] >= args.gold_joined
        tp += joined and gold
        fp += joined and not gold
        fn += gold and not joined
    print(f"STS headlines, split {args.split}: {len(pairs)} pairs")
    print("gold score   pairs   joined (near duplicate or same story)")
    for band in sorted(bands):
        total, count = bands[band]
        label = f"{band}-{band + 1}" if band < 4 else "4-5"
        print(f"{label:>10} {total:7d}   {count:5d} ({count / total:.1%})")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"joined vs gold >= {args.gold_joined}: precision {precision:.3f}, recall {recall:.3f}")


if __name__ == "__main__":
    main()
