#!/usr/bin/python3
"""Chooses the shipped topic model's training settings on the dev split, never on test.

For every combination of learning rate, epochs, character n-grams on/off and the rules' force
factor, trains on --train, calibrates the thresholds on --dev (with the rules in the loop) and
scores the result on --dev; prints the table, best first (by macro F1, then micro F1). The dev
figures are optimistic (thresholds and settings are both chosen on them); report test figures.

Usage: bench/tune_topic_model.py --headwire build/release/headwire
           [--train data/training/train.jsonl] [--dev data/training/dev.jsonl]
"""

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--headwire", required=True)
    parser.add_argument("--train", default="data/training/train.jsonl")
    parser.add_argument("--dev", default="data/training/dev.jsonl")
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="hw-tune-") as work:
        model = os.path.join(work, "candidate.hwm")
        grid = itertools.product((0.1, 0.2, 0.5), (10,), (True, False), (0, 1.5, 2, 3))
        for lr, epochs, chars, force in grid:
            ngrams = [] if chars else ["--minn", "0", "--maxn", "0"]
            run([args.headwire, "train", "--data", args.train, "--dev", args.dev, "--out", model,
                 "--labels", "space,ai,geopolitics,business", "--seed", args.seed, "--lr", str(lr),
                 "--epochs", str(epochs), "--force-factor", str(force), *ngrams])
            report = json.loads(run([args.headwire, "eval", "classify", "--gold", args.dev,
                                     "--model", model, "--force-factor", str(force), "--json"]))
            rows.append((report["macro_f1"], report["micro_f1"], report["exact_match"],
                         report["other_accuracy"], lr, epochs, chars, force))
    rows.sort(key=lambda r: (-r[0], -r[1]))
    print(f"{'macro F1':>9} {'micro F1':>9} {'exact':>7} {'other':>7} {'lr':>5} {'epochs':>6} "
          f"{'chars':>6} {'force':>6}")
    for r in rows:
        print(f"{r[0]:9.4f} {r[1]:9.4f} {r[2]:7.4f} {r[3]:7.4f} {r[4]:5} {r[5]:6} "
              f"{'3-5' if r[6] else 'off':>6} {r[7]:6}")


if __name__ == "__main__":
    main()
