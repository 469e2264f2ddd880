#!/usr/bin/python3
"""End-to-end test of `headwire feed`: the 30 real feed fixtures of ../shared/data/rss served by a
local HTTP server on 127.0.0.1 (started here), plus 304 answers, redirects, a redirect loop, a
slow server, a server that drops the connection, a 5 GB Content-Length that never comes, a 404
and a feed that changes between polls.

Checks with python3-confluent-kafka and the published .proto: every valid item reaches the raw
topic once as a RawArticle; titles, links and times of a sample of feeds match python3-feedparser
(an independent parser); the two documents that are not feeds are dead-lettered with their URL
and reason; a second `--once` run with the same state sends nothing (and is answered 304); a
changed feed sends exactly its new items; `--once` exits 1 only when no feed could be read.

Usage: feed_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT  (env HEADWIRE_RSS_FIXTURES)
"""

import calendar
import hashlib
import http.server
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402
import kafka_check  # noqa: E402

ARGS = None
RAW = "headwire.articles.raw"
DLQ = "headwire.dlq"

# Fixtures checked item by item against python3-feedparser: feeds whose items carry their own
# <link> (feeds with feedburner:origLink differ on purpose: headwire takes the original link).
REFERENCE_SAMPLE = [
    "node-feedparser/rss2sample.xml",
    "node-feedparser/tpm.atom",
    "node-feedparser/iconv.xml",
    "rome/atom_1.0.xml",
    "rome/usgs-gov-earthquakes-all-hour-atom.xml",
    "node-feedparser/saxerror.xml",
]
NOT_FEEDS = {"node-feedparser/notafeed.html", "feedparser/rss_empty_document.xml"}


def changing_feed(count):
    items = "".join(
        f"<item><title>Changing story {i}</title><link>http://changing.example/story/{i}</link>"
        f"<guid>http://changing.example/story/{i}</guid>"
        f"<pubDate>Mon, 02 Mar 2026 0{i}:00:00 GMT</pubDate></item>" for i in range(count))
    return (f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Changing</title>"
            f"{items}</channel></rss>").encode()


class FeedServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fixtures):
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.fixtures = fixtures
        self.changing_items = 2
        self.log = []  # (path, status, user agent)
        self.lock = threading.Lock()

    def url(self, path):
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class FeedHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, status):
        with self.server.lock:
            self.server.log.append((self.path, status, self.headers.get("User-Agent", "")))

    def send_body(self, body, content_type):
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.record(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.record(200)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        if path.startswith("/rss/"):
            name = path[len("/rss/"):].split("?")[0]
            full = os.path.realpath(os.path.join(self.server.fixtures, name))
            if not full.startswith(os.path.realpath(self.server.fixtures)) or not os.path.isfile(full):
                return self.status_only(404)
            with open(full, "rb") as f:
                body = f.read()
            kind = "text/html" if name.endswith(".html") else "application/xml"
            return self.send_body(body, kind)
        if path.startswith("/redirect/"):
            # /redirect/N/<fixture>: N hops, then the fixture.
            _, _, hops, rest = path.split("/", 3)
            target = f"/rss/{rest}" if hops == "1" else f"/redirect/{int(hops) - 1}/{rest}"
            return self.status_only(302, {"Location": target})
        if path == "/loop":
            return self.status_only(302, {"Location": "/loop"})
        if path == "/changing.xml":
            return self.send_body(changing_feed(self.server.changing_items), "application/rss+xml")
        if path.startswith("/noise"):
            # 4 KB of random bytes: libxml2's decoder refuses some of them in any charset.
            body = random.Random(20260302).randbytes(4096)
            kind = "text/xml; charset=windows-1251" if path == "/noise-1251.xml" else "text/xml"
            return self.send_body(body, kind)
        if path == "/bogus-encoding.xml":
            return self.send_body("""<?xml version="1.0" encoding="x-bogus-9"?>
<rss version="2.0"><channel><title>Bogus</title>
<item><title>Caf\u00e9 one</title><link>http://bogus.example/1</link></item>
<item><title>Two</title><link>http://bogus.example/2</link></item>
</channel></rss>""".encode(), "application/rss+xml")
        if path == "/placeholder-dates.xml":
            return self.send_body(b"""<rss version="2.0"><channel><title>Dates</title>
<item><title>Epoch placeholder</title><link>http://dates.example/1</link>
<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate></item>
<item><title>Impossible date</title><link>http://dates.example/2</link>
<pubDate>Tue, 31 Feb 2026 08:15:00 GMT</pubDate></item>
</channel></rss>""", "application/rss+xml")
        if path == "/feed.json":
            return self.send_body(json.dumps({
                "version": "https://jsonfeed.org/version/1.1", "title": "JSON Wire",
                "items": [{"id": "j1", "url": "/json/1", "title": "JSON <b>first</b>",
                           "date_published": "2026-03-02T08:15:00+01:00"},
                          {"id": "j2", "content_text": "Untitled JSON item body"}]}).encode(),
                "application/feed+json")
        if path == "/slow.xml":
            self.record(0)
            time.sleep(6)
            return
        if path == "/drop.xml":
            self.record(0)
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if path == "/huge.xml":
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(5 * 1024 ** 3))
            self.end_headers()
            self.wfile.write(b"<rss><channel>")
            self.wfile.flush()
            time.sleep(6)
            self.close_connection = True
            return
        return self.status_only(404)

    def status_only(self, status, headers=None):
        self.record(status)
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()


def fixture_names(root):
    names = []
    for folder, _, files in os.walk(root):
        for f in files:
            if f.endswith((".xml", ".atom", ".html")):
                names.append(os.path.relpath(os.path.join(folder, f), root))
    return sorted(names)


class FeedEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fixtures = os.environ["HEADWIRE_RSS_FIXTURES"]
        cls.work = tempfile.mkdtemp(prefix="headwire-feed-e2e-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        cls.broker, cls.bootstrap = harness.start_broker(ARGS.headwire)
        cls.server = FeedServer(cls.fixtures)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.names = fixture_names(cls.fixtures)
        cls.feeds = {name: cls.server.url(f"/rss/{name}") for name in cls.names}
        # One fixture is reached through two redirects instead of directly.
        cls.feeds["rome/atom_1.0.xml"] = cls.server.url("/redirect/2/rome/atom_1.0.xml")
        cls.broken = {
            "slow": cls.server.url("/slow.xml"),
            "drop": cls.server.url("/drop.xml"),
            "huge": cls.server.url("/huge.xml"),
            "loop": cls.server.url("/loop"),
            "missing": cls.server.url("/rss/none.xml"),
        }
        cls.changing = cls.server.url("/changing.xml")
        cls.json_feed = cls.server.url("/feed.json")
        lines = ["[defaults]", 'interval = "1h"', 'timeout = "2s"', 'connect_timeout = "2s"',
                 "max_redirects = 3", "per_host_connections = 4", ""]
        for url in list(cls.feeds.values()) + list(cls.broken.values()) + [cls.changing, cls.json_feed]:
            lines += ["[[feed]]", f'url = "{url}"', ""]
        lines += ["[[feed]]", f'url = "{cls.server.url("/rss/node-feedparser/rss2sample.xml?named")}"',
                  'source = "Liftoff Wire"', 'language = "en-GB"', ""]
        cls.config = os.path.join(cls.work, "feeds.toml")
        with open(cls.config, "w") as f:
            f.write("\n".join(lines))
        cls.state = os.path.join(cls.work, "state")

        cls.first = cls.run_once()
        cls.after_first = cls.raw_records()
        cls.dlq_after_first = kafka_check.read_topic(cls.bootstrap, DLQ)
        with cls.server.lock:
            cls.server.log.clear()
        cls.second = cls.run_once()
        cls.after_second = cls.raw_records()
        with cls.server.lock:
            cls.second_log = list(cls.server.log)
        cls.server.changing_items = 5
        cls.third = cls.run_once()
        cls.after_third = cls.raw_records()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.broker.kill()
        cls.broker.wait()
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def run_once(cls, config=None, state=None, codes=(0,)):
        return run([ARGS.headwire, "feed", "-b", cls.bootstrap, "--config", config or cls.config,
                    "--state", state or cls.state, "--once", "--jitter-seed", "7"],
                   expect_codes=codes, timeout=60)

    @classmethod
    def raw_records(cls):
        records = []
        for key, value, headers in kafka_check.read_topic(cls.bootstrap, RAW):
            assert headers.get("headwire-type") == "headwire.v1.RawArticle", headers
            raw = cls.pb.RawArticle()
            raw.ParseFromString(value)
            records.append((key, raw))
        return records

    def by_feed(self, records, url):
        return [raw for _, raw in records if raw.producer.input == url]

    def test_every_item_is_on_the_raw_topic_once_keyed_by_its_id(self):
        per_feed = [(raw.producer.input, key) for key, raw in self.after_first]
        self.assertEqual(len(per_feed), len(set(per_feed)), "an item was produced twice")
        # The same permalink reached through two feeds is one article id (iconv.xml and its
        # gzip copy compressed.xml), so the processor's dedup by id keeps one.
        iconv = {raw.id for raw in self.by_feed(self.after_first,
                                                 self.feeds["node-feedparser/iconv.xml"])}
        gzip = {raw.id for raw in self.by_feed(self.after_first,
                                                self.feeds["node-feedparser/compressed.xml"])}
        self.assertEqual(len(iconv), 10)
        self.assertEqual(iconv, gzip)
        for key, raw in self.after_first:
            self.assertEqual(key, raw.id)
            self.assertTrue(raw.title)
            self.assertEqual(raw.producer.name, "headwire feed")
            self.assertGreater(raw.published_at_ms, 0)
        inputs = {raw.producer.input for _, raw in self.after_first}
        for name in NOT_FEEDS:
            self.assertNotIn(self.feeds[name], inputs)
        self.assertIn("headwire feed: ", self.first.stderr)

    def test_a_cycles_items_reach_the_raw_topic_oldest_first(self):
        # Feeds list their newest items first; in that order most of a first poll would be late
        # in the sink. The first cycle read every feed, so its items span years of event time.
        per_partition = {}
        for partition, offset, _, value, _ in kafka_check.read_topic(self.bootstrap, RAW,
                                                                     positions=True):
            raw = self.pb.RawArticle()
            raw.ParseFromString(value)
            if offset < len(self.after_first):
                per_partition.setdefault(partition, []).append((offset, raw.published_at_ms))
        self.assertEqual(sum(len(v) for v in per_partition.values()), len(self.after_first))
        for partition, records in per_partition.items():
            times = [t for _, t in sorted(records)]
            self.assertEqual(times, sorted(times), f"partition {partition}")
            self.assertGreater(times[-1] - times[0], 86400 * 1000, "the fixtures span days")

    def test_items_match_an_independent_parser(self):
        import feedparser
        checked = 0
        for name in REFERENCE_SAMPLE:
            url = self.feeds[name]
            with open(os.path.join(self.fixtures, name), "rb") as f:
                reference = feedparser.parse(f.read(), response_headers={"content-location": url})
            produced = self.by_feed(self.after_first, url)
            if name == "rome/atom_1.0.xml":  # reached through redirects: links resolve there
                self.assertTrue(produced)
            by_link = {raw.url: raw for raw in produced}
            self.assertEqual(len(produced), len(reference.entries), name)
            for entry in reference.entries:
                raw = by_link.get(entry.link)
                self.assertIsNotNone(raw, f"{name}: no item with link {entry.link}")
                if entry.get("title"):
                    self.assertEqual(raw.title, " ".join(entry.title.split()), name)
                when = entry.get("published_parsed") or entry.get("updated_parsed")
                if when:
                    # feedparser keeps whole seconds; headwire keeps the milliseconds too.
                    self.assertEqual(raw.published_at_ms // 1000, calendar.timegm(when), name)
                    self.assertFalse(raw.event_time_estimated)
                else:
                    self.assertTrue(raw.event_time_estimated, name)
                checked += 1
        self.assertGreater(checked, 40)

    def test_feed_entry_overrides_source_and_language(self):
        named = self.by_feed(self.after_first,
                             self.server.url("/rss/node-feedparser/rss2sample.xml?named"))
        self.assertEqual(len(named), 4)
        self.assertEqual({raw.source for raw in named}, {"Liftoff Wire"})
        self.assertEqual({raw.language for raw in named}, {"en-GB"})
        plain = self.by_feed(self.after_first, self.feeds["node-feedparser/rss2sample.xml"])
        self.assertEqual({raw.source for raw in plain}, {"Liftoff News"})
        self.assertEqual({raw.language for raw in plain}, {"en-us"})

    def test_json_feed_items_arrive(self):
        items = sorted(self.by_feed(self.after_first, self.json_feed), key=lambda r: r.title)
        self.assertEqual([r.title for r in items], ["JSON first", "Untitled JSON item body"])
        self.assertEqual(items[0].url, self.server.url("/json/1"))
        self.assertEqual(items[0].source, "JSON Wire")
        self.assertEqual(items[0].published_at_ms,
                         calendar.timegm((2026, 3, 2, 7, 15, 0)) * 1000)
        self.assertTrue(items[1].event_time_estimated)

    def test_windows_1251_and_gzip_feeds_decode(self):
        for name in ("node-feedparser/iconv.xml", "node-feedparser/compressed.xml"):
            titles = [raw.title for raw in self.by_feed(self.after_first, self.feeds[name])]
            self.assertIn("В Бузулуке главные стройплощадки – детсад и Ледовый дворец", titles)

    def test_documents_that_are_not_feeds_are_dead_lettered_once(self):
        letters = {}
        for key, value, headers in self.dlq_after_first:
            letter = self.pb.DeadLetter()
            letter.ParseFromString(value)
            self.assertEqual(letter.stage, "feed")
            self.assertEqual(letter.reason, self.pb.DEAD_LETTER_REASON_UNDECODABLE)
            self.assertEqual(key, letter.source.topic)
            letters[key] = letter
        self.assertEqual(set(letters), {self.feeds[name] for name in NOT_FEEDS})
        html = letters[self.feeds["node-feedparser/notafeed.html"]]
        self.assertIn("not a feed: the root element is <html>", html.message)
        self.assertTrue(html.original_value.lstrip().lower().startswith(b"<!doctype html"))
        self.assertEqual(len(kafka_check.read_topic(self.bootstrap, DLQ)), len(letters))
        self.assertIn("not a feed", self.first.stderr)
        # `dlq list` names a feed's letter by its URL alone: it has no partition or line.
        table = run([ARGS.headwire, "dlq", "list", "-b", self.bootstrap, "--dlq-topic", DLQ]).stdout
        url = self.feeds["node-feedparser/notafeed.html"]
        self.assertIn(f"  {url}  ", table)
        self.assertNotIn(f"{url}:-1", table)

    def test_second_run_sends_nothing_and_is_answered_304(self):
        self.assertEqual(len(self.after_second), len(self.after_first))
        self.assertIn("headwire feed: 0 produced", self.second.stderr)
        answers = {path: status for path, status, _ in self.second_log
                   if path.startswith("/rss/") and path != "/rss/none.xml"
                   and not any(path.endswith(n) for n in NOT_FEEDS)}
        # A document that needed recovery may have been cut short in transit: its validators are
        # not kept, and the second run reads it whole (200) instead of being answered 304.
        damaged = set()
        for line in self.first.stderr.splitlines():
            if 'msg="feed is not well-formed XML' in line:
                url = line.split(" feed=", 1)[1].split(" ", 1)[0].strip('"')
                damaged.add(url[url.index("/rss/"):])
        self.assertIn("/rss/feedparser/rss_incomplete_cdata.xml", damaged)  # its CDATA never ends
        self.assertEqual({p for p, status in answers.items() if status == 200}, damaged & set(answers))
        self.assertEqual({p for p, status in answers.items() if status == 304},
                         set(answers) - damaged)
        self.assertGreater(len(set(answers) - damaged), 10)

    def test_changed_feed_sends_exactly_its_new_items(self):
        first = sorted(raw.title for raw in self.by_feed(self.after_first, self.changing))
        self.assertEqual(first, ["Changing story 0", "Changing story 1"])
        third = sorted(raw.title for raw in self.by_feed(self.after_third, self.changing))
        self.assertEqual(third, [f"Changing story {i}" for i in range(5)])
        self.assertEqual(len(self.after_third), len(self.after_first) + 3)
        story3 = [raw for raw in self.by_feed(self.after_third, self.changing)
                  if raw.title == "Changing story 3"][0]
        self.assertEqual(story3.url, "http://changing.example/story/3")
        self.assertEqual(story3.published_at_ms, calendar.timegm((2026, 3, 2, 3, 0, 0)) * 1000)

    def test_user_agent_names_headwire(self):
        agents = {agent for _, _, agent in self.second_log}
        self.assertTrue(agents)
        for agent in agents:
            self.assertTrue(agent.startswith("headwire/"), agent)

    def test_status_reports_each_feeds_health(self):
        result = run([ARGS.headwire, "feed", "status", "--state", self.state, "--json"])
        feeds = {f["url"]: f for f in json.loads(result.stdout)["feeds"]}
        self.assertIn("timeout", feeds[self.broken["slow"]]["last_error"].lower())
        self.assertTrue(feeds[self.broken["drop"]]["last_error"])
        self.assertIn("larger than", feeds[self.broken["huge"]]["last_error"])
        self.assertIn("redirect", feeds[self.broken["loop"]]["last_error"].lower())
        self.assertEqual(feeds[self.broken["missing"]]["http_status"], 404)
        self.assertEqual(feeds[self.broken["missing"]]["consecutive_failures"], 3)
        html = feeds[self.feeds["node-feedparser/notafeed.html"]]
        self.assertFalse(html["ok"])
        self.assertIn("not a feed", html["last_error"])
        good = feeds[self.feeds["node-feedparser/rss2sample.xml"]]
        self.assertTrue(good["ok"])
        self.assertEqual(good["http_status"], 304)
        self.assertEqual(good["items_last_poll"], 4)
        self.assertEqual(good["items_produced"], 4)
        self.assertNotEqual(good["last_success"], "never")
        changing = feeds[self.changing]
        self.assertEqual((changing["new_items_last_poll"], changing["items_produced"]), (3, 5))
        table = run([ARGS.headwire, "feed", "status", "--state", self.state]).stdout
        self.assertIn(f"ERROR {self.broken['huge']}", table)
        self.assertIn(f"ok    {self.changing}", table)

    def test_status_of_a_state_without_a_poll_says_so_and_other_states_are_named(self):
        state = os.path.join(self.work, "never-polled")
        unreachable = run([ARGS.headwire, "feed", "-b", "127.0.0.1:1", "--config", self.config,
                           "--state", state, "--once", "--connect-timeout-s", "1"],
                          expect_codes=(1,), timeout=60)
        self.assertIn("cannot reach", unreachable.stderr.lower() + unreachable.stdout.lower())
        result = run([ARGS.headwire, "feed", "status", "--state", state])
        self.assertIn("no feed polled yet", result.stdout)
        self.assertEqual(json.loads(run([ARGS.headwire, "feed", "status", "--state", state,
                                         "--json"]).stdout), {"feeds": []})
        query = run([ARGS.headwire, "query", "--state", self.state, "latest"], expect_codes=(1,))
        self.assertIn("is a feed state, not a sink state", query.stderr)

    def test_once_fails_only_when_no_feed_could_be_read(self):
        config = os.path.join(self.work, "broken.toml")
        with open(config, "w") as f:
            f.write('[defaults]\ntimeout = "2s"\n')
            for url in (self.broken["drop"], self.broken["missing"]):
                f.write(f'[[feed]]\nurl = "{url}"\n')
        result = self.run_once(config, os.path.join(self.work, "broken-state"), codes=(1,))
        self.assertIn("0 of 2 polls read", result.stderr)

    def test_a_1970_placeholder_date_is_out_of_range_and_an_impossible_one_unreadable(self):
        config = os.path.join(self.work, "placeholder.toml")
        with open(config, "w") as f:
            f.write(f'[[feed]]\nurl = "{self.server.url("/placeholder-dates.xml")}"\n')
        result = self.run_once(config, os.path.join(self.work, "placeholder-state"))
        lines = result.stderr.splitlines()
        out_of_range = [l for l in lines if 'msg="item date out of range' in l]
        unreadable = [l for l in lines if 'msg="unreadable item date' in l]
        self.assertEqual(len(out_of_range), 1, result.stderr)
        self.assertIn("date=1970-01-01T00:00:00Z", out_of_range[0])
        self.assertEqual(len(unreadable), 1, result.stderr)
        self.assertIn('date="Tue, 31 Feb 2026 08:15:00 GMT"', unreadable[0])

    def test_json_log_only_and_an_unknown_encoding_is_read_with_a_warning(self):
        # libxml2 used to print "encoding error : input conversion failed ..." to stderr, outside
        # the log format, and to give up on a declared encoding it did not know.
        config = os.path.join(self.work, "encodings.toml")
        with open(config, "w") as f:
            for path in ("/noise.xml", "/noise-1251.xml", "/bogus-encoding.xml"):
                f.write(f'[[feed]]\nurl = "{self.server.url(path)}"\n')
        result = run([ARGS.headwire, "--log-format", "json", "feed", "-b", self.bootstrap,
                      "--config", config, "--state", os.path.join(self.work, "encodings-state"),
                      "--once", "--jitter-seed", "7"], timeout=60)
        logs = []
        for line in result.stderr.splitlines():  # the closing summary included
            try:
                logs.append(json.loads(line))
            except ValueError:
                self.fail(f"stderr line is not JSON: {line!r}\n{result.stderr}")
        self.assertEqual(logs[-1]["msg"], "summary", result.stderr)
        self.assertTrue(logs[-1]["text"].startswith("2 produced,"), result.stderr)
        unknown = [l for l in logs if "unknown encoding" in json.dumps(l)]
        self.assertEqual(len(unknown), 1, result.stderr)
        self.assertIn("x-bogus-9", json.dumps(unknown[0]))

    def test_daemon_serves_metrics_and_after_kill_9_a_restart_sends_nothing_twice(self):
        config = os.path.join(self.work, "daemon.toml")
        state = os.path.join(self.work, "daemon-state")
        feed = self.server.url("/rss/rome/slashdot.xml?daemon")
        with open(config, "w") as f:
            f.write(f'[defaults]\ninterval = "1h"\n[[feed]]\nurl = "{feed}"\n')
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        admin = f"127.0.0.1:{probe.getsockname()[1]}"
        probe.close()
        daemon = subprocess.Popen([ARGS.headwire, "feed", "-b", self.bootstrap, "--config", config,
                                   "--state", state, "--admin", admin], stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 30
            produced = 0
            while time.time() < deadline and produced == 0:
                time.sleep(0.3)
                status = subprocess.run([ARGS.headwire, "feed", "status", "--state", state,
                                         "--json"], capture_output=True, text=True)
                if status.returncode == 0:
                    feeds = json.loads(status.stdout)["feeds"]
                    produced = feeds[0]["items_produced"] if feeds else 0
            self.assertEqual(produced, 10)
            metrics = urllib.request.urlopen(f"http://{admin}/metrics", timeout=10).read().decode()
            on_topic = len(self.by_feed(self.raw_records(), feed))
            self.assertIn('headwire_records_produced_total{daemon="feed",topic="%s"} %d'
                          % (RAW, on_topic), metrics)
            self.assertIn('headwire_feed_polls_total{feed="%s",result="ok"} 1' % feed, metrics)
            self.assertIn('headwire_feed_items_last_poll{feed="%s"} 10' % feed, metrics)
            self.assertIn('headwire_feed_http_status{feed="%s"} 200' % feed, metrics)
            for probe_path in ("/healthz", "/readyz"):
                with urllib.request.urlopen(f"http://{admin}{probe_path}", timeout=10) as answer:
                    self.assertEqual(answer.status, 200)
        finally:
            daemon.send_signal(signal.SIGKILL)
            daemon.wait()
        restarted = self.run_once(config, state)
        self.assertIn("headwire feed: 0 produced", restarted.stderr)
        on_topic = self.by_feed(self.raw_records(), feed)
        self.assertEqual(len(on_topic), 10)
        self.assertEqual(len({raw.id for raw in on_topic}), 10)

    def test_items_resent_after_lost_state_are_same_id_duplicates_for_the_processor(self):
        # A crash between Kafka's acknowledgement and the state write leaves the items on the
        # topic and not in the state: the same as running again with the state removed.
        config = os.path.join(self.work, "resend.toml")
        with open(config, "w") as f:
            for name in ("node-feedparser/saxerror.xml", "rome/atom_1.0.xml"):  # undated, dated
                f.write(f'[[feed]]\nurl = "{self.server.url("/rss/" + name + "?resend")}"\n')
        state = os.path.join(self.work, "resend-state")
        feed = [ARGS.headwire, "feed", "-b", self.bootstrap, "--config", config, "--state", state,
                "--once", "-t", "resend.raw"]
        run(feed)
        shutil.rmtree(state)
        run(feed)
        raw = kafka_check.read_topic(self.bootstrap, "resend.raw")
        self.assertEqual(len(raw), 10)
        run([ARGS.headwire, "process", "-b", self.bootstrap, "-s", os.path.join(self.work, "proc"),
             "-g", "resend", "--raw-topic", "resend.raw", "--processed-topic", "resend.processed",
             "--topic-prefix", "resend.topic.", "--dlq-topic", "resend.dlq", "--exit-at-end",
             # Each raw partition is a dedup domain with its own watermark; undated items (event
             # time: now) may share a domain with the items of January 2000 and move its
             # watermark 26 years past them, which forgets their ids with the default
             # --forget-after-ms. Remember ids for 40 years here.
             "--forget-after-ms", str(40 * 365 * 86400 * 1000)])
        verdicts = {}
        for key, value, _ in kafka_check.read_topic(self.bootstrap, "resend.processed"):
            processed = self.pb.ProcessedArticle()
            processed.ParseFromString(value)
            verdicts.setdefault(key, []).append(processed)
        self.assertEqual(len(verdicts), 5)
        for key, copies in verdicts.items():
            first, second = sorted(copies, key=lambda p: p.duplicate_kind)
            self.assertEqual(first.duplicate_kind, self.pb.DUPLICATE_KIND_UNSPECIFIED)
            self.assertEqual(second.duplicate_of, key)
            if second.article.event_time_estimated:
                # Undated items, re-sent seconds later: the exact dedup's id check.
                self.assertEqual(second.duplicate_kind, self.pb.DUPLICATE_KIND_SAME_ID)
            else:
                # Items of January 2000: the exact index still remembers their ids.
                self.assertEqual(second.duplicate_kind, self.pb.DUPLICATE_KIND_SAME_ID)

    def test_daemon_stops_cleanly_on_sigterm_and_on_sighup(self):
        # SIGHUP: the terminal the daemon was started from closed. Its default action would end
        # the daemon before it persisted what it produced.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with self.subTest(signal=sig.name):
                name = sig.name.lower()
                config = os.path.join(self.work, f"{name}.toml")
                with open(config, "w") as f:
                    url = self.server.url(f"/rss/rome/atom_1.0.xml?{name}")
                    f.write(f'[[feed]]\nurl = "{url}"\n')
                daemon = subprocess.Popen([ARGS.headwire, "feed", "-b", self.bootstrap,
                                           "--config", config,
                                           "--state", os.path.join(self.work, f"{name}-state")],
                                          stderr=subprocess.PIPE, text=True)
                time.sleep(2)
                daemon.send_signal(sig)
                _, stderr = daemon.communicate(timeout=20)
                self.assertEqual(daemon.returncode, 0, stderr)
                self.assertIn("headwire feed: 2 produced", stderr)

    def test_a_bad_feed_list_is_a_usage_error_naming_the_key_and_config_check_finds_it(self):
        config = os.path.join(self.work, "bad.toml")
        with open(config, "w") as f:
            f.write('[[feed]]\nurl = "http://127.0.0.1:1/x"\nintervall = "5m"\n')
        state = os.path.join(self.work, "bad-state")
        result = self.run_once(config, state, codes=(2,))
        self.assertIn("feed[0].intervall: unknown key", result.stderr)
        checked = run([ARGS.headwire, "config", "check", "--", "feed", "-b", self.bootstrap,
                       "--config", config, "--state", state], expect_codes=(2,))
        self.assertIn("feed[0].intervall: unknown key", checked.stderr)
        missing = self.run_once(os.path.join(self.work, "no-such-list.toml"), state, codes=(2,))
        self.assertIn("cannot read the feed list", missing.stderr)


def bind(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind)
