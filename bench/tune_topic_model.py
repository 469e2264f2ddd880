#!/usr/bin/python3
"""Chooses the shipped topic model's training settings on the dev split and the sample stream,
never on test.

For every combination of learning rate, epochs, L2 penalty, rule-feature copies, the business
threshold's beta and the group cap (geopolitics F0.7, space and ai F1, no character n-grams, force
factor 2, as shipped), trains on --train, calibrates the thresholds on --dev (with the rules in
the loop) and scores the result on --dev and on the sample stream (data/sample/headlines.jsonl
with the topics of labels.jsonl); prints the table, best first by the mean of the two macro F1.
Both figures are optimistic (settings are chosen on them, thresholds on dev); report test figures.

Usage: bench/tune_topic_model.py --headwire build/release/headwire
           [--train data/training/train.jsonl] [--dev data/training/dev.jsonl]
           [--sample data/sample]
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
    parser.add_argument("--sample", default="data/sample")
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()

    rows = []
    sample_gold = ["--gold", os.path.join(args.sample, "headlines.jsonl"),
                   "--labels", os.path.join(args.sample, "labels.jsonl")]
    with tempfile.TemporaryDirectory(prefix="hw-tune-") as work:
        model = os.path.join(work, "candidate.hwm")
        grid = itertools.product((0.2, 0.5), (5, 10, 20), (0.001, 0.003), (8, 16), (0.7, 1.0),
                                 (0, 5, 10, 20))
        for lr, epochs, l2, copies, business_beta, group_cap in grid:
            run([args.headwire, "train", "--data", args.train, "--dev", args.dev, "--out", model,
                 "--labels", "space,ai,geopolitics,business", "--seed", args.seed, "--lr", str(lr),
                 "--epochs", str(epochs), "--l2", str(l2), "--minn", "0", "--maxn", "0",
                 "--rule-feature-copies", str(copies), "--force-factor", "2",
                 "--topic-threshold-beta", f"business={business_beta}",
                 "--topic-threshold-beta", "geopolitics=0.7", "--group-cap", str(group_cap)])
            dev, sample = (json.loads(run([args.headwire, "eval", "classify", *gold, "--model",
                                           model, "--json"]))
                           for gold in (["--gold", args.dev], sample_gold))
            rows.append(((dev["macro_f1"] + sample["macro_f1"]) / 2, dev["macro_f1"],
                         sample["macro_f1"], dev["other_accuracy"], sample["other_accuracy"],
                         lr, epochs, l2, copies, business_beta, group_cap))
    rows.sort(key=lambda r: -r[0])
    print(f"{'mean':>7} {'dev':>7} {'sample':>7} {'other':>7} {'other':>7} {'lr':>5} "
          f"{'epochs':>6} {'l2':>6} {'copies':>6} {'beta B':>6} {'cap':>4}")
    print(f"{'macro':>7} {'macro':>7} {'macro':>7} {'dev':>7} {'sample':>7}")
    for r in rows:
        print(f"{r[0]:7.4f} {r[1]:7.4f} {r[2]:7.4f} {r[3]:7.4f} {r[4]:7.4f} {r[5]:5} {r[6]:6} "
              f"{r[7]:6} {r[8]:6} {r[9]:6} {r[10]:4}")


if __name__ == "__main__":
    main()
