#!/usr/bin/python3
"""End-to-end test: the processor's near-duplicate and story verdicts survive restarts.

The hand-labelled evaluation stream (data/eval/dedup_gold.jsonl) goes through `headwire process`
in pieces: a clean stop between pieces, and a `kill -9` while the processor is busy. Every raw
record's verdict on the processed topic (read with python3-confluent-kafka) must equal the verdict
of `headwire dedup`, which decides the whole stream in one uninterrupted run; a record the
processor emitted twice (output is at-least-once) must be the same both times.

Usage: processor_restart_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

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
import kafka_check  # noqa: E402

ARGS = None
PIECES = json.loads(os.environ.get("PIECES", "null"))
KIND_NAMES = {0: "unique", 1: "same_id", 2: "same_url", 3: "same_content", 4: "near"}


def run(cmd, expect_codes=(0,), timeout=120, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if result.returncode not in expect_codes:
        raise AssertionError(f"{' '.join(cmd)} exited {result.returncode}\n{result.stderr}")
    return result


class ProcessorRestart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-restart-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        with open(os.path.join(ARGS.repo, "data", "eval", "dedup_gold.jsonl")) as f:
            cls.lines = [line for line in f if line.strip()]
        cls.expected = [json.loads(line) for line in
                        run([ARGS.headwire, "dedup", "-"], input="".join(cls.lines)).stdout.splitlines()]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def start_broker(self):
        broker = subprocess.Popen([ARGS.headwire, "broker"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))
        return broker.stdout.readline().strip()

    def produce(self, bootstrap, lines, name):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.writelines(lines)
        run([ARGS.headwire, "produce", "--bootstrap", bootstrap, path])

    def process_command(self, bootstrap, state, *extra):
        return [ARGS.headwire, "--log-level", "warn", "process", "--bootstrap", bootstrap,
                "--state", state, "--max-batch", "16", *extra]

    def verdicts(self, bootstrap):
        """Raw offset -> (duplicate_of, kind, story_id), checking that repeats agree."""
        by_offset = {}
        for _, value, _ in kafka_check.read_topic(bootstrap, "headwire.articles.processed"):
            msg = self.pb.ProcessedArticle()
            msg.ParseFromString(value)
            verdict = (msg.duplicate_of, KIND_NAMES[msg.duplicate_kind], msg.story_id)
            offset = msg.processing.source.offset
            self.assertEqual(by_offset.setdefault(offset, verdict), verdict,
                             f"raw offset {offset} emitted twice with different verdicts")
        return by_offset

    def assert_same_as_uninterrupted(self, by_offset):
        self.assertEqual(sorted(by_offset), list(range(len(self.expected))))
        near = 0
        for offset, expected in enumerate(self.expected):
            want = (expected["duplicate_of"] or "", expected["duplicate_kind"], expected["story_id"])
            self.assertEqual(by_offset[offset], want, f"raw offset {offset}: {expected['title']}")
            near += expected["duplicate_kind"] == "near"
        self.assertGreater(near, 100)  # the stream exercises near duplicates, not just exact ones

    def test_clean_restarts_between_pieces(self):
        bootstrap = self.start_broker()
        state = os.path.join(self.work, "clean")
        for piece, (start, end) in enumerate(PIECES or [(0, len(self.lines))]):
            self.produce(bootstrap, self.lines[start:end], f"piece{piece}.jsonl")
            run(self.process_command(bootstrap, state, "--exit-at-end"))
        self.assert_same_as_uninterrupted(self.verdicts(bootstrap))

    def test_kill_9_while_processing(self):
        bootstrap = self.start_broker()
        state = os.path.join(self.work, "killed")
        self.produce(bootstrap, self.lines, "all.jsonl")
        victim = subprocess.Popen(self.process_command(bootstrap, state, "--linger-ms", "1"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = len(kafka_check.read_topic(bootstrap, "headwire.articles.processed"))
            if done >= 100 or victim.poll() is not None:
                break
            time.sleep(0.2)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        run(self.process_command(bootstrap, state, "--exit-at-end"))
        self.assert_same_as_uninterrupted(self.verdicts(bootstrap))


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
