#!/usr/bin/python3
"""End-to-end test: `headwire replay --file --into` on streams an analyst brings, without Kafka.

- A stream older than 1990 (Reuters-21578 is from 1987) is refused record by record as
  bad_event_time by default, and replays whole with --min-event-time; the offline filters,
  train, eval classify and eval dedup take the same option.
- The sink's event-time rules: a stream that resumes after a month's gap (as Reuters-21578
  does) has its later records rejected as far ahead and its earlier ones expired under the
  defaults, and keeps them all with --sink-max-ahead-ms and --sink-retention-h, as a sink run
  with --max-ahead-ms and --retention-h would.
- An option of another source or target (--from-offset without --topic, --progress-file with
  --into, ...) is refused rather than ignored.

Usage: replay_history_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402

ARGS = None

# Three 1987 wire stories, dated as Reuters-21578 dates them (epoch ms).
STORIES_1987 = [
    {"id": "r1", "title": "Bahia cocoa review", "published_at": 541350061790},
    {"id": "r2", "title": "Standard Oil to form financial unit", "published_at": 541350140000},
    {"id": "r3", "title": "Texas Commerce Bancshares files plan", "published_at": 541350207510},
]


class ReplayHistory(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hw-replay-history-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_stream(self, records):
        path = os.path.join(self.dir, "stream.jsonl")
        with open(path, "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        return path

    def latest_ids(self, state):
        out = run([ARGS.headwire, "query", "--state", state, "latest", "--json"]).stdout
        return sorted(a["id"] for a in json.loads(out)["items"])

    def test_a_stream_from_before_1990_replays_with_min_event_time(self):
        stream = self.write_stream(STORIES_1987)
        refused = run([ARGS.headwire, "replay", "--file", stream, "--into",
                       os.path.join(self.dir, "default")], expect_codes=(2,))
        self.assertIn("0 delivered", refused.stderr)
        self.assertEqual(refused.stderr.count("bad_event_time"), 3, refused.stderr)

        state = os.path.join(self.dir, "older")
        replayed = run([ARGS.headwire, "replay", "--file", stream, "--into", state,
                        "--min-event-time", "1987-01-01T00:00:00Z"])
        self.assertIn("3 delivered", replayed.stderr)
        self.assertIn("0 invalid", replayed.stderr)
        self.assertEqual(self.latest_ids(state), ["r1", "r2", "r3"])

        classified = run([ARGS.headwire, "classify", "--min-event-time", "536457600000", stream])
        self.assertEqual(len(classified.stdout.splitlines()), 3, classified.stderr)

    def test_eval_and_train_take_a_stream_from_before_1990_with_min_event_time(self):
        # Reuters-21578 carries topics of its own: training and scoring on it is the point.
        stream = self.write_stream(
            [dict(r, topics=["business"] if i % 2 else []) for i, r in enumerate(STORIES_1987)])
        model = os.path.join(self.dir, "reuters.hwm")
        commands = {
            "eval dedup": [ARGS.headwire, "eval", "dedup", "--gold", stream, "--json"],
            "eval classify": [ARGS.headwire, "eval", "classify", "--gold", stream, "--json"],
            "train": [ARGS.headwire, "train", "--data", stream, "--dev", stream, "--out", model,
                      "--epochs", "1", "--bucket-bits", "12"],
        }
        for name, command in commands.items():
            with self.subTest(name):
                refused = run(command, expect_codes=(1,))
                self.assertIn(":1:", refused.stderr)
                self.assertIn("before 1990", refused.stderr)
                run(command + ["--min-event-time", "1987-01-01T00:00:00Z"])
        self.assertTrue(os.path.exists(model))
        scored = run(commands["eval dedup"] + ["--min-event-time", "536457600000"])
        self.assertEqual(json.loads(scored.stdout)["records"], 3)
        self.assertEqual(json.loads(scored.stdout)["invalid"], 0)

    def counts_totals(self, state):
        out = run([ARGS.headwire, "query", "--state", state, "counts", "--json"]).stdout
        return json.loads(out)["totals"]

    def test_sink_options_of_replay_into_keep_a_stream_with_a_gap(self):
        day = 86_400_000
        start = 1_772_439_300_000
        before = [{"id": f"a{i}", "title": f"Spring headline number {i} about harbour cranes",
                   "published_at": start + i * day} for i in range(3)]
        after = [{"id": f"b{i}", "title": f"Summer headline number {i} about river ferries",
                  "published_at": start + (40 + i) * day} for i in range(3)]
        stream = self.write_stream(before + after)

        default = os.path.join(self.dir, "default")
        run([ARGS.headwire, "replay", "--file", stream, "--into", default])
        totals = self.counts_totals(default)
        self.assertEqual(totals["rejects"], 3, totals)
        self.assertEqual(totals["articles"], 3, totals)

        kept = os.path.join(self.dir, "kept")
        run([ARGS.headwire, "replay", "--file", stream, "--into", kept,
             "--sink-max-ahead-ms", str(60 * day), "--sink-retention-h", str(24 * 90)])
        totals = self.counts_totals(kept)
        self.assertEqual(totals["rejects"], 0, totals)
        self.assertEqual(totals["articles"], 6, totals)
        self.assertEqual(self.latest_ids(kept), ["a0", "a1", "a2", "b0", "b1", "b2"])

        refused = run([ARGS.headwire, "replay", "--file", stream, "--into",
                       os.path.join(self.dir, "bad"), "--sink-retention-h", "1",
                       "--sink-grace-s", "3600"], expect_codes=(2,))
        self.assertIn("--sink-retention-h must exceed --sink-grace-s", refused.stderr)

    def test_min_event_time_must_be_a_time_before_the_latest_accepted(self):
        stream = self.write_stream(STORIES_1987)
        for bad in ("yesterday", "2100-01-01T00:00:00Z"):
            result = run([ARGS.headwire, "replay", "--file", stream, "--into",
                          os.path.join(self.dir, "bad"), "--min-event-time", bad],
                         expect_codes=(2,))
            self.assertIn("--min-event-time", result.stderr)


    def test_an_option_of_another_source_or_target_is_refused_not_ignored(self):
        stream = self.write_stream(STORIES_1987)
        into = os.path.join(self.dir, "unused")
        cases = {
            ("--file", stream, "--into", into, "--from-offset", "2"): "--from-offset goes with",
            ("--file", stream, "--into", into, "--archive-topic", "t"): "--archive-topic goes",
            ("--file", stream, "--into", into, "--progress-file",
             os.path.join(self.dir, "p.json")): "--progress-file goes with",
            ("--file", stream, "-b", "127.0.0.1:1", "--process-state", into):
                "--process-state goes with --into",
            ("--archive", self.dir, "--into", into, "--layout", "uci"): "--layout and --columns",
        }
        for args, message in cases.items():
            with self.subTest(args=args):
                result = run([ARGS.headwire, "replay", *args], expect_codes=(2,), timeout=60)
                self.assertIn(message, result.stderr)
                self.assertFalse(os.path.exists(into), "a refused replay wrote a state")


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
