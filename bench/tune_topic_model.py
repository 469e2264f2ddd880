#!/usr/bin/python3
"""Chooses the shipped topic model's training settings on tuning data, never on test.

For every combination of learning rate, epochs, L2 penalty, rule-feature copies, the business
threshold's beta, the group cap, how much of a body gives features (all of it, or its first 6
words) and character n-grams (none, or 4-grams alone), with geopolitics F0.7, space and ai F1 and
force factor 2 as shipped, trains on --train, calibrates the thresholds on the pooled tuning data
of scripts/training/calibration_set.py (the dev split, the sample stream and the tuning stream,
with the rules in the loop) and scores the result on each of the three; prints the table, best first
by the mean of the three macro F1. All three figures are optimistic (settings are chosen on them,
thresholds calibrated on them); report the test split and the eval stream (data/eval/).

Usage (from the repository root): bench/tune_topic_model.py --headwire build/release/headwire
           [--train data/training/train.jsonl]
"""

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "scripts",
                                "training"))
import calibration_set  # noqa: E402

# Each part of the calibration set, scored on its own: `eval classify` arguments by name.
TUNING_SETS = (("dev", ["--gold", calibration_set.DEV]),
               *((name, ["--gold", stream, "--labels", labels])
                 for name, stream, labels in calibration_set.STREAMS))


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--headwire", required=True)
    parser.add_argument("--train", default="data/training/train.jsonl")
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="hw-tune-") as work:
        model = os.path.join(work, "candidate.hwm")
        calibration = os.path.join(work, "calibration.jsonl")
        calibration_set.write_calibration_set(calibration)
        grid = list(itertools.product((0.2, 0.5), (5, 10, 20), (0.001, 0.003), (8, 16), (0.7, 1.0),
                                      (0, 5, 10, 20), (0, 6), (0, 4)))
        for done, (lr, epochs, l2, copies, business_beta, group_cap, body_words,
                   chars) in enumerate(grid, 1):
            run([args.headwire, "train", "--data", args.train, "--dev", calibration, "--out",
                 model, "--labels", "space,ai,geopolitics,business", "--seed", args.seed, "--lr",
                 str(lr), "--epochs", str(epochs), "--l2", str(l2), "--minn", str(chars), "--maxn", str(chars),
                 "--rule-feature-copies", str(copies), "--force-factor", "2",
                 "--topic-threshold-beta", f"business={business_beta}",
                 "--topic-threshold-beta", "geopolitics=0.7", "--group-cap", str(group_cap),
                 "--max-body-words", str(body_words)])
            scores = [json.loads(run([args.headwire, "eval", "classify", *gold, "--model", model,
                                      "--json"])) for _, gold in TUNING_SETS]
            macro = [s["macro_f1"] for s in scores]
            rows.append((sum(macro) / len(macro), *macro, *(s["other_accuracy"] for s in scores),
                         lr, epochs, l2, copies, business_beta, group_cap, body_words, chars))
            # The table comes at the end; say how far the grid is, on stderr.
            print(f"tune_topic_model: {done}/{len(grid)} settings, best mean so far "
                  f"{max(r[0] for r in rows):.4f}", file=sys.stderr, flush=True)
    rows.sort(key=lambda r: -r[0])
    names = [name for name, _ in TUNING_SETS]
    print(f"{'mean':>7} " + " ".join(f"{n:>7}" for n in names) + " " +
          " ".join(f"{n:>7}" for n in names) +
          f" {'lr':>5} {'epochs':>6} {'l2':>6} {'copies':>6} {'beta B':>6} {'cap':>4} {'body':>4}"
          f" {'chars':>5}")
    print(f"{'macro':>7} " + " ".join(f"{'macro':>7}" for _ in names) + " " +
          " ".join(f"{'other':>7}" for _ in names))
    for r in rows:
        print(" ".join(f"{v:7.4f}" for v in r[:7]) +
              f" {r[7]:5} {r[8]:6} {r[9]:6} {r[10]:6} {r[11]:6} {r[12]:4} {r[13]:4} {r[14]:5}")


if __name__ == "__main__":
    main()
