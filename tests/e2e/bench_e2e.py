#!/usr/bin/env python3
"""End to end: `headwire bench --json` on a few hundred records reports every stage with the
records its contract gives it, and its repetitions of the input are decided as new articles, not
as duplicates of the copy before. No time is asserted: the figures are the command's output, not
its behaviour."""

import json
import math

import harness

HEADWIRE = None
REPO = None

RECORDS = 600
STAGES = ("classify", "dedup+stories", "produce", "passthrough", "process", "sink")


def bind_args(args):
    global HEADWIRE, REPO
    HEADWIRE, REPO = args.headwire, args.repo


class BenchTest(harness.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        out = harness.run([HEADWIRE, "bench", "--records", str(RECORDS), "--json"],
                          timeout=120).stdout
        cls.report = json.loads(out)
        cls.stages = cls.report["stages"]
        sample = f"{REPO}/data/sample/headlines.jsonl"
        with open(sample) as f:
            cls.sample = [json.loads(line) for line in f if line.strip()]
        verdicts = harness.run([HEADWIRE, "dedup", sample]).stdout.splitlines()
        cls.duplicate = [json.loads(v)["duplicate_of"] is not None for v in verdicts]

    def copies(self):
        """The number of input lines of each copy the bench stream holds: full copies of the
        sample, then the first lines of one more."""
        n = len(self.sample)
        return [n] * (RECORDS // n) + ([RECORDS % n] if RECORDS % n else [])

    def test_every_stage_reports_its_records_and_a_positive_rate(self):
        self.assertEqual(list(self.stages), list(STAGES))
        self.assertEqual(self.report["records"], RECORDS)
        self.assertGreater(self.report["cores"], 0)
        for name in STAGES:
            with self.subTest(stage=name):
                stage = self.stages[name]
                # Every record of the sample is valid, so every stage sees all of them: produced,
                # copied by the passthrough, consumed by the processor; every unique article goes
                # to the processed topic the sink applies, and so does every duplicate (flagged).
                self.assertEqual(stage["records"], RECORDS)
                self.assertGreater(stage["seconds"], 0)
                self.assertAlmostEqual(stage["records_per_s"], RECORDS / stage["seconds"],
                                       delta=1e-6 * stage["records_per_s"])
        self.assertEqual(self.stages["produce"]["invalid"], 0)
        self.assertEqual(self.stages["process"]["dead_lettered"], 0)
        self.assertEqual(self.stages["sink"]["rejected"], 0)

    def test_the_daemons_are_timed_from_their_assignment_to_their_stop_line_within_their_wall_time(
            self):
        for name, stopped in (("process", "processor stopped"), ("sink", "sink stopped")):
            with self.subTest(stage=name):
                stage = self.stages[name]
                self.assertEqual(stage["timed_from"], "partition assigned")
                self.assertEqual(stage["timed_to"], stopped)
                self.assertLessEqual(stage["seconds"], stage["wall_seconds"])

    def test_process_ratio_is_its_rate_over_the_passthrough_rate_of_the_same_run(self):
        process = self.stages["process"]
        self.assertEqual(process["baseline"], "passthrough")
        expected = process["records_per_s"] / self.stages["passthrough"]["records_per_s"]
        self.assertTrue(math.isclose(process["ratio"], expected, rel_tol=1e-9))
        for name in STAGES:
            if name != "process":
                self.assertNotIn("ratio", self.stages[name])

    def test_copies_of_the_input_are_new_articles_not_duplicates_of_the_copy_before(self):
        # Each copy has its own ids and URLs and lies past every matching window of the copy
        # before, so it is decided as the input alone is: its duplicates are the input's own
        # among the lines it holds.
        own = sum(sum(self.duplicate[:lines]) for lines in self.copies())
        dedup = self.stages["dedup+stories"]
        self.assertEqual(dedup["duplicates"], own)
        self.assertEqual(dedup["unique"] + dedup["duplicates"], RECORDS)
        # The processor decides the same stream in the same order (one raw partition), except the
        # one record without an event time: the producer stamps it with the time it is read, so
        # its later copies are resends of the first, read moments after it.
        undated = [i for i, r in enumerate(self.sample) if "published_at" not in r]
        self.assertEqual(len(undated), 1)
        resent = sum(1 for lines in self.copies() if lines > undated[0]) - 1
        self.assertGreater(resent, 0)
        process = self.stages["process"]
        self.assertEqual(process["duplicates"], own + resent)
        self.assertEqual(process["unique"] + process["duplicates"], RECORDS)


if __name__ == "__main__":
    harness.run_tests(bind_args)
