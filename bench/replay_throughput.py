#!/usr/bin/python3
"""Replay throughput, side by side in one run on the embedded broker: `headwire replay --archive
--into` (processor and sink in-process, no Kafka) and `headwire replay --archive` into a topic,
against kcat producing the same bytes (same keys, values and headers, lz4, idempotent, acks=all
as headwire's producer) to the same broker.

Stream: the UCI News Aggregator slice (../shared/data/uci_news_aggregator, 4,291 headlines),
repeated --copies times (default 24: 102,984 records) with fresh ids and URLs and event times
shifted by 30 days per copy. The archive is built live: `headwire archive` runs while the stream
is produced in chunks of 10,000 records (the mock cluster keeps only ~5 MiB per partition, so the
next chunk waits until the archive holds the previous one). Each chunk's messages are read back
with python3-confluent-kafka to make kcat's input, so kcat sends exactly the archived bytes.

Reported: records/s of each (wall time of the process, startup included), the ratio to kcat, and
each process's peak RSS (/usr/bin/time), plus the peak RSS of a --into replay of a quarter of
the stream, to show memory does not grow with the archive's length.

Usage: bench/replay_throughput.py --headwire build/release/headwire [--copies 24]
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, TopicPartition

import bench_stream

RAW = "headwire.articles.raw"
CHUNK = 10000
MSG_DELIM = b"\x1e\x1f\x1e\x1f\x1e"
KEY_DELIM = b"\x1f\x1e\x1f\x1e\x1f"


def timed(cmd, rss_path, **kwargs):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS in MiB)."""
    start = time.monotonic()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_path] + cmd, check=True, **kwargs)
    seconds = time.monotonic() - start
    with open(rss_path) as f:
        rss_kib = int(f.read().strip().splitlines()[-1])
    return seconds, rss_kib / 1024


def read_range(bootstrap, start, end):
    """(key, value, headers) of raw offsets [start, end)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-reader",
                  "enable.auto.commit": False})
    c.assign([TopicPartition(RAW, 0, start)])
    out = []
    deadline = time.time() + 60
    while len(out) < end - start and time.time() < deadline:
        m = c.poll(0.5)
        if m is None or m.error():
            continue
        out.append((m.key(), m.value(), m.headers() or []))
    c.close()
    if len(out) != end - start:
        raise SystemExit(f"read {len(out)} of {end - start} raw records")
    return out


def archived(headwire, archive):
    if not os.path.isdir(archive):
        return 0
    listing = subprocess.run([headwire, "archive", "ls", archive, "--json"], check=True,
                             capture_output=True, text=True).stdout
    return sum(s["records"] for s in json.loads(listing))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--headwire", required=True)
    parser.add_argument("--copies", type=int, default=24)
    parser.add_argument("--data", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data",
        "uci_news_aggregator", "uci_news_slice.jsonl"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="headwire-replay-bench-")
    broker = subprocess.Popen([args.headwire, "broker"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    archiver = None
    try:
        bootstrap = broker.stdout.readline().strip()
        lines = bench_stream.copies(args.data, args.copies)
        archive = os.path.join(work, "archive")
        archiver = subprocess.Popen([args.headwire, "archive", "-b", bootstrap, "--dir", archive],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kcat_input = os.path.join(work, "kcat.in")
        headers = None
        with open(kcat_input, "wb") as kin:
            for start in range(0, len(lines), CHUNK):
                chunk = os.path.join(work, "chunk.jsonl")
                with open(chunk, "w") as f:
                    f.writelines(lines[start:start + CHUNK])
                subprocess.run([args.headwire, "produce", "-b", bootstrap, chunk], check=True,
                               stderr=subprocess.DEVNULL)
                end = min(start + CHUNK, len(lines))
                for key, value, hdrs in read_range(bootstrap, start, end):
                    if MSG_DELIM in value or KEY_DELIM in value or MSG_DELIM in key:
                        raise SystemExit("a delimiter occurs in a record; choose another")
                    kin.write(key + KEY_DELIM + value + MSG_DELIM)
                    headers = hdrs
                deadline = time.time() + 120
                while archived(args.headwire, archive) < end and time.time() < deadline:
                    time.sleep(0.2)
        archiver.send_signal(signal.SIGTERM)
        archiver.wait(timeout=60)
        records = archived(args.headwire, archive)
        if records != len(lines):
            raise SystemExit(f"archive holds {records} of {len(lines)} records")
        rss = os.path.join(work, "rss")

        kcat_cmd = ["kcat", "-P", "-b", bootstrap, "-t", "bench.kcat",
                    "-D", "".join(f"\\x{b:02x}" for b in MSG_DELIM),
                    "-K", "".join(f"\\x{b:02x}" for b in KEY_DELIM),
                    "-X", "compression.type=lz4", "-X", "enable.idempotence=true",
                    "-X", "acks=all", "-X", "linger.ms=5", "-l"]
        for name, value in headers:
            kcat_cmd += ["-H", f"{name}={value.decode()}"]
        kcat_cmd.append(kcat_input)
        kcat_s, kcat_rss = timed(kcat_cmd, rss)
        topic_s, topic_rss = timed([args.headwire, "replay", "--archive", archive, "-b", bootstrap,
                                    "-t", "bench.replay"], rss, stderr=subprocess.DEVNULL)
        into_s, into_rss = timed([args.headwire, "replay", "--archive", archive, "--into",
                                  os.path.join(work, "into")], rss, stderr=subprocess.DEVNULL)
        quarter_end = str(json.loads(lines[len(lines) // 4])["published_at"])
        _, quarter_rss = timed([args.headwire, "replay", "--archive", archive, "--into",
                                os.path.join(work, "quarter"), "--to-time", quarter_end], rss,
                               stderr=subprocess.DEVNULL)
        archive_bytes = sum(os.path.getsize(os.path.join(d, f))
                            for d, _, fs in os.walk(archive) for f in fs)
        print(f"records: {records}  archive: {archive_bytes / 2**20:.1f} MiB "
              f"(kcat input {os.path.getsize(kcat_input) / 2**20:.1f} MiB)")
        print(f"{'run':34} {'seconds':>8} {'records/s':>10} {'vs kcat':>8} {'peak RSS MiB':>13}")
        for name, seconds, peak in [("kcat -P (same bytes, baseline)", kcat_s, kcat_rss),
                                    ("replay --archive -> topic", topic_s, topic_rss),
                                    ("replay --archive --into", into_s, into_rss)]:
            print(f"{name:34} {seconds:8.2f} {records / seconds:10.0f} "
                  f"{kcat_s / seconds:8.2f} {peak:13.0f}")
        print(f"peak RSS of --into on the first quarter of the stream: {quarter_rss:.0f} MiB")
    finally:
        if archiver and archiver.poll() is None:
            archiver.kill()
        broker.terminate()
        broker.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
