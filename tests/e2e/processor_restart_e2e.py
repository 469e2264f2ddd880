#!/usr/bin/python3
"""End-to-end test: the processor's near-duplicate and story verdicts survive restarts and
fail-over between instances.

The hand-labelled evaluation stream (data/eval/dedup_gold.jsonl) goes through `headwire process`
in pieces: a clean stop between pieces, a `kill -9` while the processor is busy, and two
instances in one consumer group, each with its own state, taking the raw partition from each
other after `kill -9`. Every raw record's verdict on the processed topic (read with
python3-confluent-kafka) must equal the verdict of `headwire dedup`, which decides the whole
stream in one uninterrupted run; a record emitted twice (output is at-least-once) must be the
same both times.

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
from harness import run  # noqa: E402
import kafka_check  # noqa: E402

ARGS = None
PIECES = json.loads(os.environ.get("PIECES", "null"))
KIND_NAMES = {0: "unique", 1: "same_id", 2: "same_url", 3: "same_content", 4: "near"}




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
        broker, bootstrap = harness.start_broker(ARGS.headwire)
        self.addCleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))
        return bootstrap

    def produce(self, bootstrap, lines, name):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.writelines(lines)
        run([ARGS.headwire, "produce", "--bootstrap", bootstrap, path])

    def process_command(self, bootstrap, state, *extra, log_level="warn"):
        return [ARGS.headwire, "--log-level", log_level, "process", "--bootstrap", bootstrap,
                "--state", state, "--max-batch", "16", *extra]

    def start_instance(self, bootstrap, name):
        """Starts a long-running processor instance logging to <work>/<name>.log."""
        log = open(os.path.join(self.work, name + ".log"), "a")
        self.addCleanup(log.close)
        proc = subprocess.Popen(
            self.process_command(bootstrap, os.path.join(self.work, name), "--linger-ms", "1",
                                 *harness.SHORT_SESSION, log_level="info"),
            stdout=subprocess.DEVNULL, stderr=log)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        return proc

    def log_of(self, name):
        with open(os.path.join(self.work, name + ".log")) as f:
            return f.read()

    def wait_for_offsets(self, bootstrap, count, timeout=90):
        """Waits until the processed topic holds a verdict for raw offsets 0..count-1."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            offsets = {self.pb.ProcessedArticle.FromString(value).processing.source.offset
                       for _, value, _ in kafka_check.read_topic(bootstrap,
                                                                 "headwire.articles.processed")}
            if offsets >= set(range(count)):
                return
            time.sleep(0.5)
        self.fail(f"no verdicts for all of the first {count} raw records after {timeout} s")

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

    def test_fail_over_between_two_instances(self):
        """Two instances decide exactly what one uninterrupted run decides, whichever owns the
        partition: a fresh standby takes over from a killed owner, then the first instance comes
        back with its stale state and takes over again."""
        bootstrap = self.start_broker()
        first, second = len(self.lines) // 3, 2 * len(self.lines) // 3

        self.produce(bootstrap, self.lines[:first], "part1.jsonl")
        a = self.start_instance(bootstrap, "a")
        self.wait_for_offsets(bootstrap, first)
        b = self.start_instance(bootstrap, "b")
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=30)

        self.produce(bootstrap, self.lines[first:second], "part2.jsonl")
        self.wait_for_offsets(bootstrap, second)

        a = self.start_instance(bootstrap, "a")
        b.send_signal(signal.SIGKILL)
        b.wait(timeout=30)
        self.produce(bootstrap, self.lines[second:], "part3.jsonl")
        self.wait_for_offsets(bootstrap, len(self.lines))
        a.send_signal(signal.SIGTERM)
        self.assertEqual(a.wait(timeout=60), 0)

        self.assert_same_as_uninterrupted(self.verdicts(bootstrap))
        # The fresh standby rebuilt the state from the partition's start; the comeback from its
        # own stale state.
        self.assertRegex(self.log_of("b"), r"catching up.* from=beginning to=[1-9]\d*")
        self.assertRegex(self.log_of("a"), r"catching up.* from=[1-9]\d* to=[1-9]\d*")

    def test_a_clean_stop_hands_the_partition_over_while_the_group_refuses_commits(self):
        """A group refuses offset commits while it rebalances, so its committed offset can lag
        what the owner emitted. An owner that stops cleanly hands the partition over; the next
        owner decides everything up to there without output, so no record is emitted twice."""
        broker, bootstrap = harness.start_broker(ARGS.headwire, control=True)
        self.addCleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))
        self.produce(bootstrap, self.lines, "all.jsonl")
        self.assertEqual(harness.broker_command(
            broker, "errors OffsetCommit 1000000 REBALANCE_IN_PROGRESS"), "ok")

        a = self.start_instance(bootstrap, "handing-over")
        self.wait_for_offsets(bootstrap, len(self.lines))
        a.send_signal(signal.SIGTERM)
        self.assertEqual(a.wait(timeout=60), 0)
        b = self.start_instance(bootstrap, "taking-over")
        deadline = time.monotonic() + 90
        while "caught up" not in self.log_of("taking-over") and time.monotonic() < deadline:
            time.sleep(0.2)
        b.send_signal(signal.SIGTERM)
        self.assertEqual(b.wait(timeout=60), 0)

        count = len(self.lines)
        self.assertRegex(self.log_of("handing-over"),
                         rf"partition handed over\".*partition=0 next_offset={count}\b")
        self.assertRegex(self.log_of("taking-over"),
                         rf"catching up.* from=beginning to={count} committed=none "
                         rf"handed_over={count}\b")
        self.assertEqual(len(kafka_check.read_topic(bootstrap, "headwire.articles.processed")),
                         count, "records emitted twice")
        self.assert_same_as_uninterrupted(self.verdicts(bootstrap))


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
