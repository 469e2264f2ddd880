#!/usr/bin/python3
"""Throughput of one dedup domain: the processor daemon (`headwire process`, one raw partition)
on the embedded broker, and how fast a fresh standby catches up on fail-over, each against raw
librdkafka reading the same topic on the same broker in the same run (kcat).

Stream: the UCI News Aggregator slice (../shared/data/uci_news_aggregator, 4,291 headlines with
URL, outlet and time), repeated --copies times with fresh ids and URLs and event times shifted by
30 days per copy, so that copies are new events rather than duplicates of each other. The mock
cluster keeps only about 5 MiB per partition, which bounds the stream at roughly 13,000 records.

Measured:
- baseline: `kcat -C -e` reading the raw topic from start to end (wall time);
- processor: from its "partition assigned" log line to its last record, read from its own
  timestamps (so the consumer-group join is left out);
- catch-up: a second instance with empty state joins the group after the first has finished; it
  decides every record again without output. Same timing rule.

Usage: bench/processor_throughput.py --headwire build/release/headwire [--copies 3]
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import datetime

import bench_stream

TS = re.compile(r"^ts=(\S+) ")


def log_seconds(log_path, start_marker, end_marker):
    """Seconds between the first line with start_marker and the last line with end_marker."""
    start = end = None
    with open(log_path) as f:
        for line in f:
            m = TS.match(line)
            if not m:
                continue
            t = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
            if start is None and start_marker in line:
                start = t
            if end_marker in line:
                end = t
    return end - start


def run_instance(headwire, bootstrap, state, log_path):
    with open(log_path, "w") as log:
        subprocess.run([headwire, "--log-level", "info", "process", "--bootstrap", bootstrap,
                        "--state", state, "--exit-at-end", "--linger-ms", "1"],
                       stdout=subprocess.DEVNULL, stderr=log, check=True, timeout=600)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--headwire", required=True)
    parser.add_argument("--data", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data",
        "uci_news_aggregator", "uci_news_slice.jsonl"))
    parser.add_argument("--copies", type=int, default=3)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="headwire-throughput-")
    broker = subprocess.Popen([args.headwire, "broker"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        bootstrap = broker.stdout.readline().strip()
        stream = os.path.join(work, "stream.jsonl")
        lines = bench_stream.copies(args.data, args.copies)
        with open(stream, "w", encoding="utf-8") as out:
            out.writelines(lines)
        count = len(lines)
        subprocess.run([args.headwire, "produce", "--bootstrap", bootstrap, stream], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        start = time.monotonic()
        consumed = subprocess.run(["kcat", "-b", bootstrap, "-C", "-t", "headwire.articles.raw",
                                   "-e", "-q", "-f", "%o\n"], capture_output=True, text=True,
                                  check=True).stdout.split()
        kcat_s = time.monotonic() - start
        assert len(consumed) == count, f"kcat read {len(consumed)} of {count} records"

        first_log = os.path.join(work, "first.log")
        run_instance(args.headwire, bootstrap, os.path.join(work, "first"), first_log)
        process_s = log_seconds(first_log, "partition assigned", "processor stopped")
        standby_log = os.path.join(work, "standby.log")
        run_instance(args.headwire, bootstrap, os.path.join(work, "standby"), standby_log)
        catch_up_s = log_seconds(standby_log, "partition assigned", "processor stopped")
        with open(standby_log) as f:
            assert "catching up" in f.read(), "the standby did not catch up"

        print(f"records: {count}")
        print(f"kcat (raw librdkafka, read only): {count / kcat_s:,.0f} records/s")
        print(f"processor (decide + emit + persist): {count / process_s:,.0f} records/s "
              f"({process_s / kcat_s:.1f}x the time of kcat)")
        print(f"standby catch-up (decide + persist, no output): {count / catch_up_s:,.0f} "
              f"records/s ({catch_up_s / kcat_s:.1f}x the time of kcat)")
    finally:
        broker.terminate()
        broker.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
