#!/usr/bin/python3
"""End-to-end test: broker, produce, process and sink as separate processes.

Starts `headwire broker`, feeds it the PRODUCT.md seed examples plus exact duplicates, a trap and
malformed lines with `headwire produce`, runs `headwire process` and `headwire sink` to the end of
their input, and checks the result with two independent clients (python3-confluent-kafka with
protoc-generated classes, and kcat) and with `headwire query`.

Usage: pipeline_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
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
import kafka_check  # noqa: E402

ARGS = None
TOPICS = ["space", "ai", "geopolitics", "business"]
DAY_MS = 24 * 3600 * 1000
T0 = 1772438400000  # 2026-03-02T08:00:00Z




class PipelineEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-e2e-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        cls.broker, cls.bootstrap = harness.start_broker(ARGS.headwire)

        with open(os.path.join(ARGS.repo, "tests", "fixtures", "seed_examples.jsonl")) as f:
            cls.seeds = [json.loads(line) for line in f if line.strip()]
        cls.expected_topics = {}  # unique article id -> topics by the topic guide
        lines = []
        for i, seed in enumerate(cls.seeds):
            record = {"id": seed["id"], "title": seed["title"], "source": "Seed Wire",
                      "url": f"https://www.seedwire.example/{seed['id']}",
                      "published_at": T0 + i * 60_000}
            lines.append(json.dumps(record))
            cls.expected_topics[seed["id"]] = set(seed["topics"])
        s0, s1, s2, s3 = cls.seeds[0], cls.seeds[1], cls.seeds[2], cls.seeds[3]
        # Exact duplicates: a resend, the same URL in another form, the same text elsewhere.
        cls.duplicates = {
            "dup-resend": s0["id"],
            "dup-url": s1["id"],
            "dup-content": s2["id"],
        }
        lines.append(json.dumps({"id": s0["id"], "title": s0["title"], "source": "Seed Wire",
                                 "url": f"https://www.seedwire.example/{s0['id']}",
                                 "published_at": T0}))
        lines.append(json.dumps({"id": "dup-url", "title": s1["title"] + " (updated)",
                                 "url": f"http://seedwire.example/{s1['id']}/?utm_source=x",
                                 "published_at": T0 + 3_600_000}))
        lines.append(json.dumps({"id": "dup-content", "title": s2["title"].upper(),
                                 "url": "https://syndication.example/copy",
                                 "published_at": T0 + 1_800_000}))
        # A trap: the same headline three days later is another event.
        lines.append(json.dumps({"id": "trap-later", "title": s3["title"],
                                 "published_at": T0 + 3 * DAY_MS}))
        cls.expected_topics["trap-later"] = set(s3["topics"])
        # Malformed lines: each must be reported with its line number.
        cls.first_bad_line = len(lines) + 1
        lines += ["this is not json", json.dumps({"body": "no title"}),
                  json.dumps({"title": 42}), json.dumps({"title": "T", "published_at": "soon"})]
        cls.input_path = os.path.join(cls.work, "input.jsonl")
        with open(cls.input_path, "w") as f:
            f.write("\n".join(lines) + "\n")

        cls.produce = run([ARGS.headwire, "produce", "--bootstrap", cls.bootstrap, cls.input_path],
                          expect_codes=(2,))
        # A foreign producer writes bytes that are no RawArticle.
        kafka_check.produce_bytes(cls.bootstrap, "headwire.articles.raw", b"garbage",
                                  b"\xff\x00not protobuf\x07")
        cls.process = run([ARGS.headwire, "process", "--bootstrap", cls.bootstrap,
                           "--state", os.path.join(cls.work, "process"), "--exit-at-end"])
        cls.sink_state = os.path.join(cls.work, "sink")
        cls.sink = run([ARGS.headwire, "sink", "--bootstrap", cls.bootstrap,
                        "--state", cls.sink_state, "--exit-at-end"])

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        shutil.rmtree(cls.work, ignore_errors=True)

    def decode(self, message_class, value):
        msg = message_class()
        msg.ParseFromString(value)
        return msg

    def test_produce_reports_each_malformed_line(self):
        errors = [l for l in self.produce.stderr.splitlines() if l.startswith(self.input_path)]
        self.assertEqual(len(errors), 4, self.produce.stderr)
        for offset, reason in enumerate(["not_json", "missing_field", "wrong_type",
                                         "bad_event_time"]):
            self.assertTrue(
                errors[offset].startswith(f"{self.input_path}:{self.first_bad_line + offset}: "
                                          f"{reason}: "), errors[offset])

    @classmethod
    def processed_verdicts(cls):
        """Unique article id -> topics, as the processed stream says."""
        verdicts = {}
        for _, value, _ in kafka_check.read_topic(cls.bootstrap, "headwire.articles.processed"):
            article = cls.pb.ProcessedArticle()
            article.ParseFromString(value)
            if not article.duplicate_of:
                verdicts[article.article.id] = set(article.topics)
        return verdicts

    def test_product_examples_and_hard_cases_get_their_topics(self):
        verdicts = self.processed_verdicts()
        self.assertEqual(set(verdicts), set(self.expected_topics))
        for seed in self.seeds:
            if seed["product_example"]:
                self.assertEqual(verdicts[seed["id"]], set(seed["topics"]), seed["title"])
            for wrong in seed.get("not_topics", []):
                self.assertNotIn(wrong, verdicts[seed["id"]], seed["title"])
        self.assertEqual(verdicts["trap-later"], verdicts[self.seeds[3]["id"]])

    def test_each_unique_article_reaches_exactly_its_topic_streams(self):
        verdicts = self.processed_verdicts()
        for topic in TOPICS:
            messages = kafka_check.read_topic(self.bootstrap, f"headwire.topic.{topic}")
            ids = [key for key, _, _ in messages]
            self.assertEqual(len(ids), len(set(ids)), f"{topic}: an article appears twice")
            expected = {i for i, topics in verdicts.items() if topic in topics}
            self.assertTrue(expected, f"no article for {topic}: the check would be empty")
            self.assertEqual(set(ids), expected, f"topic stream {topic}")
            for key, value, headers in messages:
                self.assertEqual(headers["headwire-type"], "headwire.v1.ProcessedArticle")
                self.assertEqual(headers["headwire-schema-version"], "1")
                self.assertEqual(headers["headwire-article-id"], key)
                article = self.decode(self.pb.ProcessedArticle, value)
                self.assertEqual(article.article.id, key)
                self.assertIn(topic, list(article.topics))
                self.assertEqual(article.duplicate_of, "")

    def test_duplicates_are_on_the_processed_stream_only(self):
        messages = kafka_check.read_topic(self.bootstrap, "headwire.articles.processed")
        articles = [self.decode(self.pb.ProcessedArticle, v) for _, v, _ in messages]
        by_id = {}
        for a in articles:
            by_id.setdefault(a.article.id, []).append(a)
        self.assertEqual(len(articles), len(self.expected_topics) + len(self.duplicates))
        for dup_id, original in self.duplicates.items():
            key = original if dup_id == "dup-resend" else dup_id
            flagged = [a for a in by_id[key] if a.duplicate_of]
            self.assertEqual(len(flagged), 1, dup_id)
            self.assertEqual(flagged[0].duplicate_of, original, dup_id)
        kinds = {a.article.id: a.duplicate_kind for a in articles if a.duplicate_of}
        self.assertEqual(kinds["dup-url"], self.pb.DUPLICATE_KIND_SAME_URL)
        self.assertEqual(kinds["dup-content"], self.pb.DUPLICATE_KIND_SAME_CONTENT)
        self.assertEqual(kinds[self.seeds[0]["id"]], self.pb.DUPLICATE_KIND_SAME_ID)
        trap = by_id["trap-later"]
        self.assertEqual([a.duplicate_of for a in trap], [""])
        self.assertEqual(by_id["dup-url"][0].canonical_url, f"seedwire.example/{self.seeds[1]['id']}")

    def test_dead_letters_carry_the_reason_and_the_original_bytes(self):
        messages = kafka_check.read_topic(self.bootstrap, "headwire.dlq")
        letters = [self.decode(self.pb.DeadLetter, v) for _, v, _ in messages]
        for _, _, headers in messages:
            self.assertEqual(headers["headwire-type"], "headwire.v1.DeadLetter")
        from_produce = [l for l in letters if l.stage == "produce"]
        self.assertEqual(len(from_produce), 4)
        self.assertEqual(sorted(l.source.offset for l in from_produce),
                         list(range(self.first_bad_line, self.first_bad_line + 4)))
        self.assertIn(b"this is not json", [l.original_value for l in from_produce])
        from_process = [l for l in letters if l.stage == "process"]
        self.assertEqual(len(from_process), 1)
        self.assertEqual(from_process[0].reason, self.pb.DEAD_LETTER_REASON_UNDECODABLE)
        self.assertEqual(from_process[0].original_value, b"\xff\x00not protobuf\x07")
        self.assertEqual(from_process[0].source.topic, "headwire.articles.raw")

    def test_kcat_sees_the_topic_streams(self):
        listing = run(["kcat", "-b", self.bootstrap, "-L"]).stdout
        for topic in TOPICS:
            self.assertIn(f'topic "headwire.topic.{topic}"', listing)
        keys = run(["kcat", "-b", self.bootstrap, "-C", "-t", "headwire.topic.ai", "-e", "-q",
                    "-f", "%k %h\n"]).stdout.splitlines()
        expected = {i for i, t in self.processed_verdicts().items() if "ai" in t}
        self.assertEqual({line.split(" ")[0] for line in keys}, expected)
        for line in keys:
            self.assertIn("headwire-type=headwire.v1.ProcessedArticle", line)

    def test_query_returns_the_sinks_articles(self):
        verdicts = self.processed_verdicts()
        for topic in TOPICS + ["other"]:
            out = run([ARGS.headwire, "query", "--state", self.sink_state, "latest", "--topic",
                       topic, "-n", "1000", "--json"]).stdout
            rows = json.loads(out)["items"]
            expected = {i for i, t in verdicts.items() if topic in t or (topic == "other" and not t)}
            self.assertEqual({r["id"] for r in rows}, expected, topic)
            times = [r["published_at"] for r in rows]
            self.assertEqual(times, sorted(times, reverse=True))
        counts = json.loads(run([ARGS.headwire, "query", "--state", self.sink_state, "counts",
                                 "--json"]).stdout)
        self.assertEqual(counts["totals"]["articles"], len(self.expected_topics))
        self.assertEqual(counts["totals"]["duplicates"], len(self.duplicates))

    def test_restarted_sink_resumes_without_counting_twice(self):
        before = run([ARGS.headwire, "query", "--state", self.sink_state, "counts", "--json"]).stdout
        again = run([ARGS.headwire, "sink", "--bootstrap", self.bootstrap, "--group",
                     "headwire-sink-restart", "--state", self.sink_state, "--exit-at-end"])
        self.assertIn("0 consumed", again.stderr)
        after = run([ARGS.headwire, "query", "--state", self.sink_state, "counts", "--json"]).stdout
        self.assertEqual(json.loads(before), json.loads(after))


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
