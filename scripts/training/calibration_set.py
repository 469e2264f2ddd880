#!/usr/bin/python3
"""Writes the set the shipped topic model's thresholds are calibrated on: the dev split
(data/training/dev.jsonl) followed by the sample stream and the tuning stream, each record given
the topics of its line in the stream's labels file (data/sample/labels.jsonl,
data/tuning/topic_labels.jsonl). All three are tuning data; the test split and the eval stream
(data/eval/) stay out, for measuring.

Why pooled: the dev split's business headlines are dominated by two UCI stories (170 of its 404),
so thresholds calibrated on it alone follow those stories; the two streams add 536 headlines
written as wire copy (docs/classifier.md, "Wire-style streams labelled, thresholds calibrated on pooled
tuning data").

Usage (from the repository root):
  /usr/bin/python3 scripts/training/calibration_set.py --out FILE
"""

import argparse
import json
import sys

DEV = "data/training/dev.jsonl"
# Name, records, labels (line by line) of each stream pooled after the dev split.
STREAMS = (("sample", "data/sample/headlines.jsonl", "data/sample/labels.jsonl"),
           ("tuning", "data/tuning/stories_dev.jsonl", "data/tuning/topic_labels.jsonl"))


def labelled_stream(stream, labels):
    """The stream's records with the topics of the label on the same line; ids must agree."""
    with open(stream, encoding="utf-8") as records, open(labels, encoding="utf-8") as tags:
        record_lines = [line for line in records if line.strip()]
        label_lines = [line for line in tags if line.strip()]
    if len(record_lines) != len(label_lines):
        sys.exit(f"{labels}: {len(label_lines)} labels for {len(record_lines)} records of "
                 f"{stream}")
    for number, (record_line, label_line) in enumerate(zip(record_lines, label_lines), 1):
        record, label = json.loads(record_line), json.loads(label_line)
        if "topics" not in label or "id" not in label:
            sys.exit(f"{labels}:{number}: a label needs an id and topics")
        if record.get("id") != label["id"]:
            sys.exit(f"{labels}:{number}: id {label['id']!r}, but {stream} has "
                     f"{record.get('id')!r}")
        record.pop("gold", None)
        record["topics"] = label["topics"]
        yield record


def write_calibration_set(path):
    """Writes the dev split and then each stream of STREAMS with its topics, as JSON Lines."""
    with open(path, "w", encoding="utf-8") as out:
        with open(DEV, encoding="utf-8") as dev:
            out.writelines(line.rstrip("\n") + "\n" for line in dev if line.strip())
        for _, stream, labels in STREAMS:
            for record in labelled_stream(stream, labels):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    write_calibration_set(parser.parse_args().out)


if __name__ == "__main__":
    main()
