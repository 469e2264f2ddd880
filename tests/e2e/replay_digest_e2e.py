#!/usr/bin/python3
"""End-to-end test: replaying an archive rebuilds exactly the state live processing built.

A multi-day stream (data/sample/headlines.jsonl, five days, repeated three times five days
apart with fresh ids and URLs: fifteen days) is produced live while `headwire archive` runs,
then processed and sunk: digest A. The archive is then replayed (a) into a fresh broker and run
through `process` and `sink`: digest B, and (b) with `--into`: digest C. A == B == C.

Records without published_at are left out of the input: the producer stamps them with its wall
clock, so their event time says when the test ran (see the README's Replay section).

Also: `archive verify` passes; a replay with --from-time/--to-time leaves exactly the articles
of that event-time range (counted from the input file, not from headwire).

On a raw topic of four partitions (one language each, the partitions interleaved in event
time), `replay --topic --into` merges the partitions by event time as `replay --archive --into`
does: the same digest, and again after an interrupted topic replay is resumed.

Usage: replay_digest_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import streams  # noqa: E402
from harness import run  # noqa: E402

ARGS = None
COPIES = 3
SHIFT = datetime.timedelta(days=5)
# Languages whose domain keys fall on four different partitions of four.
SPREAD_LANGUAGES = ["fi", "it", "en", "fr"]


def parse_time(value):
    """RFC 3339 text or epoch milliseconds, as the input format allows."""
    if isinstance(value, int):
        return datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc)
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def build_stream(repo):
    """The sample stream three times, each copy five days later with its own ids and URLs."""
    with open(os.path.join(repo, "data", "sample", "headlines.jsonl")) as f:
        records = [json.loads(line) for line in f if line.strip()]
    records = [r for r in records if r.get("published_at")]
    out = []
    for copy in range(COPIES):
        for r in records:
            r2 = dict(r)
            r2["id"] = f"{r.get('id', len(out))}-c{copy}"
            if r2.get("url"):
                r2["url"] = r2["url"] + f"/c{copy}"
            t = parse_time(r["published_at"]) + copy * SHIFT
            r2["published_at"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
            out.append(r2)
    return out


def digest(state):
    return run([ARGS.headwire, "digest", "--state", state, "--json"]).stdout


class ReplayDigest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-replay-")
        cls.records = build_stream(ARGS.repo)
        cls.input = os.path.join(cls.work, "stream.jsonl")
        with open(cls.input, "w") as f:
            for r in cls.records:
                f.write(json.dumps(r) + "\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def start_broker(self):
        broker, bootstrap = harness.start_broker(ARGS.headwire)
        self.addCleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))
        return bootstrap

    def process_and_sink(self, bootstrap, name):
        run([ARGS.headwire, "process", "-b", bootstrap, "-s", os.path.join(self.work, name + "-p"),
             "-e"])
        sink = os.path.join(self.work, name + "-s")
        run([ARGS.headwire, "sink", "-b", bootstrap, "-s", sink, "-e"])
        return sink

    def archived_records(self, archive):
        listing = json.loads(run([ARGS.headwire, "archive", "ls", archive, "--json"]).stdout)
        self.assertEqual(listing["records"], sum(s["records"] for s in listing["segments"]))
        return listing["records"]

    def test_live_replayed_and_backfilled_digests_are_equal(self):
        bootstrap = self.start_broker()
        archive = os.path.join(self.work, "archive")
        archiver = subprocess.Popen([ARGS.headwire, "archive", "-b", bootstrap, "--dir", archive],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.addCleanup(archiver.kill)
        run([ARGS.headwire, "produce", "-b", bootstrap, self.input])
        live = self.process_and_sink(bootstrap, "live")
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.isdir(archive) and self.archived_records(archive) == len(self.records):
                break
            time.sleep(0.5)
        archiver.send_signal(signal.SIGTERM)
        self.assertEqual(archiver.wait(timeout=30), 0, archiver.stderr.read())
        self.assertEqual(self.archived_records(archive), len(self.records))
        self.assertIn("archive ok", run([ARGS.headwire, "archive", "verify", archive]).stdout)

        fresh = self.start_broker()
        run([ARGS.headwire, "replay", "--archive", archive, "-b", fresh])
        replayed = self.process_and_sink(fresh, "replayed")

        into = os.path.join(self.work, "into")
        run([ARGS.headwire, "replay", "--archive", archive, "--into", into])

        a, b, c = digest(live), digest(replayed), digest(into)
        self.assertGreater(json.loads(a)["families"]["articles"]["entries"], 0)
        self.assertEqual(a, b, "archive replayed into a fresh broker differs from live")
        self.assertEqual(a, c, "archive replayed --into differs from live")

        # Paced, interrupted with Ctrl-C (SIGINT), then resumed: the same state again.
        resumed = self.interrupted_and_resumed(["--archive", archive], "resumed", "200000x")
        self.assertEqual(a, digest(resumed), "an interrupted and resumed replay differs from live")

        # A time range: exactly the input's articles of days 3..7, counted from the file.
        start = parse_time("2026-03-04T00:00:00Z")
        end = start + datetime.timedelta(days=4)
        ranged = os.path.join(self.work, "ranged")
        run([ARGS.headwire, "replay", "--archive", archive, "--into", ranged,
             "--from-time", "2026-03-04T00:00:00Z", "--to-time", str(int(end.timestamp() * 1000))])
        in_range = sum(1 for r in self.records if start <= parse_time(r["published_at"]) < end)
        counted = json.loads(digest(ranged))["families"]
        unique_and_dup = counted["articles"]["entries"] + counted["duplicates"]["entries"]
        self.assertEqual(unique_and_dup, in_range)

    def test_topic_and_archive_replays_of_a_multi_partition_topic_agree(self):
        # Two copies of the ten-day gold stream, fifteen days apart: each partition is in
        # event-time order, and each runs over the same 25 days as the others.
        records = streams.multi_language_stream(ARGS.repo, SPREAD_LANGUAGES, copies=2,
                                                shift=datetime.timedelta(days=15))
        path = os.path.join(self.work, "languages.jsonl")
        streams.write_jsonl(path, records)
        bootstrap = self.start_broker_with("--partitions", "4")
        run([ARGS.headwire, "produce", "-b", bootstrap, path])
        archive = os.path.join(self.work, "languages-archive")
        run([ARGS.headwire, "archive", "-b", bootstrap, "--dir", archive, "-e"])
        listing = json.loads(run([ARGS.headwire, "archive", "ls", archive, "--json"]).stdout)
        self.assertEqual(len({s["partition"] for s in listing["segments"]}), 4)
        self.assertEqual(self.archived_records(archive), len(records))

        from_archive = os.path.join(self.work, "languages-from-archive")
        run([ARGS.headwire, "replay", "--archive", archive, "--into", from_archive])
        from_topic = os.path.join(self.work, "languages-from-topic")
        run([ARGS.headwire, "replay", "--topic", "headwire.articles.raw", "-b", bootstrap,
             "--into", from_topic])
        expected = digest(from_archive)
        counts = json.loads(run([ARGS.headwire, "query", "--state", from_archive, "counts",
                                 "--json"]).stdout)
        self.assertEqual(counts["totals"]["late"], 0)
        self.assertEqual(expected, digest(from_topic),
                         "the topic replayed --into differs from the archive replayed --into")

        # 25 days at 500000x take 4.3 s of pacing alone: the SIGINT comes before the end.
        resumed = self.interrupted_and_resumed(
            ["--topic", "headwire.articles.raw", "-b", bootstrap], "languages-resumed", "500000x")
        self.assertEqual(expected, digest(resumed),
                         "an interrupted and resumed topic replay differs from the archive's")

    def interrupted_and_resumed(self, source, name, speed):
        """Replays `source` --into a fresh state paced at `speed`, interrupts it with Ctrl-C
        (SIGINT) after 2 s, checks that it stopped asking for --resume with exit code 130 (as a
        shell reports Ctrl-C), resumes it, and returns the state's directory."""
        state = os.path.join(self.work, name)
        paced = subprocess.Popen([ARGS.headwire, "replay", *source, "--into", state, "--speed",
                                  speed, "--commit-every", "10"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        paced.send_signal(signal.SIGINT)
        _, err = paced.communicate(timeout=60)
        self.assertEqual(paced.returncode, 128 + signal.SIGINT, err)
        self.assertIn("interrupted, continue with --resume", err)
        # Started again without --resume: the command line is what to change (a usage error).
        again = run([ARGS.headwire, "replay", *source, "--into", state], expect_codes=(2,))
        self.assertIn("already holds a replay's progress: add --resume", again.stderr)
        # Its positions are offsets of this source and range: another range may not use them.
        other = run([ARGS.headwire, "replay", *source, "--into", state, "--resume", "--to-time",
                     "2100-01-01T00:00:00Z"], expect_codes=(1,))
        self.assertIn("holds the progress of another replay", other.stderr)
        self.assertIn(" to 2100-01-01T00:00:00Z)", other.stderr)
        run([ARGS.headwire, "replay", *source, "--into", state, "--resume"])
        return state

    def start_broker_with(self, *args):
        broker, bootstrap = harness.start_broker(ARGS.headwire, *args)
        self.addCleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))
        return bootstrap


if __name__ == "__main__":
    def bind(args):
        global ARGS
        ARGS = args
    harness.run_tests(bind)
