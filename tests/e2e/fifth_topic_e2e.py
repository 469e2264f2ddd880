#!/usr/bin/python3
"""End-to-end test of a fifth topic added to the taxonomy, without code: broker and processor
run with a copy of the shipped taxonomy that adds a rules-only topic ("weather"); the test checks,
with its own Kafka client, that `headwire broker --taxonomy` created the topic's stream, that the
stream `headwire.topic.weather` holds exactly the articles whose processed verdict names it, that
the sink's queries return them, and that the live page, rendered in Debian's chromium, shows a
card for the topic with those headlines.

Usage: fifth_topic_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
Environment: HEADWIRE_CHROMIUM, the browser (default: /usr/bin/chromium).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402
import kafka_check  # noqa: E402
from confluent_kafka.admin import AdminClient  # noqa: E402
from live_page_e2e import CHROMIUM, CHROMIUM_FLAGS, Page  # noqa: E402

ARGS = None
TOPIC = "weather"
BROKER_PARTITIONS = 2
# Upper bound for waiting on the pipeline; a bound against hanging, not a speed requirement.
WAIT_S = 90
TAXONOMY_ADDITION = """
[topics.weather]
description = "Weather, forecasts and storms."

[topics.weather.terms]
"storm" = 1.2
"flood*" = 1.2
"heatwave" = 1.5
"snowfall" = 1.2
"""
RECORDS = [
    {"id": "w-1", "title": "Storm brings floods to coastal towns", "source": "Test Wire",
     "url": "https://test.example/w-1", "published_at": "2026-03-07T08:00:00Z"},
    {"id": "w-2", "title": "Heatwave warning for the south as temperatures climb",
     "source": "Test Wire", "url": "https://test.example/w-2",
     "published_at": "2026-03-07T08:10:00Z"},
    {"id": "w-3", "title": "NASA confirms date of next crewed lunar flyby", "source": "Test Wire",
     "url": "https://test.example/w-3", "published_at": "2026-03-07T08:20:00Z"},
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FifthTopicEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-fifth-")
        cls.daemons = []
        taxonomy = os.path.join(cls.work, "taxonomy.toml")
        with open(os.path.join(ARGS.repo, "data", "taxonomy.toml")) as f:
            shipped = f.read()
        with open(taxonomy, "w") as f:
            f.write(shipped + TAXONOMY_ADDITION)
        # The broker creates the taxonomy's streams with --partitions (2 here); a stream made on
        # first use would get the mock cluster's 4.
        cls.broker = subprocess.Popen([ARGS.headwire, "broker", "--taxonomy", taxonomy,
                                       "--partitions", str(BROKER_PARTITIONS)],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        cls.bootstrap = cls.broker.stdout.readline().strip()
        assert cls.bootstrap.startswith("127.0.0.1:"), f"bad bootstrap line {cls.bootstrap!r}"
        cls.partitions_at_start = cls.stream_partitions()
        records = os.path.join(cls.work, "records.jsonl")
        with open(records, "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in RECORDS))
        run([ARGS.headwire, "produce", "--bootstrap", cls.bootstrap, records])
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        env = dict(os.environ, HEADWIRE_BOOTSTRAP=cls.bootstrap)
        for args in (["process", "--state", os.path.join(cls.work, "process"),
                      "--taxonomy", taxonomy],
                     ["sink", "--state", os.path.join(cls.work, "sink"),
                      "--http", f"127.0.0.1:{cls.port}"]):
            log = open(os.path.join(cls.work, args[0] + ".log"), "w")
            cls.daemons.append((args[0], subprocess.Popen([ARGS.headwire, *args], env=env,
                                                          stdout=log, stderr=log), log))
        deadline = time.monotonic() + WAIT_S
        while cls.applied() != len(RECORDS):
            if time.monotonic() > deadline:
                raise AssertionError("the sink did not apply the records")
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        for _, process, log in reversed(cls.daemons):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        cls.broker.terminate()
        cls.broker.communicate(timeout=30)
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def stream_partitions(cls):
        """Partitions of headwire.topic.weather as the cluster lists them (None: no such topic),
        from a listing of every topic, which creates none."""
        admin = AdminClient({"bootstrap.servers": cls.bootstrap})
        topics = admin.list_topics(timeout=10).topics
        stream = topics.get(f"headwire.topic.{TOPIC}")
        return None if stream is None else len(stream.partitions)

    @classmethod
    def get(cls, path):
        with urllib.request.urlopen(cls.base + path, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))

    @classmethod
    def applied(cls):
        try:
            store = cls.get("/v1/status")["store"]
        except (urllib.error.URLError, ConnectionError):
            return None  # not listening yet
        return store["articles"] + store["duplicates"]

    def weather_ids_on_kafka(self):
        """(ids whose processed verdict names the topic, ids on the topic's own stream)."""
        pb = kafka_check.load_wire_module(ARGS.repo)
        verdicts = set()
        for _, value, _ in kafka_check.read_topic(self.bootstrap, "headwire.articles.processed"):
            article = pb.ProcessedArticle()
            article.ParseFromString(value)
            if TOPIC in article.topics:
                verdicts.add(article.article.id)
        stream = {key for key, _, _ in
                  kafka_check.read_topic(self.bootstrap, f"headwire.topic.{TOPIC}")}
        return verdicts, stream

    def test_the_broker_creates_the_topics_stream_from_the_taxonomy(self):
        self.assertEqual(self.partitions_at_start, BROKER_PARTITIONS)

    def test_the_topic_has_its_stream(self):
        verdicts, stream = self.weather_ids_on_kafka()
        self.assertEqual(verdicts, {"w-1", "w-2"})
        self.assertEqual(stream, verdicts)

    def test_queries_return_the_topic(self):
        items = self.get(f"/v1/latest?topic={TOPIC}&limit=10")["items"]
        self.assertEqual([i["id"] for i in items], ["w-2", "w-1"])
        counts = self.get("/v1/counts?window=day&limit=100")["items"]
        self.assertEqual(sum(r["articles"] for r in counts if r["topic"] == TOPIC), 2)

    def test_the_page_shows_the_topic(self):
        user_dir = tempfile.mkdtemp(prefix="chromium-", dir=self.work)
        out = run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}",
                   "--virtual-time-budget=15000", "--dump-dom", f"{self.base}/"], timeout=120)
        page = Page(out.stdout)
        self.assertIn(TOPIC, page.headlines)
        self.assertEqual(page.headline_ids[TOPIC], ["w-2", "w-1"])
        self.assertIn("Weather", out.stdout)
        # Its own colour, not the fallback grey of Other, and a swatch that is not blank.
        strokes = {s["data-topic"]: s["stroke"] for s in page.series}
        self.assertIn(TOPIC, strokes)
        others = {stroke for topic, stroke in strokes.items() if topic != TOPIC}
        self.assertNotIn(strokes[TOPIC], others | {"#555", ""})
        swatch = re.search(r'<span class="swatch" style="background: ([^;"]+);?"></span>Weather<',
                           out.stdout)
        self.assertIsNotNone(swatch)
        self.assertNotIn("var(", swatch.group(1))


class TaxonomyStreamsTest(unittest.TestCase):
    """The broker creates a stream per topic of the taxonomy it is given, and none for a topic of
    the built-in taxonomy that the given one lacks."""

    def test_a_renamed_topic_gets_its_stream_and_the_old_name_none(self):
        work = tempfile.mkdtemp(prefix="headwire-streams-")
        self.addCleanup(shutil.rmtree, work, ignore_errors=True)
        with open(os.path.join(ARGS.repo, "data", "taxonomy.toml")) as f:
            renamed = f.read().replace("[topics.space", "[topics.astro")
        taxonomy = os.path.join(work, "taxonomy.toml")
        with open(taxonomy, "w") as f:
            f.write(renamed)
        broker, bootstrap = harness.start_broker(ARGS.headwire, "--taxonomy", taxonomy)
        self.addCleanup(broker.communicate, timeout=30)
        self.addCleanup(broker.terminate)
        # A listing of every topic, which creates none.
        topics = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=10).topics
        streams = {name for name in topics if name.startswith("headwire.topic.")}
        self.assertEqual(streams, {"headwire.topic.astro", "headwire.topic.ai",
                                   "headwire.topic.geopolitics", "headwire.topic.business"})


def bind(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind)
