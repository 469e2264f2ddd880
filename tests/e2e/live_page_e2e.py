#!/usr/bin/python3
"""End-to-end test of the sink's HTTP API and live page, in headless Chromium.

Starts `headwire broker`, `produce` (the sample stream), `process` and `sink --http` as separate
processes, waits until the sink has applied every record, then checks the /v1 JSON API (schemas,
pagination, errors) against what the processed stream on Kafka says, independently of headwire's
own code. Then it loads the page in Debian's chromium: once with --dump-dom (the rendered DOM
must show, per topic, the API's latest headlines and a chart with data), once with --screenshot
(saved as live_page.png in the test's build directory), and once driven over the DevTools
protocol on a pipe, while new records are produced: the open page must show them without a
reload.

Usage: live_page_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
Environment: HEADWIRE_ARTIFACTS_DIR, where the screenshots go (default: the working directory);
HEADWIRE_CHROMIUM, the browser (default: /usr/bin/chromium).
"""

import base64
import fcntl
import html.parser
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
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402
import kafka_check  # noqa: E402

ARGS = None
TOPICS = ["space", "ai", "geopolitics", "business", "other"]
PAGE_HEADLINES = 6  # the page shows this many latest headlines per topic
CHROMIUM = os.environ.get("HEADWIRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  "--mute-audio"]
# How many updates the open page has made; 0 before it has loaded.
UPDATES = "(document.body && Number(document.body.dataset.updates)) || 0"
# Every headline id on the open page, topic by topic.
HEADLINE_IDS = "[...document.querySelectorAll('li.headline')].map(li => li.dataset.id)"
# Upper bound for waiting on the pipeline; a bound against hanging, not a speed requirement.
WAIT_S = 90

# Records produced while the page is open: later than every sample record, unambiguous topics.
LIVE_RECORDS = [
    {"id": "live-1",
     "title": "NASA confirms Artemis astronauts will launch on the Orion spacecraft",
     "source": "Live Test Wire", "url": "https://live-test.example/artemis-orion",
     "published_at": "2026-03-07T09:00:00Z"},
    {"id": "live-2", "title": "Central bank raises interest rates as inflation lifts bond yields",
     "source": "Live Test Wire", "url": "javascript:alert(document.domain)",
     "published_at": "2026-03-07T09:05:00Z"},
    # A RIGHT-TO-LEFT OVERRIDE reverses what follows it inside its own <bdi>: "gnp.exe" reads
    # "exe.png". Another topic than the records above, so that each is the newest of its topic.
    {"id": "live-3",
     "title": "AI chatbot model flags \u202egnp.exe as malware in a machine learning test",
     "source": "\u2067Live Test Wire\u2069", "url": "https://live-test.example/ai-bidi",
     "published_at": "2026-03-07T09:10:00Z"},
]
# The bidirectional embeddings, overrides and isolates the page leaves out of what it shows.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")




def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, timeout_s=WAIT_S, interval_s=0.25):
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval_s)
    raise AssertionError(f"gave up waiting {timeout_s} s for {what}; last value: {last!r}")


class Page(html.parser.HTMLParser):
    """The parts of the rendered page the test asserts on."""

    def __init__(self, text):
        super().__init__()
        self.html = text
        self.body = {}
        self.stories = {}  # topic -> [(story id, status), ...] in page order
        self.chart = None
        self.series = []
        self.headlines = {}  # topic -> [title, ...] in page order
        self.headline_ids = {}  # topic -> [article id, ...]
        self.count_text = {}
        self._topic = None
        self._in_headline = 0
        self._in_count = False
        self._text = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "svg" and a.get("id") == "chart":
            self.chart = a
        elif tag == "path" and "series" in (a.get("class") or ""):
            self.series.append(a)
        elif tag == "section" and a.get("data-topic"):
            self._topic = a["data-topic"]
            self.headlines[self._topic] = []
            self.headline_ids[self._topic] = []
            self.stories[self._topic] = []
        elif tag == "li" and self._topic and "story" in (a.get("class") or "").split():
            self.stories[self._topic].append((a.get("data-story-id"), a.get("data-status")))
        elif tag == "li" and self._topic and "headline" in (a.get("class") or "").split():
            self._in_headline = 1
            self.headline_ids[self._topic].append(a.get("data-id"))
        elif tag == "a" and self._in_headline == 1:
            self._in_headline = 2
            self._text = []
        elif tag == "span" and self._topic and a.get("class") == "count":
            self._in_count = True
            self._text = []

    def handle_endtag(self, tag):
        if tag == "a" and self._in_headline == 2:
            self.headlines[self._topic].append("".join(self._text))
            self._in_headline = 1
        elif tag == "li" and self._in_headline:
            self._in_headline = 0
        elif tag == "span" and self._in_count:
            self.count_text[self._topic] = "".join(self._text)
            self._in_count = False
        elif tag == "section":
            self._topic = None

    def handle_data(self, data):
        if self._in_headline == 2 or self._in_count:
            self._text.append(data)


class DevTools:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (fd 3 in, fd 4
    out, NUL-separated JSON), so no websocket library is needed."""

    def __init__(self, user_data_dir, window_size):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds():
            # Move both ends above 4 first, so the dup2s cannot clobber one another.
            r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, "--remote-debugging-pipe",
             f"--user-data-dir={user_data_dir}", f"--window-size={window_size}", "about:blank"],
            close_fds=False, preexec_fn=wire_fds, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": page["targetId"], "flatten": True})["sessionId"]

    def call(self, method, params=None, session=None):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_child, 1 << 16)
                if not chunk:
                    raise AssertionError(f"chromium closed the DevTools pipe during {method}")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise AssertionError(f"DevTools {method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                           self.session)
        if "exceptionDetails" in result:
            raise AssertionError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self):
        try:
            self.call("Browser.close")
        except AssertionError:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_child)
        os.close(self._from_child)


class LivePageEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-live-")
        cls.artifacts = os.environ.get("HEADWIRE_ARTIFACTS_DIR", os.getcwd())
        cls.daemons = []
        cls.broker, cls.bootstrap = harness.start_broker(ARGS.headwire)

        # The sample stream without its undated record: that one's event time would be the time
        # of producing, and the newest headlines on the page must not depend on the clock.
        with open(os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")) as f:
            records = [json.loads(line) for line in f if line.strip()]
        cls.sample = [r for r in records if "published_at" in r]
        assert len(records) - len(cls.sample) <= 1, "the sample has more undated records"
        sample = os.path.join(cls.work, "sample.jsonl")
        with open(sample, "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in cls.sample))
        run([ARGS.headwire, "produce", "--bootstrap", cls.bootstrap, sample])

        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        env = dict(os.environ, HEADWIRE_BOOTSTRAP=cls.bootstrap)
        for args in (["process", "--state", os.path.join(cls.work, "process")],
                     ["sink", "--state", os.path.join(cls.work, "sink"),
                      "--http", f"127.0.0.1:{cls.port}"]):
            log = open(os.path.join(cls.work, args[0] + ".log"), "w")
            cls.daemons.append((args[0], subprocess.Popen([ARGS.headwire, *args], env=env,
                                                          stdout=log, stderr=log), log))
        # Caught up: the sink has stored every sample record, as a unique article or a duplicate.
        wait_for(lambda: cls.applied() == len(cls.sample), "the sink to apply the sample")
        cls.verdicts = cls.processed_verdicts()

    @classmethod
    def tearDownClass(cls):
        exits = {}
        for name, process, log in reversed(cls.daemons):
            process.send_signal(signal.SIGTERM)
            try:
                exits[name] = process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                exits[name] = "killed"
            log.close()
        cls.broker.terminate()
        cls.broker.communicate(timeout=30)
        logs = {}
        for name in exits:
            with open(os.path.join(cls.work, name + ".log")) as f:
                logs[name] = f.read()
        shutil.rmtree(cls.work, ignore_errors=True)
        # A clean stop of the daemons (and of the sink's HTTP server) is part of the contract.
        for name, code in exits.items():
            assert code == 0, f"{name} exited {code} on SIGTERM:\n{logs[name][-3000:]}"

    # ---- helpers ----------------------------------------------------------------------------
    @classmethod
    def request(cls, path, method="GET"):
        """(status, headers, parsed JSON or text) of one request; errors are answers too."""
        req = urllib.request.Request(cls.base + path, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        text = body.decode("utf-8")
        if headers.get("Content-Type", "").startswith("application/json"):
            return status, headers, json.loads(text)
        return status, headers, text

    @classmethod
    def get(cls, path):
        status, _, body = cls.request(path)
        assert status == 200, f"GET {path}: {status} {body}"
        return body

    @classmethod
    def applied(cls):
        try:
            store = cls.get("/v1/status")["store"]
        except (urllib.error.URLError, ConnectionError):
            return None  # not listening yet
        return store["articles"] + store["duplicates"]

    @classmethod
    def processed_verdicts(cls):
        """Unique article id -> (topics or ["other"], published_at ms), read from Kafka."""
        pb = kafka_check.load_wire_module(ARGS.repo)
        verdicts = {}
        for _, value, _ in kafka_check.read_topic(cls.bootstrap, "headwire.articles.processed"):
            article = pb.ProcessedArticle()
            article.ParseFromString(value)
            if not article.duplicate_of:
                verdicts[article.article.id] = (list(article.topics) or ["other"],
                                                article.article.published_at_ms,
                                                article.article.title)
        return verdicts

    def ids_of(self, topic):
        return {i for i, (topics, _, _) in self.verdicts.items() if topic in topics}

    def all_pages(self, path, limit):
        items, cursor, pages = [], None, 0
        while True:
            sep = "&" if "?" in path else "?"
            url = f"{path}{sep}limit={limit}"
            if cursor:
                url += "&cursor=" + urllib.parse.quote(cursor)
            body = self.get(url)
            self.assertIn("next_cursor", body)
            self.assertLessEqual(len(body["items"]), limit)
            items += body["items"]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                return items, pages
            self.assertIsInstance(cursor, str)
            self.assertLess(pages, 1000, "pagination does not end")

    def load_dom(self, query=""):
        user_dir = tempfile.mkdtemp(prefix="chromium-", dir=self.work)
        out = run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}",
                   "--virtual-time-budget=15000", "--dump-dom", f"{self.base}/{query}"],
                  timeout=120)
        return Page(out.stdout)

    # ---- the JSON API -----------------------------------------------------------------------
    def test_health_and_status(self):
        status, headers, body = self.request("/healthz")
        self.assertEqual((status, body), (200, {"status": "ok"}))
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(headers["Cache-Control"], "no-store")
        # The process's own counters follow the batch's commit by a moment.
        status_body = wait_for(lambda: (lambda b: b if b["consumed"] >= len(self.sample) else None)(
            self.get("/v1/status")), "the sink's consumed count")
        self.assertEqual(status_body["consumed"], len(self.sample))
        self.assertEqual((status_body["rejected"], status_body["late"]), (0, 0))
        self.assertEqual(status_body["store"]["articles"], len(self.verdicts))
        self.assertEqual(status_body["input_topic"], "headwire.articles.processed")

    def test_latest_pages_cover_each_topic_once_newest_first(self):
        for topic in TOPICS:
            items, pages = self.all_pages(f"/v1/latest?topic={topic}", limit=7)
            ids = [item["id"] for item in items]
            self.assertEqual(len(ids), len(set(ids)), f"{topic}: an article on two pages")
            self.assertEqual(set(ids), self.ids_of(topic), topic)
            self.assertGreater(pages, 1, f"{topic}: the check would not cross a page boundary")
            times = [item["published_at"] for item in items]
            self.assertEqual(times, sorted(times, reverse=True), topic)
            for item in items:
                for field, kind in (("id", str), ("title", str), ("source", str), ("url", str),
                                    ("published_at", str), ("topics", list)):
                    self.assertIsInstance(item[field], kind, f"{topic} {field}")
                self.assertEqual(item["title"], self.verdicts[item["id"]][2])

    def test_counts_match_the_processed_stream(self):
        body = self.get("/v1/counts")
        self.assertEqual(body["totals"]["articles"], len(self.verdicts))
        self.assertEqual(body["totals"]["articles"] + body["totals"]["duplicates"],
                         len(self.sample))
        # Daily windows, every page: per topic they add up to the topic's unique articles.
        items, _ = self.all_pages("/v1/counts?window=day", limit=4)
        per_topic = {}
        for row in items:
            self.assertRegex(row["window_start"], r"^\d{4}-\d\d-\d\dT00:00:00Z$")
            per_topic[row["topic"]] = per_topic.get(row["topic"], 0) + row["articles"]
        for topic in TOPICS:
            self.assertEqual(per_topic[topic], len(self.ids_of(topic)), topic)
        self.assertEqual(per_topic["all"], len(self.verdicts))

    def test_story_pages_hold_every_article_once(self):
        items, pages = self.all_pages("/v1/stories", limit=25)
        self.assertGreater(pages, 1)
        story_ids = [s["story_id"] for s in items]
        self.assertEqual(len(story_ids), len(set(story_ids)), "a story on two pages")
        members = [m for s in items for m in s["members"]]
        self.assertEqual(len(members), len(set(members)), "an article in two stories")
        self.assertLessEqual(set(self.verdicts), set(members))
        for story in items:
            self.assertEqual(story["size"], len(story["members"]))
            self.assertIn(story["status"], {"growing", "steady", "closed"})
        last_seen = [s["last_seen"] for s in items]
        self.assertEqual(last_seen, sorted(last_seen, reverse=True))

    def test_bad_parameters_are_400_with_a_json_error(self):
        for path in ("/v1/latest?limit=0", "/v1/latest?limit=abc", "/v1/latest?limit=100000",
                     "/v1/latest?cursor=not-a-cursor", "/v1/latest?colour=blue",
                     "/v1/latest?topic=ai&topic=space", "/v1/counts?window=fortnight",
                     "/v1/status?verbose=1"):
            status, headers, body = self.request(path)
            self.assertEqual(status, 400, path)
            self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8", path)
            self.assertEqual(set(body), {"error"}, path)
            self.assertEqual(body["error"]["code"], "INVALID_ARGUMENT", path)
            self.assertTrue(body["error"]["message"], path)

    def test_unknown_paths_are_404_and_other_methods_405(self):
        for path in ("/v1/nothing", "/v2/latest", "/v1/latest/extra", "/favicon.ico"):
            status, _, body = self.request(path)
            self.assertEqual(status, 404, path)
            self.assertEqual(body["error"]["code"], "NOT_FOUND", path)
        for method in ("POST", "PUT", "DELETE"):
            status, headers, body = self.request("/v1/latest", method=method)
            self.assertEqual(status, 405, method)
            self.assertEqual(body["error"]["code"], "METHOD_NOT_ALLOWED")
            self.assertEqual(headers["Allow"], "GET, HEAD")

    def test_page_is_self_contained(self):
        status, headers, text = self.request("/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn("connect-src 'self'", headers["Content-Security-Policy"])
        self.assertNotIn("__HEADWIRE_POLL_MS__", text)
        for external in ("http://", "https://", "//cdn", "<link", "src="):
            self.assertNotIn(external, text.replace("http://www.w3.org/2000/svg", ""), external)

    # ---- the page in a browser --------------------------------------------------------------
    def test_page_renders_latest_headlines_per_topic_and_a_chart(self):
        page = self.load_dom("?poll_ms=1000")
        self.assertEqual(page.body.get("data-state"), "ok", page.body)
        self.assertGreaterEqual(int(page.body["data-updates"]), 1)
        for topic in TOPICS:
            expected = [i["title"] for i in
                        self.get(f"/v1/latest?topic={topic}&limit={PAGE_HEADLINES}")["items"]]
            self.assertEqual(len(expected), PAGE_HEADLINES, topic)
            self.assertEqual(page.headlines[topic], expected, topic)
            # The API's newest are the newest the processed stream has for the topic.
            shown_times = [self.verdicts[i][1] for i in page.headline_ids[topic]]
            rest = [self.verdicts[i][1] for i in self.ids_of(topic) - set(page.headline_ids[topic])]
            self.assertGreaterEqual(min(shown_times), max(rest), topic)
            self.assertEqual(page.count_text[topic], f"{len(self.ids_of(topic))} articles", topic)
        self.assertIsNotNone(page.chart)
        self.assertGreater(int(page.chart["data-points"]), len(TOPICS))
        self.assertEqual(int(page.chart["data-series"]), len(TOPICS))
        self.assertEqual(sorted(s["data-topic"] for s in page.series), sorted(TOPICS))
        for s in page.series:
            self.assertRegex(s["d"], r"^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$")

    def test_text_from_the_feeds_is_bidi_isolated_and_titles_are_clamped(self):
        # A U+202E in a title reordered the text after it ("gnp.exe" read "exe.png"), and a
        # 2 KiB title stretched its card over several screens.
        page = self.load_dom("?poll_ms=1000")
        for rule in ("bdi { unicode-bidi: isolate; }", "-webkit-line-clamp: 3"):
            self.assertTrue(rule in page.html, f"the page's CSS has no {rule!r}")
        items = re.findall(r'<li class="headline[^"]*" data-id="[^"]*">(.*?)</li>', page.html,
                           re.S)
        self.assertGreaterEqual(len(items), len(TOPICS) * PAGE_HEADLINES)
        sources = 0
        for item in items:
            title = re.match(r'<span class="title" title="([^"]*)">(?:<a [^>]*>)?<bdi>([^<]*)'
                             r'</bdi>', item)
            self.assertIsNotNone(title, item)
            self.assertEqual(html.unescape(title.group(1)), html.unescape(title.group(2)))
            meta = re.search(r'<span class="meta">[^<]*(?: · <bdi>[^<]*</bdi>)?</span>$', item)
            self.assertIsNotNone(meta, item)
            sources += "<bdi>" in meta.group(0)
        self.assertGreater(sources, 0)
        for terms in re.findall(r'<p class="trending">(.*?)</p>', page.html, re.S):
            if terms != "—":
                self.assertRegex(terms, r"^<bdi>[^<]*</bdi>( · <bdi>[^<]*</bdi>)*$")
        for story in re.findall(r'<li class="story"[^>]*>(.*?)</li>', page.html, re.S):
            self.assertRegex(story, r'^<span class="title" title="[^"]*"><span class="badge '
                                    r'[^"]*">[^<]*</span> <bdi>[^<]*</bdi></span>')

    def test_a_poll_interval_out_of_bounds_falls_back_to_the_sinks(self):
        # A timer past 2^31 ms runs at once in a browser: ?poll_ms=1e10 polled in a tight loop.
        for query in ("?poll_ms=1e10", "?poll_ms=1e400", "?poll_ms=50"):
            with self.subTest(query=query):
                page = self.load_dom(query)
                self.assertIn('<span id="poll-seconds">5</span>', page.html)
                # 15 s of virtual time at the sink's 5 s: the first update and at most three more.
                self.assertLessEqual(int(page.body["data-updates"]), 4, page.body)

    def test_page_says_in_plain_words_what_it_shows(self):
        page = self.load_dom("?poll_ms=1000")

        def words(fragment):
            fragment = re.sub(r"<(script|style)\b.*?</\1>", "", fragment, flags=re.S)
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))

        def part(pattern):
            match = re.search(pattern, page.html, flags=re.S)
            self.assertIsNotNone(match, pattern)
            return words(match.group(0))

        # The chart says what a point is, in words, without jargon.
        chart = part(r'<section class="panel" aria-labelledby="chart-title">.*?</section>')
        self.assertIn("New articles per topic in the 24 hours before each hour", chart)
        self.assertIn("Counted by the time each article was published, duplicates left out",
                      chart)
        header = part(r"<header>.*?</header>")
        for jargon in ("points", "event time", "watermark"):
            self.assertNotIn(jargon, chart)
            self.assertNotIn(jargon, header)
        # The cards add up to more than the header's total, and the page says why.
        total = self.get("/v1/status")["store"]["articles"]
        self.assertIn(f" {total} articles ", header)
        cards = sum(int(page.count_text[t].split()[0]) for t in TOPICS)
        self.assertGreater(cards, total)
        self.assertIn("An article can have several topics", part(r'<p id="topics-note".*?</p>'))
        # Growing stories: the API's growing stories of the topic, and no other.
        for topic in TOPICS:
            growing = self.get(f"/v1/stories?topic={topic}&status=growing&limit=4")["items"]
            self.assertEqual(page.stories[topic], [(s["story_id"], "growing") for s in growing],
                             topic)
            if not growing:
                card = part(rf'<section [^>]*data-topic="{topic}".*?</section>')
                self.assertIn("None: no story grew in the hour up to", card)
        every = self.all_pages("/v1/stories", limit=100)[0]
        self.assertLess(sum(s["status"] == "growing" for s in every), len(every) / 2,
                        "the sample should have mostly other stories, or the check is weak")

    def test_page_screenshot(self):
        path = os.path.join(self.artifacts, "live_page.png")
        if os.path.exists(path):
            os.remove(path)
        user_dir = tempfile.mkdtemp(prefix="chromium-", dir=self.work)
        run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}",
             "--virtual-time-budget=15000", "--window-size=1400,1900", f"--screenshot={path}",
             f"{self.base}/?poll_ms=1000"], timeout=120)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(path), 20_000, "a blank page compresses smaller")
        print(f"\nscreenshot: {path}", file=sys.stderr)

    def save_screenshot(self, browser, name):
        shot = browser.call("Page.captureScreenshot", {"format": "png"}, browser.session)
        path = os.path.join(self.artifacts, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        print(f"\nscreenshot: {path}", file=sys.stderr)

    def test_zz_open_page_shows_new_records_without_reload(self):
        # Runs last (unittest orders by name): it adds articles the other tests do not expect, and
        # ends by stopping the sink.
        browser = DevTools(tempfile.mkdtemp(prefix="chromium-", dir=self.work), "1400,1900")
        try:
            browser.call("Page.navigate", {"url": f"{self.base}/?poll_ms=500"}, browser.session)
            wait_for(lambda: browser.evaluate(UPDATES) >= 1,
                     "the page's first update")
            browser.evaluate("window.loadedOnce = 'marker'")
            before = browser.evaluate(UPDATES)

            path = os.path.join(self.work, "live.jsonl")
            with open(path, "w") as f:
                f.write("".join(json.dumps(r) + "\n" for r in LIVE_RECORDS))
            run([ARGS.headwire, "produce", "--bootstrap", self.bootstrap, path])
            wait_for(lambda: self.applied() == len(self.sample) + len(LIVE_RECORDS),
                     "the sink to apply the new records")
            newest = self.get("/v1/latest?limit=1")["items"][0]
            self.assertEqual(newest["id"], LIVE_RECORDS[-1]["id"])

            for record in LIVE_RECORDS:
                topics = [t for t in TOPICS
                          if record["id"] in {i["id"] for i in
                                              self.get(f"/v1/latest?topic={t}&limit=5")["items"]}]
                self.assertTrue(topics, record["id"])
                for topic in topics:
                    script = (f"[...document.querySelectorAll('section[data-topic=\"{topic}\"] "
                              f"li.headline')].map(li => li.dataset.id)")
                    shown = wait_for(lambda: (lambda ids: ids if ids and ids[0] == record["id"]
                                              else None)(browser.evaluate(script)),
                                     f"{record['id']} at the top of {topic} on the open page")
                    self.assertEqual(shown[0], record["id"])
            # Only web URLs become links; a javascript: URL from the input stays text.
            links = browser.evaluate(
                "Object.fromEntries([...document.querySelectorAll('li.headline')].map(li => "
                "[li.dataset.id, li.querySelector('a') && li.querySelector('a').href]))")
            self.assertEqual(links["live-1"], LIVE_RECORDS[0]["url"])
            self.assertIsNone(links["live-2"])
            api = {i["id"]: i for i in self.get("/v1/latest?limit=5")["items"]}
            self.assertEqual(api["live-2"]["url"], LIVE_RECORDS[1]["url"])
            # The API gives the title as received; the page shows it without bidi controls, in
            # its text and in its tooltip, and the source likewise.
            self.assertEqual(api["live-3"]["title"], LIVE_RECORDS[2]["title"])
            shown_text = browser.evaluate(
                "(() => { const li = document.querySelector('li.headline[data-id=\"live-3\"]');"
                " return [...li.querySelectorAll('bdi')].map(b => b.textContent)"
                ".concat([li.querySelector('span.title').title]); })()")
            self.assertEqual(shown_text, [
                "AI chatbot model flags gnp.exe as malware in a machine learning test",
                "Live Test Wire",
                "AI chatbot model flags gnp.exe as malware in a machine learning test"])
            for text in browser.evaluate("[...document.querySelectorAll('bdi, [title]')]"
                                         ".map(n => n.textContent + n.title)"):
                self.assertIsNone(BIDI_CONTROLS.search(text), text)
            self.assertEqual(browser.evaluate("window.loadedOnce"), "marker", "the page reloaded")
            self.assertGreater(browser.evaluate(UPDATES), before)
            self.assertEqual(browser.evaluate("document.body.dataset.state"), "ok")
            self.save_screenshot(browser, "live_page_after_update.png")

            # The sink goes away: the page says so and keeps what it showed.
            shown = browser.evaluate(HEADLINE_IDS)
            name, sink, _ = self.daemons[-1]
            self.assertEqual(name, "sink")
            sink.send_signal(signal.SIGTERM)
            self.assertEqual(sink.wait(timeout=60), 0)
            wait_for(lambda: browser.evaluate("document.body.dataset.state") == "error",
                     "the page to notice the sink is gone")
            self.assertFalse(browser.evaluate("document.getElementById('error').hidden"))
            self.assertIn("Cannot update", browser.evaluate(
                "document.getElementById('error').textContent"))
            self.assertEqual(browser.evaluate(HEADLINE_IDS), shown)
            self.save_screenshot(browser, "live_page_sink_gone.png")
        finally:
            browser.close()


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
