#!/usr/bin/env python3
"""End to end: `headwire dlq list` and `headwire dlq redrive` against the processor's and the
producer's dead letters. Garbage goes to the raw topic with kcat (an independent client), the
processor dead-letters it, `dlq list` shows it with its reason and origin, `dlq redrive` sends it
back with a re-drive count header (checked with python3-confluent-kafka), and the loop stops at
--max-redrives."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness
import kafka_check

HEADWIRE = None
REPO = None
RAW = "headwire.articles.raw"
DLQ = "headwire.dlq"
GARBAGE = b"not a protobuf \xff\xfe \"quoted\"\nsecond line"


def bind_args(args):
    global HEADWIRE, REPO
    HEADWIRE, REPO = args.headwire, args.repo


class DlqTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-dlq-e2e-")
        cls.broker, cls.bootstrap = harness.start_broker(HEADWIRE)
        cls.pb = kafka_check.load_wire_module(REPO)
        garbage_path = os.path.join(cls.work, "garbage.bin")
        with open(garbage_path, "wb") as f:
            f.write(GARBAGE)
        # kcat -P with a file argument sends the whole file as one message.
        harness.run(["kcat", "-b", cls.bootstrap, "-P", "-t", RAW, "-k", "garbage-key",
                     "-H", "origin=kcat", garbage_path])
        cls.input_path = os.path.join(cls.work, "input.jsonl")
        with open(cls.input_path, "w") as f:
            f.write('{"id": "ok-1", "title": "Probe reaches orbit", '
                    '"published_at": "2026-03-02T08:00:00Z"}\n')
            f.write('{"title": 42}\n')
        harness.run([HEADWIRE, "produce", "-b", cls.bootstrap, cls.input_path], expect_codes=(2,))

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        shutil.rmtree(cls.work, ignore_errors=True)

    def process(self):
        harness.run([HEADWIRE, "process", "-b", self.bootstrap, "-s",
                     os.path.join(self.work, "process-state"), "-e"], timeout=120)

    def dlq_list(self, *extra):
        out = harness.run([HEADWIRE, "dlq", "list", "-b", self.bootstrap, "--json", *extra])
        return [json.loads(line) for line in out.stdout.splitlines()]

    def redrive(self, *extra):
        return harness.run([HEADWIRE, "dlq", "redrive", "-b", self.bootstrap, *extra])

    def raw_records(self):
        return kafka_check.read_topic(self.bootstrap, RAW)

    def test_list_redrive_and_the_loop_stops_at_the_maximum(self):
        self.process()
        raw = self.raw_records()
        garbage_offset = next(i for i, (key, value, _) in enumerate(raw) if value == GARBAGE)

        letters = self.dlq_list()
        self.assertEqual(len(letters), 2, letters)
        by_stage = {letter["stage"]: letter for letter in letters}
        processed = by_stage["process"]
        self.assertEqual(processed["reason"], "undecodable")
        self.assertEqual(processed["origin"],
                         {"topic": RAW, "partition": 0, "offset": garbage_offset})
        self.assertEqual(processed["key"], "garbage-key")
        self.assertEqual(processed["value_bytes"], len(GARBAGE))
        self.assertTrue(processed["excerpt"].startswith(
            'not a protobuf \\xff\\xfe \\"quoted\\"\\nsecond'), processed["excerpt"])
        self.assertRegex(processed["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertEqual(processed["redrive_count"], 0)
        produced = by_stage["produce"]
        self.assertEqual(produced["reason"], "undecodable")
        self.assertEqual(produced["origin"], {"topic": self.input_path, "partition": -1,
                                              "offset": 2})

        only = self.dlq_list("--reason", "UNDECODABLE")
        self.assertEqual(len(only), 2)
        self.assertEqual(self.dlq_list("--reason", "late"), [])
        table = harness.run([HEADWIRE, "dlq", "list", "-b", self.bootstrap]).stdout
        self.assertIn(f"{RAW}/0@{garbage_offset}", table)
        self.assertIn("undecodable", table)
        bad_reason = harness.run([HEADWIRE, "dlq", "list", "-b", self.bootstrap,
                                  "--reason", "nonsense"], expect_codes=(2,))
        self.assertIn("--reason", bad_reason.stderr)

        # Each round: re-drive, check what reached the raw topic, let the processor fail again.
        for count in (1, 2, 3):
            before = len(self.raw_records())
            result = self.redrive()
            self.assertIn("1 re-driven", result.stderr)
            self.assertIn("not from " + RAW, result.stderr)  # the produce-stage letter
            raw = self.raw_records()
            self.assertEqual(len(raw), before + 1)
            key, value, headers = raw[-1]
            self.assertEqual((key, value), ("garbage-key", GARBAGE))
            self.assertEqual(headers["origin"], "kcat")
            self.assertEqual(headers["headwire-redrive-count"], str(count))
            self.process()
            counts = sorted(l["redrive_count"] for l in self.dlq_list() if l["stage"] == "process")
            self.assertEqual(counts, list(range(count + 1)))

        before = len(self.raw_records())
        result = self.redrive()
        self.assertIn("0 re-driven", result.stderr)
        self.assertIn("reached its re-drive limit (re-driven 3 of --max-redrives 3)",
                      result.stderr)
        self.assertEqual(len(self.raw_records()), before)


class RedriveHeaderTest(unittest.TestCase):
    """A record that carries a re-drive count is processed like any other."""

    def test_processor_treats_the_redrive_header_as_harmless(self):
        work = tempfile.mkdtemp(prefix="headwire-dlq-e2e-")
        broker, bootstrap = harness.start_broker(HEADWIRE)
        try:
            pb = kafka_check.load_wire_module(REPO)
            article = pb.RawArticle(id="redriven-1", title="Rocket lifts off from Kourou",
                                    published_at_ms=1772438400000)
            kafka_check.produce_bytes(bootstrap, RAW, "redriven-1", article.SerializeToString(),
                                      headers=[("headwire-type", b"headwire.v1.RawArticle"),
                                               ("headwire-schema-version", b"1"),
                                               ("headwire-redrive-count", b"2")])
            harness.run([HEADWIRE, "process", "-b", bootstrap, "-s",
                         os.path.join(work, "state"), "-e"], timeout=120)
            processed = kafka_check.read_topic(bootstrap, "headwire.articles.processed")
            ids = []
            for _, value, _ in processed:
                message = pb.ProcessedArticle()
                message.ParseFromString(value)
                ids.append(message.article.id)
            self.assertEqual(ids, ["redriven-1"])
            listed = harness.run([HEADWIRE, "dlq", "list", "-b", bootstrap, "--json"])
            self.assertEqual(listed.stdout, "")
        finally:
            broker.terminate()
            broker.wait(timeout=30)
            shutil.rmtree(work, ignore_errors=True)


class ForeignDlqRecordsTest(unittest.TestCase):
    """Anyone who can write to the dead-letter topic can put anything on it: a record that is
    not a dead letter is reported and skipped without hiding the others, a re-drive count that
    is not a count buys no extra rounds, and a letter's text reaches the terminal escaped."""

    def test_foreign_records_are_skipped_and_their_headers_are_not_trusted(self):
        work = tempfile.mkdtemp(prefix="headwire-dlq-e2e-")
        broker, bootstrap = harness.start_broker(HEADWIRE)
        try:
            pb = kafka_check.load_wire_module(REPO)

            def letter(key, count, topic=RAW, stage="process",
                       reason=pb.DEAD_LETTER_REASON_UNDECODABLE):
                dead = pb.DeadLetter(original_value=b"not a protobuf", original_key=key.encode(),
                                     reason=reason, stage=stage,
                                     message="value is not a headwire.v1.RawArticle",
                                     source=pb.SourceOffset(topic=topic, partition=0, offset=0))
                dead.original_headers.add(name="headwire-redrive-count", value=count)
                return dead.SerializeToString()

            kafka_check.produce_bytes(bootstrap, DLQ, "junk", b"garbage")
            kafka_check.produce_bytes(bootstrap, DLQ, "empty", b"")
            kafka_check.produce_bytes(bootstrap, DLQ, "negative", letter("negative", b"-1000"))
            kafka_check.produce_bytes(bootstrap, DLQ, "huge",
                                      letter("huge", b"99999999999999999999"))
            kafka_check.produce_bytes(bootstrap, DLQ, "elsewhere",
                                      letter("elsewhere", b"0", topic="in.jsonl",
                                             stage="produce\x1b]0;owned\x07", reason=9999))

            listed = harness.run([HEADWIRE, "dlq", "list", "-b", bootstrap, "--json"])
            counts = {l["key"]: l["redrive_count"]
                      for l in map(json.loads, listed.stdout.splitlines())}
            self.assertEqual(counts, {"negative": 0, "huge": 2147483647, "elsewhere": 0})
            reasons = {l["key"]: l["reason"] for l in map(json.loads, listed.stdout.splitlines())}
            self.assertEqual(reasons["elsewhere"], "unknown(9999)")
            self.assertIn("skipped: not a headwire.v1.DeadLetter (7 bytes)", listed.stderr)
            self.assertIn("skipped: not a headwire.v1.DeadLetter (0 bytes)", listed.stderr)
            table = harness.run([HEADWIRE, "dlq", "list", "-b", bootstrap])
            self.assertIn("3 dead letters shown of 5 on headwire.dlq (2 not dead letters)",
                          table.stderr)

            redriven = harness.run([HEADWIRE, "dlq", "redrive", "-b", bootstrap,
                                    "--max-redrives", "1"])
            self.assertIn("1 re-driven to headwire.articles.raw, 1 at the maximum, 1 not from "
                          "headwire.articles.raw", redriven.stderr)
            self.assertIn("2 not dead letters", redriven.stderr)
            self.assertNotIn("\x1b", redriven.stderr)
            self.assertIn("(stage produce\\x1B]0;owned\\x07)", redriven.stderr)
            raw = kafka_check.read_topic(bootstrap, RAW)
            self.assertEqual([(key, headers["headwire-redrive-count"]) for key, _, headers in raw],
                             [("negative", "1")])
        finally:
            broker.terminate()
            broker.wait(timeout=30)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    harness.run_tests(bind_args)
