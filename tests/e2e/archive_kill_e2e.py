#!/usr/bin/python3
"""End-to-end test: the archiver survives kill -9.

A stream of about 2,600 records is produced in pieces while `headwire archive` runs with small
batches and small segments (so segments are sealed during the run). The archiver is killed with
SIGKILL at random moments three times and restarted on the same directory; a last run with -e
finishes. Then `archive verify` passes, `archive ls` shows every offset of the topic exactly
once, and the archive replayed into a fresh broker holds exactly the original topic's messages
(keys, values and headers, in order), both topics read with python3-confluent-kafka.

Usage: archive_kill_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402
import kafka_check  # noqa: E402

ARGS = None
RAW = "headwire.articles.raw"


class ArchiveKill(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-archive-kill-")
        with open(os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")) as f:
            base = [json.loads(line) for line in f if line.strip()]
        cls.pieces = []
        for piece in range(9):
            lines = []
            for number, r in enumerate(base):
                r2 = dict(r)
                r2["id"] = f"{r.get('id', number)}-k{piece}"
                lines.append(json.dumps(r2) + "\n")
            cls.pieces.append(lines)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def start_broker(self):
        broker, bootstrap = harness.start_broker(ARGS.headwire)
        self.addCleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))
        return bootstrap

    def archiver(self, bootstrap, archive, *extra):
        return [ARGS.headwire, "archive", "-b", bootstrap, "--dir", archive, "--max-batch", "50",
                "--linger-ms", "20", "--segment-kib", "64", *extra]

    def test_kill_minus_nine_loses_nothing_and_duplicates_nothing(self):
        rng = random.Random(13)
        bootstrap = self.start_broker()
        archive = os.path.join(self.work, "archive")
        kills = 0
        for index, lines in enumerate(self.pieces):
            path = os.path.join(self.work, f"piece{index}.jsonl")
            with open(path, "w") as f:
                f.writelines(lines)
            if index % 3 == 0:
                daemon = subprocess.Popen(self.archiver(bootstrap, archive),
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            run([ARGS.headwire, "produce", "-b", bootstrap, path])
            if index % 3 == 2:
                time.sleep(rng.uniform(0.2, 2.5))
                daemon.send_signal(signal.SIGKILL)
                daemon.wait(timeout=30)
                kills += 1
        self.assertEqual(kills, 3)
        run(self.archiver(bootstrap, archive, "-e"), timeout=120)

        verify = run([ARGS.headwire, "archive", "verify", archive])
        self.assertIn("archive ok", verify.stdout)
        self.assertNotIn("DAMAGED", verify.stdout)

        original = kafka_check.read_topic(bootstrap, RAW)
        self.assertEqual(len(original), sum(len(p) for p in self.pieces))
        segments = json.loads(run([ARGS.headwire, "archive", "ls", archive,
                                   "--json"]).stdout)["segments"]
        self.assertGreater(sum(1 for s in segments if s["sealed"]), 0, "no segment was sealed")
        offsets = []
        for s in segments:
            if s["records"]:
                offsets.extend(range(s["first_offset"], s["last_offset"] + 1))
        self.assertEqual(sum(s["records"] for s in segments), len(original))
        self.assertEqual(offsets, list(range(len(original))))

        fresh = self.start_broker()
        run([ARGS.headwire, "replay", "--archive", archive, "-b", fresh])
        replayed = kafka_check.read_topic(fresh, RAW)
        self.assertEqual(len(replayed), len(original))
        self.assertTrue(replayed == original, "the replayed topic differs from the original")


if __name__ == "__main__":
    def bind(args):
        global ARGS
        ARGS = args
    harness.run_tests(bind)
