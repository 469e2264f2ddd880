#!/usr/bin/python3
"""End-to-end test of the sink's state: windows, stories, trending, sources, lateness,
checkpoints and the digest, with broker, produce, process and sink as separate processes.

Feeds data/sample/headlines.jsonl through the pipeline, then runs several sinks over the
processed stream (and over copies of it made with python3-confluent-kafka) and checks
`headwire query` and `headwire digest` against values computed here, independently, from the
processed records that the sinks consumed.

Usage: sink_state_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import collections
import datetime
import json
import os
import re
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

from confluent_kafka import Producer  # noqa: E402

ARGS = None
PROCESSED = "headwire.articles.processed"
DAY_MS = 24 * 3600 * 1000




def rfc3339(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class SinkStateEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-state-e2e-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        cls.broker, cls.bootstrap = harness.start_broker(ARGS.headwire)
        sample = os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")
        run([ARGS.headwire, "produce", "--bootstrap", cls.bootstrap, sample])
        run([ARGS.headwire, "process", "--bootstrap", cls.bootstrap,
             "--state", os.path.join(cls.work, "process"), "--exit-at-end"])

        # What the sinks consume, decoded by an independent client.
        cls.records = []
        for _, value, _ in kafka_check.read_topic(cls.bootstrap, PROCESSED):
            article = cls.pb.ProcessedArticle()
            article.ParseFromString(value)
            cls.records.append((article, value))
        # The one record without published_at has the producer's clock as event time.
        cls.timed = [(a, v) for a, v in cls.records if not a.article.event_time_estimated]

        # The reference sink: never interrupted, checkpoints every 100 records.
        cls.state = os.path.join(cls.work, "sink")
        cls.checkpoints = os.path.join(cls.work, "checkpoints")
        cls.sink = run(cls.sink_command("ref", cls.state) +
                       ["--checkpoint-dir", cls.checkpoints, "--checkpoint-interval", "100",
                        "--max-batch", "50", "--exit-at-end"])

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        cls.broker.stdout.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def sink_command(cls, group, state, topic=PROCESSED):
        return [ARGS.headwire, "sink", "--bootstrap", cls.bootstrap, "--group", group,
                "--state", state, "--processed-topic", topic]

    def query(self, kind, *options, state=None):
        out = run([ARGS.headwire, "query", "--state", state or self.state, kind, "--json",
                   *options]).stdout
        return json.loads(out)

    def query_all(self, kind, *options):
        """Every item of a query, page by page."""
        items, cursor = [], None
        for _ in range(100):
            page = self.query(kind, "--limit", "7", *options,
                              *(["--cursor", cursor] if cursor else []))
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError("pagination did not end")

    def digest(self, state):
        return json.loads(run([ARGS.headwire, "digest", "--state", state, "--json"]).stdout)

    @classmethod
    def copy_to_topic(cls, topic, values):
        """Writes `values` in order to partition 0 of `topic`."""
        producer = Producer({"bootstrap.servers": cls.bootstrap})
        for value in values:
            producer.produce(topic, value=value, partition=0)
        if producer.flush(15):
            raise AssertionError(f"not every record reached {topic}")

    @staticmethod
    def by_event_time(records):
        return sorted(records, key=lambda r: (r[0].article.published_at_ms, r[0].article.id,
                                              r[0].processing.source.offset))

    # --- windows -------------------------------------------------------------------------

    def test_day_counts_per_topic_match_the_processed_stream(self):
        expected = collections.Counter()
        for a, _ in self.records:
            day = rfc3339(a.article.published_at_ms // DAY_MS * DAY_MS)
            kind = "duplicates" if a.duplicate_of else "articles"
            for topic in (list(a.topics) or ["other"]) + ["all"]:
                expected[(day, topic, kind)] += 1
        got = collections.Counter()
        items = self.query_all("counts", "--window", "day")
        for item in items:
            for kind in ("articles", "duplicates"):
                if item[kind]:
                    got[(item["window_start"], item["topic"], kind)] += item[kind]
            self.assertTrue(item["final"] or item["window_start"] >= "2026-03-06", item)
        self.assertEqual(got, expected)
        totals = self.query("counts")["totals"]
        self.assertEqual(totals["articles"], sum(1 for a, _ in self.records if not a.duplicate_of))
        self.assertEqual(totals["duplicates"], sum(1 for a, _ in self.records if a.duplicate_of))
        self.assertEqual(totals["late"], 0)

    def test_hour_counts_of_one_topic_and_hopping_windows(self):
        space = [a for a, _ in self.records if "space" in a.topics and not a.duplicate_of]
        expected = collections.Counter(rfc3339(a.article.published_at_ms // 3600000 * 3600000)
                                       for a in space)
        items = self.query_all("counts", "--window", "hour", "--topic", "space")
        self.assertEqual({i["window_start"]: i["articles"] for i in items if i["articles"]},
                         dict(expected))
        # Hour-long windows hopping by a minute over one afternoon.
        start = 1772546400000  # 2026-03-03T14:00:00Z
        hop = self.query_all("counts", "--window", "hour", "--hop", "minute", "--topic", "space",
                             "--from", rfc3339(start), "--to", rfc3339(start + 3600000))
        for item in hop:
            begin = int(datetime.datetime.fromisoformat(
                item["window_start"].replace("Z", "+00:00")).timestamp() * 1000)
            inside = [a for a in space if begin <= a.article.published_at_ms < begin + 3600000]
            self.assertEqual(item["articles"], len(inside), item)
            self.assertTrue(start <= begin < start + 3600000)

    # --- stories ---------------------------------------------------------------------------

    def test_stories_have_their_members_sources_and_earliest_headline(self):
        stories = collections.defaultdict(dict)
        for a, _ in self.timed:
            stories[a.story_id][a.article.id] = a.article
        items = {s["story_id"]: s for s in self.query_all("stories")}
        timed_ids = {sid for sid in stories}
        self.assertTrue(timed_ids <= set(items))
        multi = 0
        for story_id, members in stories.items():
            item = items[story_id]
            first = min(members.values(), key=lambda r: (r.published_at_ms, r.id))
            self.assertEqual(item["size"], len(members), story_id)
            self.assertEqual(item["headline"], first.title, story_id)
            self.assertEqual(set(item["members"]), set(members), story_id)
            self.assertEqual(set(item["sources"]), {m.source for m in members.values()}, story_id)
            self.assertEqual(item["first_seen"], rfc3339(first.published_at_ms), story_id)
            self.assertEqual(item["last_seen"],
                             rfc3339(max(m.published_at_ms for m in members.values())), story_id)
            multi += len(members) > 1
        self.assertGreater(multi, 5, "the sample has stories with several members")
        # At the end of the sample, the stories of the first days are closed.
        self.assertEqual(items["s0001"]["status"], "closed")

    # --- trending -------------------------------------------------------------------------

    def test_trending_scores_follow_the_documented_formula(self):
        response = self.query("trending", "--window", "day", "--limit", "50")
        self.assertEqual(response["window_start"], "2026-03-06T00:00:00Z")
        self.assertTrue(response["items"])
        day = [a.article.title for a, _ in self.timed if not a.duplicate_of and
               a.article.published_at_ms >= 1772755200000]  # 2026-03-06
        for item in response["items"]:
            self.assertGreaterEqual(item["count"], 2)
            self.assertAlmostEqual(item["score"],
                                   (item["count"] + 1) / (item["baseline_mean"] + 1), places=9)
            self.assertGreaterEqual(item["score"], 1.5)
            if " " in item["term"]:  # a name: count the headlines that contain it
                normal = [re.sub(r"[^a-z0-9]+", " ", t.lower()) for t in day]
                name = re.sub(r"[^a-z0-9]+", " ", item["term"].lower())
                self.assertEqual(item["count"], sum(f" {name} " in f" {n} " for n in normal), item)
        scores = [i["score"] for i in response["items"]]
        self.assertEqual(scores, sorted(scores, reverse=True))

    # --- sources and latest ----------------------------------------------------------------

    def test_sources_match_the_processed_stream(self):
        expected = collections.defaultdict(lambda: [0, 0])
        for a, _ in self.records:
            expected[a.article.source][1 if a.duplicate_of else 0] += 1
        items = self.query_all("sources", "--window", "day")
        self.assertEqual({i["source"]: [i["articles"], i["duplicates"]] for i in items},
                         dict(expected))
        counts = [i["articles"] for i in items]
        self.assertEqual(counts, sorted(counts, reverse=True))

    def test_latest_of_a_topic_is_newest_first(self):
        space = sorted((a.article for a, _ in self.records
                        if "space" in a.topics and not a.duplicate_of),
                       key=lambda r: (-r.published_at_ms, r.id))
        items = self.query("latest", "--topic", "space", "--limit", "5")["items"]
        self.assertEqual([i["id"] for i in items], [r.id for r in space[:5]])

    def test_options_may_follow_the_kind(self):
        after = run([ARGS.headwire, "query", "latest", "--state", self.state, "-n", "2",
                     "--json"]).stdout
        before = run([ARGS.headwire, "query", "--state", self.state, "--json", "latest", "-n",
                      "2"]).stdout
        self.assertEqual(json.loads(after), json.loads(before))
        self.assertEqual(len(json.loads(after)["items"]), 2)

    def test_count_totals_are_those_of_the_topic_asked(self):
        space = [a for a, _ in self.records if "space" in a.topics]
        totals = self.query("counts", "--topic", "space", "--window", "day")["totals"]
        self.assertEqual(totals["articles"], sum(1 for a in space if not a.duplicate_of))
        self.assertEqual(totals["duplicates"], sum(1 for a in space if a.duplicate_of))
        table = run([ARGS.headwire, "query", "--state", self.state, "counts", "--topic", "space",
                     "--window", "day"]).stdout
        self.assertIn(f"totals (space): {totals['articles']} articles, "
                      f"{totals['duplicates']} duplicates;", table)

    def test_a_misspelt_topic_is_an_error_naming_the_known_topics(self):
        out = run([ARGS.headwire, "query", "--state", self.state, "latest", "-t", "spcae"],
                  expect_codes=(1,))
        taxonomy = sorted({s.topic for a, _ in self.records for s in a.scores})
        self.assertEqual(taxonomy, ["ai", "business", "geopolitics", "space"])
        self.assertIn('topic: unknown topic "spcae"; known topics: ' + ", ".join(taxonomy) +
                      ", other, all", out.stderr)
        self.assertEqual(out.stdout, "")

    def test_another_kind_of_state_is_named(self):
        process_state = os.path.join(self.work, "process")
        for cmd in ([ARGS.headwire, "query", "--state", process_state, "latest"],
                    self.sink_command("wrong-state", process_state) + ["--exit-at-end"]):
            out = run(cmd, expect_codes=(1,), timeout=60)
            self.assertIn(f"{process_state} is a processor state, not a sink state", out.stderr)
        out = run([ARGS.headwire, "process", "--bootstrap", self.bootstrap, "--group",
                   "wrong-state", "--state", self.state, "--exit-at-end"], expect_codes=(1,),
                  timeout=60)
        self.assertIn(f"{self.state} is a sink state, not a processor state", out.stderr)

    def test_an_estimated_event_time_never_leads_latest_or_stories(self):
        undated = [a for a, _ in self.records if a.article.event_time_estimated]
        self.assertEqual(len(undated), 1)
        undated = undated[0].article
        items = self.query_all("latest", "--topic", "all")
        self.assertEqual(items[-1]["id"], undated.id)
        self.assertTrue(items[-1]["published_at_estimated"])
        self.assertFalse(any(i["published_at_estimated"] for i in items[:-1]))
        dated = [i["published_at"] for i in items[:-1]]
        self.assertEqual(dated, sorted(dated, reverse=True))
        table = run([ARGS.headwire, "query", "--state", self.state, "latest", "-n", "3"]).stdout
        self.assertNotIn(undated.title, table)
        stories = self.query_all("stories")
        self.assertTrue(stories[-1]["time_estimated"])
        self.assertIn(undated.id, stories[-1]["members"])
        self.assertNotIn("", stories[-1]["sources"])
        # as_of is the newest dated event time (docs/api.md), not the watermark.
        newest = max(a.article.published_at_ms for a, _ in self.timed)
        self.assertEqual(self.query("stories")["as_of"], rfc3339(newest))

    # --- determinism, checkpoints, lateness ---------------------------------------------------

    def test_same_input_in_another_order_and_partitioning_gives_the_same_digest(self):
        topic = "e2e.reordered"
        self.copy_to_topic(topic, [v for _, v in self.by_event_time(self.records)])
        state = os.path.join(self.work, "reordered")
        run(self.sink_command("reordered", state, topic) + ["--max-batch", "7", "--exit-at-end"])
        self.assertEqual(self.digest(state), self.digest(self.state))

    def test_different_input_gives_a_different_digest(self):
        topic = "e2e.partial"
        self.copy_to_topic(topic, [v for _, v in self.by_event_time(self.records)][:200])
        state = os.path.join(self.work, "partial")
        run(self.sink_command("partial", state, topic) + ["--exit-at-end"])
        reference, partial = self.digest(self.state), self.digest(state)
        self.assertNotEqual(partial["digest"], reference["digest"])
        self.assertLess(partial["families"]["articles"]["entries"],
                        reference["families"]["articles"]["entries"])

    def test_a_sink_started_from_a_checkpoint_ends_with_the_same_digest(self):
        # One after every 100 records, at the end of the batch that crosses it: where batches end
        # depends on timing, so the exact numbers do too.
        covered = sorted(int(d.split("-")[1]) for d in os.listdir(self.checkpoints))
        self.assertGreaterEqual(len(covered), 2, covered)
        self.assertTrue(100 <= covered[0] < 150, covered)
        self.assertGreaterEqual(covered[1] - covered[0], 100, covered)
        state = os.path.join(self.work, "restored")
        first = os.path.join(self.checkpoints, f"offsets-{covered[0]}")
        resumed = run(self.sink_command("restored", state) +
                      ["--from-checkpoint", first, "--exit-at-end"])
        self.assertIn(f"{len(self.records) - covered[0]} consumed", resumed.stderr)
        self.assertEqual(self.digest(state), self.digest(self.state))
        refused = run(self.sink_command("restored", state) +
                      ["--from-checkpoint", first, "--exit-at-end"], expect_codes=(1,))
        self.assertIn("not empty", refused.stderr)

    def wait_until_all_applied(self, state, deadline):
        """Waits until the running sink at `state` has applied every record of self.records."""
        # Every record is a unique article or a duplicate: both counts complete = all applied.
        expected = [sum(1 for a, _ in self.records if not a.duplicate_of),
                    sum(1 for a, _ in self.records if a.duplicate_of)]
        while time.monotonic() < deadline:
            result = subprocess.run([ARGS.headwire, "query", "--state", state, "counts",
                                     "--json"], capture_output=True, text=True)
            if result.returncode == 0:
                totals = json.loads(result.stdout)["totals"]
                if [totals["articles"], totals["duplicates"]] == expected:
                    return
            time.sleep(0.5)

    def start_sink_with_checkpoints(self, name, checkpoints):
        """A running sink of its own group and state `name`, checkpointing into `checkpoints`,
        its log in a file: (the process, its state, the log's path)."""
        state = os.path.join(self.work, name)
        log_path = os.path.join(self.work, f"{name}.log")
        with open(log_path, "w") as log:
            sink = subprocess.Popen(self.sink_command(name, state) +
                                    ["--checkpoint-dir", checkpoints],
                                    stdout=subprocess.DEVNULL, stderr=log, text=True)
        return sink, state, log_path

    def test_a_checkpoint_dir_that_is_a_file_is_refused_at_start(self):
        not_a_dir = os.path.join(self.work, "checkpoints-file")
        with open(not_a_dir, "w") as f:
            f.write("not a directory\n")
        result = run(self.sink_command("file-checkpoints", os.path.join(self.work, "fc")) +
                     ["--checkpoint-dir", not_a_dir, "--exit-at-end"], expect_codes=(2,))
        self.assertIn(f"--checkpoint-dir {not_a_dir} is not a directory", result.stderr)

    def test_a_checkpoint_that_cannot_be_written_is_logged_and_the_sink_goes_on(self):
        checkpoints = os.path.join(self.work, "unwritable-checkpoints")
        os.mkdir(checkpoints)
        sink, state, log_path = self.start_sink_with_checkpoints("unwritable", checkpoints)
        try:
            deadline = time.monotonic() + 60
            self.wait_until_all_applied(state, deadline)
            # The directory becomes a file under the running sink: the checkpoint cannot go there.
            os.rmdir(checkpoints)
            with open(checkpoints, "w") as f:
                f.write("in the way\n")
            sink.send_signal(signal.SIGUSR1)
            failed = 'msg="checkpoint failed; the sink goes on'
            while time.monotonic() < deadline and failed not in open(log_path).read():
                time.sleep(0.2)
            self.assertIn(failed, open(log_path).read())
            self.assertIsNone(sink.poll(), open(log_path).read())
            # Still serving its state.
            self.assertEqual(self.query("counts", state=state)["totals"]["articles"],
                             sum(1 for a, _ in self.records if not a.duplicate_of))
        finally:
            sink.terminate()
            sink.wait(timeout=30)
        stderr = open(log_path).read()
        self.assertEqual(sink.returncode, 0, stderr)
        self.assertIn("0 checkpoints (1 failed)", stderr)

    def test_sigusr1_takes_a_checkpoint_of_a_running_sink(self):
        checkpoints = os.path.join(self.work, "running-checkpoints")
        sink, state, log_path = self.start_sink_with_checkpoints("running", checkpoints)
        try:
            # Once it has applied everything (the handler is installed long before), ask.
            wanted = f"offsets-{len(self.records)}"
            deadline = time.monotonic() + 60
            self.wait_until_all_applied(state, deadline)
            sink.send_signal(signal.SIGUSR1)
            while time.monotonic() < deadline and not os.path.isdir(
                    os.path.join(checkpoints, wanted)):
                time.sleep(0.2)
            self.assertTrue(os.path.isdir(os.path.join(checkpoints, wanted)),
                            os.listdir(checkpoints) if os.path.isdir(checkpoints) else "none")
            # Asked again with nothing new, the sink says where the checkpoint already is.
            sink.send_signal(signal.SIGUSR1)
            again = (f'msg="checkpoint already taken; nothing new since" '
                     f'dir={os.path.join(checkpoints, wanted)} records={len(self.records)}')
            while time.monotonic() < deadline and again not in open(log_path).read():
                time.sleep(0.2)
            self.assertIn(again, open(log_path).read())
        finally:
            sink.terminate()
            sink.wait(timeout=30)
        stderr = open(log_path).read()
        self.assertEqual(sink.returncode, 0, stderr)
        self.assertEqual(self.digest(os.path.join(checkpoints, wanted))["families"]["articles"],
                         self.digest(self.state)["families"]["articles"])

    def test_late_records_are_counted_and_dead_lettered(self):
        ordered = self.by_event_time(self.timed)
        late = self.pb.ProcessedArticle()
        late.CopyFrom(ordered[10][0])
        late.article.id = "late-arrival"
        late.duplicate_of = ""
        late.story_id = "late-arrival"
        late.article.published_at_ms = ordered[0][0].article.published_at_ms
        late_bytes = late.SerializeToString()
        topic = "e2e.late"
        self.copy_to_topic(topic, [v for _, v in ordered] + [late_bytes])
        state = os.path.join(self.work, "late")
        out = run(self.sink_command("late", state, topic) +
                  ["--late", "dlq", "--dlq-topic", "e2e.late.dlq", "--exit-at-end"])
        self.assertIn(" 1 late", out.stderr)
        self.assertEqual(self.query("counts", state=state)["totals"]["late"], 1)
        ids = {i["id"] for i in self.query("latest", "--limit", "1000", state=state)["items"]}
        self.assertNotIn("late-arrival", ids)
        letters = kafka_check.read_topic(self.bootstrap, "e2e.late.dlq")
        self.assertEqual(len(letters), 1)
        letter = self.pb.DeadLetter()
        letter.ParseFromString(letters[0][1])
        self.assertEqual(letter.reason, self.pb.DEAD_LETTER_REASON_LATE)
        self.assertEqual(letter.stage, "sink")
        self.assertEqual(letter.original_value, late_bytes)
        self.assertEqual(letter.source.topic, topic)


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
