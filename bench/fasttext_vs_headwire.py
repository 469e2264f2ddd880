#!/usr/bin/python3
"""Trains and tests headwire's topic model and the `fasttext` command (Debian package fasttext)
on AG News, in the same run, with the same preprocessing, and prints accuracy, training time,
predictions per second and the ratios headwire/fastText.

Data: ../shared/data/ag_news (train_text.jsonl, 15,030 rows of the official train split, and
test.jsonl, the official 7,600-row test split). Both tools get the same token stream per row:
title and body joined, the AG News escapes undone (\\ line breaks, #36; #39; quot; and HTML
entities), lower-cased, split into runs of letters and digits (punctuation dropped).

Settings: fastText as in Joulin et al. 2016 for AG News with bigrams (10 hidden units, word
bigrams, 10M buckets, one thread), its learning rate chosen from {0.05, 0.1, 0.25, 0.5} as in the
paper and its epochs from {5, 10, 20}, both on a validation split of the training sample (every
10th row), then retrained on the whole sample. headwire the same way: `headwire train --loss
softmax` (word unigrams and bigrams, 2^20 buckets, 10 epochs), its learning rate chosen from
{0.1, 0.2, 0.5}, its L2 penalty from {0, 0.003} and character 3-5-grams on or off, on the same
validation split, then retrained on the whole sample. Neither tool sees the test split before the final measurement.

Speed: each tool's prediction command runs on the test set repeated --speed-copies times and on
a one-line file; the difference of the two wall times is the time to predict, without start-up
and model loading (best of --repeats). Training time is the wall time of the training command.

Usage: bench/fasttext_vs_headwire.py --headwire build/release/headwire
           [--data ../shared/data/ag_news] [--work DIR] [--repeats 3] [--speed-copies 10]
"""

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOKEN = re.compile(r"[a-z0-9]+")


def preprocess(text):
    text = text.replace("\\", " ")
    text = re.sub(r"(?<![&\w])#(\d+);", r"&#\1;", text)   # "#39;" -> "&#39;"
    text = re.sub(r"(?<![&\w])(quot|amp|lt|gt|nbsp);", r"&\1;", text)
    text = html.unescape(html.unescape(text))
    return " ".join(TOKEN.findall(text.lower()))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_sets(rows, stem, work):
    """Writes the same rows as fastText lines and as headwire gold JSON Lines."""
    ft = os.path.join(work, stem + ".txt")
    hw = os.path.join(work, stem + ".jsonl")
    with open(ft, "w", encoding="utf-8") as f_ft, open(hw, "w", encoding="utf-8") as f_hw:
        for text, label in rows:
            f_ft.write(f"__label__{label} {text}\n")
            f_hw.write(json.dumps({"title": text, "label": label}) + "\n")
    return ft, hw


def timed(cmd, **kwargs):
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}")
    return elapsed, result


def prediction_rate(cmd_for, full, one, count, repeats):
    best_full = min(timed(cmd_for(full))[0] for _ in range(repeats))
    best_one = min(timed(cmd_for(one))[0] for _ in range(repeats))
    return count / max(best_full - best_one, 1e-9)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--headwire", required=True)
    parser.add_argument("--fasttext", default=shutil.which("fasttext") or "/usr/bin/fasttext")
    parser.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "ag_news"))
    parser.add_argument("--work", default=None, help="Keep the converted files and models here")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--speed-copies", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="hw-agnews-")
    os.makedirs(work, exist_ok=True)
    train = [(preprocess(r["text"]), r["label"]) for r in read_jsonl(os.path.join(args.data, "train_text.jsonl"))]
    test = [(preprocess(r["title"] + " " + r.get("body", "")), r["label"])
            for r in read_jsonl(os.path.join(args.data, "test.jsonl"))]
    train_ft, train_hw = write_sets(train, "train", work)
    test_ft, test_hw = write_sets(test, "test", work)
    speed_ft, speed_hw = write_sets(test * args.speed_copies, "speed", work)
    one_ft, one_hw = write_sets(test[:1], "one", work)
    print(f"AG News: {len(train)} training rows, {len(test)} test rows; work dir {work}")

    # fastText, the paper's bigram setting, one thread; lr and epochs picked on validation.
    def ft_train(train_file, output, lr, epochs):
        return timed([args.fasttext, "supervised", "-input", train_file, "-output", output,
                      "-dim", "10", "-lr", str(lr), "-wordNgrams", "2", "-minCount", "1",
                      "-bucket", "10000000", "-epoch", str(epochs), "-thread", "1",
                      "-seed", str(args.seed), "-verbose", "0"])[0]

    fit_ft, fit_hw = write_sets([r for i, r in enumerate(train) if i % 10 != 9], "fit", work)
    val_ft, val_hw = write_sets([r for i, r in enumerate(train) if i % 10 == 9], "validation", work)
    best = None
    for lr in (0.05, 0.1, 0.25, 0.5):
        for epochs in (5, 10, 20):
            candidate = os.path.join(work, "fasttext-candidate")
            ft_train(fit_ft, candidate, lr, epochs)
            _, out = timed([args.fasttext, "test", candidate + ".bin", val_ft])
            acc = float(re.search(r"P@1\s+([0-9.]+)", out.stdout).group(1))
            if best is None or acc > best[0]:
                best = (acc, lr, epochs)
            for ext in (".bin", ".vec"):
                if os.path.exists(candidate + ext):
                    os.remove(candidate + ext)
    print(f"fastText setting chosen on validation: lr {best[1]}, {best[2]} epochs "
          f"(validation accuracy {best[0]:.4f})")
    ft_model = os.path.join(work, "fasttext")
    ft_train_s = ft_train(train_ft, ft_model, best[1], best[2])
    _, out = timed([args.fasttext, "test", ft_model + ".bin", test_ft])
    ft_acc = float(re.search(r"P@1\s+([0-9.]+)", out.stdout).group(1))
    ft_rate = prediction_rate(lambda f: [args.fasttext, "predict", ft_model + ".bin", f],
                              speed_ft, one_ft, len(test) * args.speed_copies, args.repeats)

    # headwire: softmax model, rules layer off (AG News classes are not headwire topics); lr and
    # character n-grams picked on the same validation split.
    def hw_train(train_file, output, lr, chars, l2):
        ngrams = [] if chars else ["--minn", "0", "--maxn", "0"]
        return timed([args.headwire, "train", "--data", train_file, "--out", output, "--loss",
                      "softmax", "--seed", str(args.seed), "--name", "agnews", "--lr", str(lr),
                      "--l2", str(l2), "--taxonomy", "none", *ngrams])[0]

    def hw_accuracy(model, gold):
        _, out = timed([args.headwire, "eval", "classify", "--gold", gold, "--model", model,
                        "--taxonomy", "none", "--json"])
        return json.loads(out.stdout)["exact_match"]

    best_hw = None
    for lr in (0.1, 0.2, 0.5):
        for chars in (False, True):
            for l2 in (0, 0.003):
                candidate = os.path.join(work, "headwire-candidate.hwm")
                hw_train(fit_hw, candidate, lr, chars, l2)
                acc = hw_accuracy(candidate, val_hw)
                if best_hw is None or acc > best_hw[0]:
                    best_hw = (acc, lr, chars, l2)
                os.remove(candidate)
    print(f"headwire setting chosen on validation: lr {best_hw[1]}, character n-grams "
          f"{'3-5' if best_hw[2] else 'off'}, l2 {best_hw[3]} (validation accuracy "
          f"{best_hw[0]:.4f})")
    hw_model = os.path.join(work, "headwire.hwm")
    hw_train_s = hw_train(train_hw, hw_model, best_hw[1], best_hw[2], best_hw[3])
    hw_acc = hw_accuracy(hw_model, test_hw)
    hw_rate = prediction_rate(lambda f: [args.headwire, "eval", "classify", "--gold", f, "--model",
                                         hw_model, "--taxonomy", "none", "--json"],
                              speed_hw, one_hw, len(test) * args.speed_copies, args.repeats)

    rows = [("accuracy", ft_acc, hw_acc, "{:.4f}"),
            ("training time (s)", ft_train_s, hw_train_s, "{:.2f}"),
            ("predictions per second", ft_rate, hw_rate, "{:,.0f}")]
    print(f"\n{'':24} {'fastText':>12} {'headwire':>12} {'headwire/fastText':>18}")
    for name, ft, hw, fmt in rows:
        print(f"{name:24} {fmt.format(ft):>12} {fmt.format(hw):>12} {hw / ft:>18.3f}")
    print(f"\nmodel size (bytes): fastText {os.path.getsize(ft_model + '.bin'):,}, "
          f"headwire {os.path.getsize(hw_model):,}")
    if args.work is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
