#!/usr/bin/python3
"""What headwire decides, saved so that an optimisation can be shown to change none of it.

`record` writes, for one headwire binary, the output of `headwire dedup` and `headwire classify`
on every stream below, and the sink's digest (`headwire digest --json`) after the sample and UCI
streams went through broker -> produce -> process -> sink. `check` does the same with another
binary and compares byte for byte, naming every file that differs.

Streams: the sample, tuning and eval streams of data/, and from ../shared/data the UCI News
Aggregator slice, AG News (test split) and Reuters-21578, each file as it is, plus the benchmark
stream of bench/run (bench_stream.py, 12,000 AG News and Reuters articles with ledes, URLs and
times: Reuters' own times are before 1990, which validation rejects). Through the pipeline go the
records with an event time (an estimated one is the wall clock, which no digest can repeat).

Usage:
  bench/decisions.py record --headwire OLD/headwire --out DIR
  bench/decisions.py check --headwire NEW/headwire --baseline DIR [--smoke] [--process-args ARGS]
`--smoke` restricts both to the sample stream (seconds; what ctest runs on one binary, recording
and checking against itself, so the script never rots). `--process-args` adds options to
`headwire process` (e.g. "--workers 2"), to show that they change no decision.
"""

import argparse
import filecmp
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import bench_stream

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = bench_stream.SHARED

STREAMS = {
    "sample": os.path.join(REPO, "data", "sample", "headlines.jsonl"),
    "tuning": os.path.join(REPO, "data", "tuning", "stories_dev.jsonl"),
    "eval": os.path.join(REPO, "data", "eval", "dedup_gold.jsonl"),
    "uci": os.path.join(SHARED, "uci_news_aggregator", "uci_news_slice.jsonl"),
    "agnews": os.path.join(SHARED, "ag_news", "test.jsonl"),
    "reuters": os.path.join(SHARED, "reuters21578", "reuters21578.jsonl"),
}
PIPELINE_STREAMS = ("sample", "uci", "bench")
BENCH_RECORDS = 12000


def filter_output(headwire, command, stream, out_path):
    """stdout and stderr of `headwire COMMAND STREAM`, and its exit code, in one file. Run from the
    stream's directory, so that messages name the file alike wherever the checkout is."""
    result = subprocess.run([os.path.abspath(headwire), command, os.path.basename(stream)],
                            capture_output=True, timeout=900, cwd=os.path.dirname(stream))
    with open(out_path, "wb") as f:
        f.write(result.stdout)
        f.write(b"\n--- stderr ---\n" + result.stderr)
        f.write(f"\n--- exit {result.returncode} ---\n".encode())


def pipeline_digest(headwire, stream, out_path, process_args):
    """The sink's digest after the stream went through its own broker, process (with the extra
    options process_args) and sink."""
    work = tempfile.mkdtemp(prefix="headwire-decisions-")
    timed = os.path.join(work, "timed.jsonl")
    with open(stream, encoding="utf-8") as f, open(timed, "w", encoding="utf-8") as out:
        out.writelines(line for line in f if line.strip() and json.loads(line).get("published_at"))
    broker = subprocess.Popen([headwire, "broker"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        bootstrap = broker.stdout.readline().strip()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True,
                 "timeout": 600}
        subprocess.run([headwire, "produce", "-b", bootstrap, timed], **quiet)
        subprocess.run([headwire, "process", "-b", bootstrap, "-s", os.path.join(work, "p"),
                        "-e", *process_args], **quiet)
        subprocess.run([headwire, "sink", "-b", bootstrap, "-s", os.path.join(work, "s"), "-e"],
                       **quiet)
        digest = subprocess.run([headwire, "digest", "--state", os.path.join(work, "s"),
                                 "--json"], capture_output=True, check=True, timeout=120).stdout
        with open(out_path, "wb") as f:
            f.write(digest)
    finally:
        broker.terminate()
        broker.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def record(headwire, out, smoke, process_args):
    os.makedirs(out, exist_ok=True)
    streams = dict(STREAMS)
    work = tempfile.mkdtemp(prefix="headwire-decisions-stream-")
    try:
        if not smoke:
            streams["bench"] = os.path.join(work, "bench.jsonl")
            bench_stream.write_stream(BENCH_RECORDS, streams["bench"])
        for name in ["sample"] if smoke else list(streams):
            for command in ("dedup", "classify"):
                filter_output(headwire, command, streams[name],
                              os.path.join(out, f"{name}.{command}"))
            if name in PIPELINE_STREAMS:
                pipeline_digest(headwire, streams[name], os.path.join(out, f"{name}.digest.json"),
                                process_args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(os.listdir(out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["record", "check"])
    parser.add_argument("--headwire", required=True)
    parser.add_argument("--out")
    parser.add_argument("--baseline")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--process-args", default="",
                        help="options added to `headwire process`, one shell-quoted string")
    args = parser.parse_args()
    process_args = shlex.split(args.process_args)
    if args.mode == "record":
        if not args.out:
            parser.error("record needs --out")
        files = record(args.headwire, args.out, args.smoke, process_args)
        print(f"recorded {len(files)} files in {args.out}")
        return 0
    if not args.baseline:
        parser.error("check needs --baseline")
    work = tempfile.mkdtemp(prefix="headwire-decisions-check-")
    try:
        files = record(args.headwire, work, args.smoke, process_args)
        missing = [f for f in files if not os.path.exists(os.path.join(args.baseline, f))]
        _, differ, errors = filecmp.cmpfiles(args.baseline, work, files, shallow=False)
        for f in missing:
            print(f"{f}: not in the baseline")
        for f in differ:
            print(f"{f}: differs")
        if missing or differ or errors:
            return 1
        print(f"all {len(files)} outputs byte-identical to {args.baseline}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
