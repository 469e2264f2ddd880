#!/usr/bin/env python3
"""End to end: `headwire bench --json` on a few hundred records reports every stage with the
records its contract gives it, its repetitions of the input (in event order) are decided as new
articles, not as duplicates of the copy before, its temporary state is removed, and bad
arguments are refused. No time is asserted: the figures are the command's output, not its
behaviour."""

import datetime
import json
import math
import os
import tempfile

import harness

HEADWIRE = None
REPO = None

RECORDS = 600
STAGES = ("classify", "dedup+stories", "produce", "passthrough", "process", "sink")


def bind_args(args):
    global HEADWIRE, REPO
    HEADWIRE, REPO = args.headwire, args.repo


def event_time(record):
    """The record's event time in epoch milliseconds as the producer reads it, or None."""
    value = record.get("published_at")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return math.floor(value)
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (moment - epoch) // datetime.timedelta(milliseconds=1)


class BenchTest(harness.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.tmpdir = os.path.join(cls.tmp.name, "tmp")
        os.mkdir(cls.tmpdir)
        out = harness.run([HEADWIRE, "bench", "--records", str(RECORDS), "--json"], timeout=90,
                          env=dict(os.environ, TMPDIR=cls.tmpdir)).stdout
        cls.report = json.loads(out)
        cls.stages = cls.report["stages"]
        with open(f"{REPO}/data/sample/headlines.jsonl") as f:
            sample = [json.loads(line) for line in f if line.strip()]
        # The bench repeats the sample in event order (stable; the undated record last).
        cls.sample = sorted(sample, key=lambda r: (event_time(r) is None, event_time(r) or 0))
        ordered = os.path.join(cls.tmp.name, "ordered.jsonl")
        with open(ordered, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in cls.sample)
        verdicts = harness.run([HEADWIRE, "dedup", ordered]).stdout.splitlines()
        cls.duplicate = [json.loads(v)["duplicate_of"] is not None for v in verdicts]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_temporary_state_is_removed_after_a_run(self):
        self.assertEqual(os.listdir(self.tmpdir), [])

    def test_zero_records_is_a_usage_error(self):
        result = harness.run([HEADWIRE, "bench", "--records", "0"], expect_codes=(2,), timeout=30)
        self.assertIn("records", result.stderr)

    def test_a_missing_input_file_is_an_error(self):
        missing = os.path.join(self.tmp.name, "no-such-input.jsonl")
        result = harness.run([HEADWIRE, "bench", "--input", missing, "--records", "10"],
                             expect_codes=(1,), timeout=30)
        self.assertIn("no-such-input.jsonl", result.stderr)

    def test_fractional_epoch_times_are_moved_per_copy_as_the_producer_reads_them(self):
        # Kept at one time, the copies of one article would be content duplicates of each other.
        fractional = os.path.join(self.tmp.name, "fractional.jsonl")
        with open(fractional, "w") as f:
            f.write(json.dumps({"id": "f", "title": "A headline about a harbour", "source": "wire",
                                "url": "https://example.com/f",
                                "published_at": 1767225600000.5}) + "\n")
        out = harness.run([HEADWIRE, "bench", "--input", fractional, "--records", "3", "--json"],
                          timeout=90).stdout
        dedup = json.loads(out)["stages"]["dedup+stories"]
        self.assertEqual((dedup["unique"], dedup["duplicates"], dedup["invalid"]), (3, 0, 0))

    def test_copies_that_would_start_before_1990_are_refused_naming_the_problem(self):
        # Two records 30 years apart: a second copy would move the first back to about 1966.
        wide = os.path.join(self.tmp.name, "wide.jsonl")
        with open(wide, "w") as f:
            for i, when in enumerate(("1995-01-01T00:00:00Z", "2025-01-01T00:00:00Z")):
                f.write(json.dumps({"id": f"w{i}", "title": "A headline about a harbour",
                                    "source": "wire", "url": f"https://example.com/{i}",
                                    "published_at": when}) + "\n")
        result = harness.run([HEADWIRE, "bench", "--input", wide, "--records", "4"],
                             expect_codes=(1,), timeout=30)
        self.assertIn("span too long", result.stderr)
        self.assertIn("1990", result.stderr)

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
