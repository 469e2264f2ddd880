#!/usr/bin/python3
"""End-to-end test: sinks for many readers.

The sample stream goes through `produce` and `process`. Then
  - two sinks in separate consumer groups, started together, each with its own state, reach
    the same digest (replicas);
  - a sink with `--topics space,ai` holds those topics only, with the same per-topic totals as
    a full sink, and nothing of the other topics;
  - the README's downstream readers, in Python (examples/topic_consumer.py) and in C++
    (examples/topic_consumer.cc, its binary named by HEADWIRE_TOPIC_CONSUMER), print exactly
    the articles of headwire.topic.space, as read independently with python3-confluent-kafka,
    and print the same lines.

Usage: sink_readers_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402
import kafka_check  # noqa: E402

ARGS = None


class SinkReaders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-readers-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        cls.broker, cls.bootstrap = harness.start_broker(ARGS.headwire)
        run([ARGS.headwire, "produce", "-b", cls.bootstrap,
             os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")])
        run([ARGS.headwire, "process", "-b", cls.bootstrap, "-s", os.path.join(cls.work, "p"),
             "-e"])

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        shutil.rmtree(cls.work, ignore_errors=True)

    def sink(self, name, *extra):
        return [ARGS.headwire, "sink", "-b", self.bootstrap, "-s", os.path.join(self.work, name),
                "--group", name, "-e", *extra]

    def digest(self, name):
        return run([ARGS.headwire, "digest", "--state", os.path.join(self.work, name),
                    "--json"]).stdout

    def totals(self, name, topic):
        out = run([ARGS.headwire, "query", "-s", os.path.join(self.work, name), "--json",
                   "counts", "--topic", topic]).stdout
        return json.loads(out)["totals"]["articles"]

    def test_replica_sinks_in_separate_groups_reach_the_same_digest(self):
        procs = [subprocess.Popen(self.sink(name), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for name in ("replica-a", "replica-b")]
        for p in procs:
            self.assertEqual(p.wait(timeout=120), 0)
        a = self.digest("replica-a")
        self.assertEqual(a, self.digest("replica-b"))
        self.assertGreater(json.loads(a)["families"]["articles"]["entries"], 0)

    def test_topics_keeps_the_state_of_those_topics_only(self):
        run(self.sink("full"))
        run(self.sink("space-ai", "--topics", "space,ai"))
        for topic in ("space", "ai"):
            in_stream = {self.pb.ProcessedArticle.FromString(v).article.id for _, v, _ in
                         kafka_check.read_topic(self.bootstrap, "headwire.topic." + topic)}
            self.assertGreater(len(in_stream), 0, topic)
            self.assertEqual(self.totals("space-ai", topic), len(in_stream), topic)
            self.assertEqual(self.totals("full", topic), len(in_stream), topic)
        self.assertGreater(self.totals("full", "business"), 0)
        self.assertEqual(self.totals("space-ai", "business"), 0)

    def test_downstream_readers_print_the_topic_stream(self):
        expected = {self.pb.ProcessedArticle.FromString(v).article.id for _, v, _ in
                    kafka_check.read_topic(self.bootstrap, "headwire.topic.space")}
        # The classes protoc generated from the published .proto (OUT/headwire/v1/article_pb2.py).
        generated = os.path.dirname(os.path.dirname(os.path.dirname(self.pb.__file__)))
        env = dict(os.environ, PYTHONPATH=generated)
        out = run([sys.executable, os.path.join(ARGS.repo, "examples", "topic_consumer.py"),
                   "--bootstrap", self.bootstrap, "--topic", "space", "--group", "readme-reader",
                   "--to-end"], env=env).stdout
        printed = [line.split("\t") for line in out.splitlines()]
        self.assertEqual({fields[1] for fields in printed}, expected)
        self.assertEqual(len(printed), len(expected))
        self.assertTrue(all(len(fields) == 4 and fields[3] for fields in printed))

        # The C++ reader prints the same lines (in another order: its group reads the partitions
        # in an order of its own).
        cpp = run([os.environ["HEADWIRE_TOPIC_CONSUMER"], "--bootstrap", self.bootstrap,
                   "--topic", "space", "--group", "readme-reader-cpp", "--to-end"]).stdout
        self.assertEqual(sorted(cpp.splitlines()), sorted(out.splitlines()))


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
