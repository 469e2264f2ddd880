#!/usr/bin/env python3
"""Hostile input end to end: each stage (produce, process, sink, the offline filters, query)
gets a matrix of bad records as separate processes on the embedded broker. For every stage:
the exit code, no crash or hang (every command runs under a timeout), and count in = processed
+ dead-lettered + reported, read back with an independent client (python3-confluent-kafka and
the published .proto)."""

import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from confluent_kafka import Producer

import harness
import kafka_check
from harness import run

ARGS = None
T0 = 1772409600000  # 2026-03-02T00:00:00Z
MIN = 60_000


def line(**fields):
    return json.dumps(fields)


def wait_until(ready, seconds=30):
    """Polls `ready` every 10 ms until it holds or `seconds` pass; the caller acts either way."""
    deadline = time.monotonic() + seconds
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.01)


def proc_state(pid):
    """The state letter of process `pid` (R, S, ...), as /proc/PID/stat gives it."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def unknown_field(size):
    """Protobuf bytes of field 1023 (unknown to RawArticle) holding `size` bytes."""
    return varint(1023 << 3 | 2) + varint(size) + b"z" * size


class HostileInputEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-hostile-e2e-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        cls.broker, cls.bootstrap = harness.start_broker(ARGS.headwire)

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        cls.broker.stdout.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    def write(self, name, text, mode="w"):
        path = os.path.join(self.work, name)
        with open(path, mode) as f:
            f.write(text)
        return path

    def send(self, topic, records):
        """Writes (value, headers) pairs in order to partition 0 of `topic`, as a foreign
        producer would."""
        producer = Producer({"bootstrap.servers": self.bootstrap, "message.max.bytes": 2_000_000})
        for value, headers in records:
            producer.produce(topic, value=value, key=b"k", headers=headers, partition=0)
        self.assertEqual(producer.flush(15), 0)

    def letters(self, topic):
        out = []
        for _, value, _ in kafka_check.read_topic(self.bootstrap, topic):
            letter = self.pb.DeadLetter()
            letter.ParseFromString(value)  # raises on a letter protobuf cannot decode
            out.append(letter)
        return out

    # --- produce --------------------------------------------------------------------------

    def test_produce_dead_letters_every_bad_line_and_delivers_every_good_one(self):
        big_title = "x" * 1_100_000
        lines = [
            line(id="good-1", title="First good line", published_at="2026-03-02T00:00:00Z"),
            line(id="big", title=big_title, published_at="2026-03-02T00:01:00Z"),
            line(id="good-2", title="Second good line", published_at="2026-03-02T00:02:00Z"),
            '{"title":"deep","x":' + "[" * 100_000 + "]" * 100_000 + "}",
            '{"id":"dup","title":"One","title":"Two"}',
            line(id="blank", title="\u00a0\u200b\u3000"),
            line(id="far", title="Dated 2200", published_at="2200-01-01T00:00:00Z"),
            "not json at all",
            line(id="good-3", title="Third \x1b[31mgood\x07 line\r", published_at=T0 + 3 * MIN),
        ]
        text = "\n".join(lines) + "\n"
        path = self.write("produce.jsonl", text.encode("utf-8") + b'{"title":"caf\xc3"}\n', "wb")
        result = run([ARGS.headwire, "produce", "--bootstrap", self.bootstrap,
                      "--topic", "p.raw", "--dlq-topic", "p.dlq", path],
                     expect_codes=(2,), timeout=60)
        raw = kafka_check.read_topic(self.bootstrap, "p.raw")
        letters = self.letters("p.dlq")
        self.assertEqual(sorted(k for k, _, _ in raw), ["good-1", "good-2", "good-3"])
        # count in = delivered + dead-lettered, and each bad line reported once on stderr
        self.assertEqual(len(raw) + len(letters), len(lines) + 1)
        self.assertIn("3 produced, 7 invalid, 10 lines", result.stderr)
        reasons = {l.source.offset: l.message.split(":")[0] for l in letters}
        self.assertEqual(reasons, {2: "too_large", 4: "too_deep", 5: "duplicate_key",
                                   6: "missing_field", 7: "bad_event_time", 8: "not_json",
                                   10: "invalid_utf8"})
        big = next(l for l in letters if l.source.offset == 2)
        self.assertEqual(big.original_size, len(lines[1].encode()))
        self.assertLess(len(big.original_value), big.original_size)
        self.assertTrue(lines[1].encode().startswith(big.original_value))
        self.assertTrue(big.original_digest.startswith("xxh3-128:"))
        small = next(l for l in letters if l.source.offset == 5)
        self.assertEqual(small.original_value, lines[4].encode())

    def test_dlq_list_in_json_reads_letters_whose_bytes_are_not_utf8(self):
        # A surrogate (CESU-8), an overlong form and a code point past U+10FFFF: each passes a
        # check of lead and continuation bits, none is UTF-8.
        bad = [b'{"title":"cesu \xed\xa0\x80"}', b'{"title":"overlong \xe0\x80\x80"}',
               b'{"title":"past max \xf4\x90\x80\x80"}']
        path = self.write("bad-utf8.jsonl", b"\n".join(bad) + b"\n", "wb")
        run([ARGS.headwire, "produce", "--bootstrap", self.bootstrap, "--topic", "u.raw",
             "--dlq-topic", "u.dlq", path], expect_codes=(2,), timeout=60)
        listed = run([ARGS.headwire, "dlq", "list", "--bootstrap", self.bootstrap,
                      "--dlq-topic", "u.dlq", "--json"], timeout=60)
        letters = [json.loads(l) for l in listed.stdout.splitlines()]
        self.assertEqual([l["reason"] for l in letters], ["invalid_utf8"] * 3)
        # Every byte that is not UTF-8 shows escaped, never raw.
        excerpts = "".join(sorted(l["excerpt"] for l in letters))
        for escaped in ("\\xed\\xa0\\x80", "\\xe0\\x80\\x80", "\\xf4\\x90\\x80\\x80"):
            self.assertIn(escaped, excerpts)

    # --- process --------------------------------------------------------------------------

    def test_processor_dead_letters_hostile_raw_records_and_keeps_running(self):
        pb = self.pb

        def raw(id, title, t, **extra):
            article = pb.RawArticle(id=id, title=title, published_at_ms=t, language="en", **extra)
            return article.SerializeToString()

        raw_headers = [("headwire-type", b"headwire.v1.RawArticle"),
                       ("headwire-schema-version", b"1")]
        # A raw article near the processor's message.max.bytes (lowered to 600,000 below): within
        # every field limit, but an unknown field makes its processed record larger than that.
        near_mb = raw("near-mb", "Near the limit", T0 + 2 * MIN) + unknown_field(599_700)
        records = [
            (raw("ok-1", "Council approves new tram line", T0), raw_headers),
            (b"\xff\xfe garbage", raw_headers),
            (b"", raw_headers),
            (None, raw_headers),
            (raw("v2", "Schema two", T0), [("headwire-type", b"headwire.v1.RawArticle"),
                                           ("headwire-schema-version", b"2")]),
            (raw("badtype", "Bad type header", T0), [("headwire-type", b"\xff\xfe\xfd")]),
            (raw("body", "Body too large", T0, body="b" * 300_000), raw_headers),
            (near_mb, raw_headers),
            (raw("blank", "\u3164\u2800", T0), raw_headers),
            (raw("ok-2", "Storm closes mountain pass for a week", T0 + 5 * MIN), raw_headers),
            # near-mb again, small enough: no reader saw the first, so this one is unique.
            (raw("near-mb", "Near the limit", T0 + 6 * MIN), raw_headers),
            # Text fields that are not UTF-8 (field 2, the title, set again; field 3, the body),
            # which protobuf refuses to decode; the second without headers, as kcat sends it.
            (raw("utf8-title", "Replaced", T0) + b"\x12\x02\xff\xfe", raw_headers),
            (raw("utf8-body", "Body is not UTF-8", T0) + b"\x1a\x02\xc3\x28", None),
        ]
        self.send("q.raw", records)
        result = run([ARGS.headwire, "process", "--bootstrap", self.bootstrap, "--group",
                      "q-proc", "-X", "message.max.bytes=600000",
                      "--raw-topic", "q.raw", "--processed-topic", "q.processed", "--topic-prefix",
                      "q.topic.", "--dlq-topic", "q.dlq", "--state",
                      os.path.join(self.work, "q-proc"), "--exit-at-end"], timeout=60)
        # protobuf's own complaint about the bytes that are not UTF-8 goes through the log too.
        for line in result.stderr.splitlines():
            self.assertTrue(line.startswith(("ts=", "headwire process: ")), line)
        processed = kafka_check.read_topic(self.bootstrap, "q.processed")
        letters = self.letters("q.dlq")
        self.assertEqual(sorted(k for k, _, _ in processed), ["near-mb", "ok-1", "ok-2"])
        self.assertEqual(len(processed) + len(letters), len(records))
        by_offset = {l.source.offset: pb.DeadLetterReason.Name(l.reason) for l in letters}
        self.assertEqual(by_offset, {
            1: "DEAD_LETTER_REASON_UNDECODABLE", 2: "DEAD_LETTER_REASON_MISSING_FIELD",
            3: "DEAD_LETTER_REASON_MISSING_FIELD", 4: "DEAD_LETTER_REASON_UNKNOWN_SCHEMA",
            5: "DEAD_LETTER_REASON_UNKNOWN_SCHEMA", 6: "DEAD_LETTER_REASON_TOO_LARGE",
            7: "DEAD_LETTER_REASON_TOO_LARGE", 8: "DEAD_LETTER_REASON_MISSING_FIELD",
            11: "DEAD_LETTER_REASON_INVALID_UTF8", 12: "DEAD_LETTER_REASON_INVALID_UTF8"})
        messages = {l.source.offset: l.message for l in letters}
        self.assertEqual(messages[1], "value is not a headwire.v1.RawArticle (10 bytes)")
        self.assertEqual(messages[11], "field title is not valid UTF-8")
        self.assertEqual(messages[12], "field body is not valid UTF-8")
        # dlq list shows a raw article's title, escaped, and the bytes of anything else.
        listed = run([ARGS.headwire, "dlq", "list", "--bootstrap", self.bootstrap,
                      "--dlq-topic", "q.dlq", "--json"], timeout=60)
        excerpts = {l["origin"]["offset"]: l["excerpt"]
                    for l in map(json.loads, listed.stdout.splitlines())}
        self.assertEqual(excerpts[1], "\\xff\\xfe garbage")
        self.assertEqual(excerpts[6], "RawArticle title: Body too large")
        self.assertTrue(excerpts[8].startswith("\\n\\x05blank"), excerpts[8])
        self.assertEqual(excerpts[11], "RawArticle title: \\xff\\xfe")
        self.assertEqual(excerpts[12], "RawArticle title: Body is not UTF-8")
        near = next(l for l in letters if l.source.offset == 7)
        self.assertEqual(near.original_size, len(near_mb))
        self.assertTrue(near_mb.startswith(near.original_value))
        again = pb.ProcessedArticle()
        again.ParseFromString(next(v for k, v, _ in processed if k == "near-mb"))
        self.assertEqual(again.duplicate_kind, pb.DUPLICATE_KIND_UNSPECIFIED)
        self.assertEqual(again.duplicate_of, "")

    # --- feed -----------------------------------------------------------------------------

    def test_feed_dead_letters_an_enormous_document_that_fits_the_broker(self):
        """A 3 MB page that is not a feed, with the broker's limit lowered to 100,000 bytes: its
        dead letter fits, and keeps the whole body's size and digest."""
        body = b"<!DOCTYPE html><html><body>" + b"<p>not a feed</p>" * 180_000 + b"</body></html>"

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
            config = self.write("feeds.toml", f'[[feed]]\nurl = "{url}"\n')
            result = run([ARGS.headwire, "feed", "-b", self.bootstrap, "-X",
                          "message.max.bytes=100000", "--config", config, "--state",
                          os.path.join(self.work, "feed-state"), "--once", "--topic", "f.raw",
                          "--dlq-topic", "f.dlq"], expect_codes=(1,), timeout=60)
        finally:
            server.shutdown()
            server.server_close()
        self.assertIn("0 of 1 polls read", result.stderr)
        self.assertNotIn("error:", result.stderr)
        records = kafka_check.read_topic(self.bootstrap, "f.dlq")
        self.assertEqual(len(records), 1)
        key, value, _ = records[0]
        self.assertLessEqual(len(key) + len(value), 100_000)
        letter = self.pb.DeadLetter()
        letter.ParseFromString(value)
        self.assertEqual(letter.stage, "feed")
        self.assertEqual(letter.source.topic, url)
        self.assertEqual(letter.original_size, len(body))
        self.assertLess(len(letter.original_value), len(body))
        self.assertTrue(body.startswith(letter.original_value))
        self.assertTrue(letter.original_digest.startswith("xxh3-128:"))

    # --- sink -----------------------------------------------------------------------------

    def test_sink_records_rejects_and_ignores_redeliveries_without_exiting(self):
        pb = self.pb

        def processed(id, t, title=None):
            article = pb.ProcessedArticle(story_id=id)
            article.article.id = id
            article.article.title = title or f"Headline {id}"
            article.article.published_at_ms = t
            return article.SerializeToString()

        headers = [("headwire-type", b"headwire.v1.ProcessedArticle"),
                   ("headwire-schema-version", b"1")]
        late = processed("late", T0 - 5 * 3600_000)
        records = [
            (processed("a", T0, "Alpha \x1b[2J\x07 title\r"), headers),
            (b"", headers),
            (None, headers),
            (processed("", T0), headers),
            (processed("v2", T0), [("headwire-schema-version", b"2")]),
            (b"\xff\xff\xff\xff", headers),
            (processed("y2099", 4_070_908_800_000), headers),
            (processed("max", 2**63 - 1), headers),
            (processed("b", T0 + MIN), headers),
            (late, headers),
            (late, headers),               # redelivered
            (processed("a", T0), headers),  # redelivered
        ]
        self.send("s.processed", records)
        state = os.path.join(self.work, "s-sink")
        run([ARGS.headwire, "sink", "--bootstrap", self.bootstrap, "--group", "s-sink",
             "--processed-topic", "s.processed", "--state", state, "--exit-at-end"], timeout=60)
        counts = json.loads(run([ARGS.headwire, "query", "--state", state, "counts", "--json",
                                 "--window", "day"]).stdout)
        totals = counts["totals"]
        self.assertEqual((totals["articles"], totals["rejects"], totals["late"]), (2, 7, 1))
        redelivered = 2
        self.assertEqual(totals["articles"] + totals["rejects"] + totals["late"] + redelivered,
                         len(records))
        # The newest sound event time (b, 00:01) less the default 10 minutes of out-of-order.
        self.assertEqual(counts["watermark"], "2026-03-01T23:51:00Z")
        run([ARGS.headwire, "digest", "--state", state])
        # Titles reach the terminal with their control characters escaped.
        table = run([ARGS.headwire, "query", "--state", state, "latest"]).stdout
        self.assertIn("Alpha \\x1B[2J\\x07 title\\x0D", table)
        for control in ("\x1b", "\x07", "\r"):
            self.assertNotIn(control, table)

    def test_a_sink_that_ends_within_the_interval_still_counts_the_rejects_it_did_not_log(self):
        # Within 10 s the sink logs 5 rejects in full and promises one line for the rest; with -e
        # it ends long before the interval does. However the rejects fall into intervals, every
        # one is either logged or counted in a summary line.
        headers = [("headwire-type", b"headwire.v1.ProcessedArticle"),
                   ("headwire-schema-version", b"1")]
        junk = 8
        self.send("j.processed", [(b"\xff\xff\xff\xff", headers)] * junk)
        result = run([ARGS.headwire, "sink", "--bootstrap", self.bootstrap, "--group", "j-sink",
                      "--processed-topic", "j.processed", "--state",
                      os.path.join(self.work, "j-sink"), "--exit-at-end"],
                     env=dict(os.environ, HEADWIRE_LOG_FORMAT="logfmt"), timeout=60)
        logged = result.stderr.count('msg="rejected record"')
        summarised = sum(int(n) for n in re.findall(
            r'msg="more rejected records, not logged one by one" count=(\d+)', result.stderr))
        self.assertEqual(logged + summarised, junk, result.stderr)

    def test_sink_topics_the_taxonomy_lacks_stop_the_sink_naming_its_topics(self):
        pb = self.pb
        headers = [("headwire-type", b"headwire.v1.ProcessedArticle"),
                   ("headwire-schema-version", b"1")]
        records = []
        for i, topics in enumerate((["space"], ["ai"], [])):
            article = pb.ProcessedArticle(story_id=f"t{i}")
            article.article.id = f"t{i}"
            article.article.title = f"Headline t{i}"
            article.article.published_at_ms = T0 + i * MIN
            article.topics.extend(topics)
            for topic in ("ai", "space"):
                article.scores.add(topic=topic, score=0.9 if topic in topics else 0.1)
            records.append((article.SerializeToString(), headers))
        self.send("t.processed", records)
        sink = [ARGS.headwire, "sink", "--bootstrap", self.bootstrap, "--processed-topic",
                "t.processed", "--exit-at-end"]
        message = ("--topics: spcae is not a topic of the taxonomy the input was classified "
                   "with (its topics: ai, space)")
        # A fresh state learns the taxonomy from the first record.
        fresh = run([*sink, "--group", "t-fresh", "--state", os.path.join(self.work, "t-fresh"),
                     "--topics", "spcae"], expect_codes=(1,), timeout=60)
        self.assertIn(message, fresh.stderr)
        state = os.path.join(self.work, "t-sink")
        kept = run([*sink, "--group", "t-sink", "--state", state, "--topics", "space"],
                   timeout=60)
        self.assertIn("2 of other topics", kept.stderr)
        # A state that knows its taxonomy refuses at once.
        known = run([*sink, "--group", "t-sink", "--state", state, "--topics", "space,spcae"],
                    expect_codes=(1,), timeout=60)
        self.assertIn(message, known.stderr)
        # An empty name would keep no article at all: refused before the sink starts.
        empty = run([*sink, "--group", "t-sink", "--state", state, "--topics", ""],
                    expect_codes=(2,), timeout=60)
        self.assertIn("a topic name is empty", empty.stderr)

    # --- brokers that cannot be used ------------------------------------------------------

    def test_stages_give_up_on_unusable_brokers_with_a_clear_error(self):
        """A closed port, and TLS or SASL against the plaintext broker: every stage, and every
        tool that reads a topic (dlq list, dlq redrive, replay from or into a topic), exits 1
        after --connect-timeout-s and names the bootstrap servers, rather than waiting forever or
        for a fixed time."""
        path = self.write("one.jsonl", line(id="one", title="One line") + "\n")
        settings = {
            "closed port": ["--bootstrap", "127.0.0.1:1"],
            "tls": ["--bootstrap", self.bootstrap, "-X", "security.protocol=ssl"],
            "sasl": ["--bootstrap", self.bootstrap, "-X", "security.protocol=sasl_plaintext",
                     "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=u",
                     "-X", "sasl.password=p"],
        }
        for name, kafka in settings.items():
            state = tempfile.mkdtemp(prefix="state-", dir=self.work)
            commands = {
                "produce": ["produce", *kafka, "--topic", "u.raw", path],
                "process": ["process", *kafka, "--raw-topic", "u.raw", "--state",
                            os.path.join(state, "p"), "--exit-at-end"],
                "sink": ["sink", *kafka, "--processed-topic", "u.processed", "--state",
                         os.path.join(state, "s"), "--exit-at-end"],
                "dlq list": ["dlq", "list", *kafka, "--dlq-topic", "u.dlq"],
                "dlq redrive": ["dlq", "redrive", *kafka, "--dlq-topic", "u.dlq"],
                "replay": ["replay", *kafka, "--topic", "u.raw", "--target-topic", "u.replayed"],
            }
            if name == "closed port":
                # The replay's target, not its source, is what cannot be reached.
                commands["replay into a topic"] = ["replay", *kafka, "--file", path]
            for stage, args in commands.items():
                with self.subTest(broker=name, stage=stage):
                    result = run([ARGS.headwire, *args, "--connect-timeout-s", "1"],
                                 expect_codes=(1,), timeout=60)
                    last = result.stderr.strip().splitlines()[-1]
                    command = "replay" if stage.startswith("replay") else stage
                    self.assertTrue(last.startswith(f"headwire {command}: error: UNAVAILABLE"),
                                    last)
                    self.assertIn("cannot reach bootstrap servers " + kafka[1], last)

    # --- offline filters ------------------------------------------------------------------

    def test_offline_commands_fail_when_their_output_cannot_be_written(self):
        path = self.write("one.jsonl", line(title="Rocket launch delayed") + "\n")
        with open("/dev/full", "w") as full:
            result = subprocess.run([ARGS.headwire, "classify", path], stdout=full,
                                    stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("writing the output failed", result.stderr)

    def topic_names(self):
        """Every topic of the broker, asked without naming one (which would create it)."""
        from confluent_kafka.admin import AdminClient
        return set(AdminClient({"bootstrap.servers": self.bootstrap}).list_topics(
            timeout=10).topics)

    def test_dlq_tools_report_a_missing_topic_without_creating_it(self):
        self.assertNotIn("no-such-dlq", self.topic_names())
        for tool in (["list"], ["list", "--json"], ["redrive"]):
            with self.subTest(tool=tool):
                result = run([ARGS.headwire, "dlq", tool[0], "--bootstrap", self.bootstrap,
                              "--dlq-topic", "no-such-dlq", *tool[1:]], expect_codes=(1,),
                             timeout=60)
                self.assertIn("NOT_FOUND: topic no-such-dlq does not exist", result.stderr)
                self.assertNotIn("no-such-dlq", self.topic_names())

    def test_daemons_run_to_the_end_give_up_on_a_missing_input_topic(self):
        state = os.path.join(self.work, "missing-input")
        cases = {
            "sink": ["sink", "--processed-topic", "no-such-processed", "-s", state + "-sink"],
            "process": ["process", "--raw-topic", "no-such-raw", "--processed-topic",
                        "mi.processed", "--topic-prefix", "mi.topic.", "--dlq-topic", "mi.dlq",
                        "-s", state + "-process"],
            "archive": ["archive", "-t", "no-such-archived", "--dir", state + "-archive"],
        }
        for stage, args in cases.items():
            missing = args[args.index("--processed-topic" if stage == "sink" else
                                      "--raw-topic" if stage == "process" else "-t") + 1]
            with self.subTest(stage=stage):
                # Without the bound it waited for the topic for ever: the harness's timeout.
                result = run([ARGS.headwire, *args, "-b", self.bootstrap, "-e",
                              "--connect-timeout-s", "2"], expect_codes=(1,), timeout=60)
                self.assertIn(f"NOT_FOUND: input topic {missing} does not exist", result.stderr)
                self.assertIn("--connect-timeout-s 2", result.stderr)
                self.assertNotIn(missing, self.topic_names())

    def test_archive_tools_say_there_is_no_archive_where_none_is(self):
        empty = os.path.join(self.work, "no-archive-empty")
        os.makedirs(empty, exist_ok=True)
        # What a sink's state directory holds: RocksDB's files, no segment.
        not_archive = os.path.join(self.work, "no-archive-state")
        os.makedirs(os.path.join(not_archive, "sub"), exist_ok=True)
        for name in ("CURRENT", "MANIFEST-000005", "000009.sst", "sub/LOG"):
            with open(os.path.join(not_archive, name), "w") as f:
                f.write("x\n")
        for directory in (empty, not_archive):
            for tool in (["verify"], ["ls"], ["ls", "--json"]):
                with self.subTest(directory=directory, tool=tool):
                    result = run([ARGS.headwire, "archive", tool[0], directory, *tool[1:]],
                                 expect_codes=(1,))
                    self.assertIn(f"NOT_FOUND: no archive at {directory}", result.stderr)
                    self.assertNotIn("ok", result.stdout)

    def test_state_readers_report_a_directory_without_current_as_damaged(self):
        # What is left of a sink's state whose CURRENT was lost: RocksDB's files, no CURRENT.
        state = os.path.join(self.work, "headless-state")
        os.makedirs(state, exist_ok=True)
        for name in ("MANIFEST-000005", "000009.sst", "LOG", "OPTIONS-000007"):
            with open(os.path.join(state, name), "w") as f:
                f.write("x\n")
        for tool in (["query", "-s", state, "latest"], ["digest", "-s", state]):
            with self.subTest(tool=tool[0]):
                result = run([ARGS.headwire, *tool], expect_codes=(1,))
                self.assertIn(f"CORRUPTION: state directory {state} holds files but no CURRENT",
                              result.stderr)
                self.assertNotIn("NOT_FOUND", result.stderr)

    def test_archive_ls_shows_an_open_segment_holding_only_a_torn_block_as_empty(self):
        topic = "torn.archived"
        self.send(topic, [(b"one", None), (b"two", None)])
        archive = os.path.join(self.work, "torn-archive")
        run([ARGS.headwire, "archive", "-b", self.bootstrap, "-t", topic, "--dir", archive, "-e",
             "--connect-timeout-s", "10"], timeout=60)
        partition_dir = os.path.join(archive, topic, "0")
        segments = sorted(n for n in os.listdir(partition_dir) if n.endswith(".hwseg"))
        self.assertEqual(len(segments), 1, os.listdir(partition_dir))
        segment = os.path.join(partition_dir, segments[0])
        # As a crash leaves the segment being written: no index (open), and its one block cut
        # short. The segment header is "HWSEG001", u32 partition, u32 topic length, the topic,
        # u64 checksum (common/archive_segment.h).
        index = segment[:-len(".hwseg")] + ".hwidx"
        if os.path.exists(index):
            os.remove(index)
        header = 8 + 4 + 4 + len(topic) + 8
        self.assertGreater(os.path.getsize(segment), header + 10)
        os.truncate(segment, header + 10)
        listing = json.loads(run([ARGS.headwire, "archive", "ls", archive, "--json"]).stdout)
        self.assertEqual([(s["sealed"], s["records"], s["first_offset"], s["min_event_time"])
                          for s in listing["segments"]], [(False, 0, None, None)])
        table = run([ARGS.headwire, "archive", "ls", archive]).stdout
        row = next(l for l in table.splitlines() if l.startswith(topic))
        self.assertEqual(row.split()[:3], [topic, "0", "(none)"], table)
        self.assertNotIn("-1", row)

    def test_archive_ls_json_names_the_records_lost_before_they_were_archived(self):
        topic = "lost.archived"
        self.send(topic, [(b"one", None), (b"two", None), (b"three", None)])
        archive = os.path.join(self.work, "lost-archive")
        run([ARGS.headwire, "archive", "-b", self.bootstrap, "-t", topic, "--dir", archive, "-e",
             "--connect-timeout-s", "10"], timeout=60)
        # The archiver notes a loss in this file (common/archive_gaps.h) when it resumes past
        # records the topic deleted; written here as it would have been for offsets 3..6.
        with open(os.path.join(archive, topic, "0", "gaps.json"), "w") as f:
            json.dump({"topic": topic, "partition": 0,
                       "gaps": [{"first_offset": 3, "last_offset": 6, "records": 4}]}, f)
        listing = json.loads(run([ARGS.headwire, "archive", "ls", archive, "--json"]).stdout)
        self.assertEqual(listing["records"], 3)
        self.assertEqual(listing["lost"], [{"topic": topic, "partition": 0, "first_offset": 3,
                                            "last_offset": 6, "records": 4}])
        self.assertEqual(listing["lost_records"], 4)
        table = run([ARGS.headwire, "archive", "ls", archive]).stdout
        self.assertIn("3 records; 4 records lost", table)

    def test_a_command_that_is_not_a_daemon_ends_at_sigterm(self):
        # A daemon finishes its batch on SIGTERM; a filter waiting for input has no batch to
        # finish and must not go on waiting.
        proc = subprocess.Popen([ARGS.headwire, "classify", "-"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            proc.stdin.write(line(title="Rocket launch delayed") + "\n")
            proc.stdin.flush()
            # Its output is buffered: wait until it sleeps, reading for the next line.
            wait_until(lambda: proc_state(proc.pid) == "S")
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=60), -signal.SIGTERM)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()

    def test_demo_reading_an_endless_input_ends_at_sigterm(self):
        # Its daemons finish their batch on SIGTERM, but reading the input there is none: the
        # signal was swallowed and a FIFO or /dev/zero as --input kept it running for good.
        fifo = os.path.join(self.work, "demo-input")
        os.mkfifo(fifo)
        writer = os.open(fifo, os.O_RDWR)  # holds the FIFO open so that reading blocks
        proc = subprocess.Popen([ARGS.headwire, "demo", "--input", fifo, "-s",
                                 os.path.join(self.work, "demo-state")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            os.write(writer, (line(title="Rocket launch delayed") + "\n").encode())
            wait_until(lambda: any(os.path.realpath(f"/proc/{proc.pid}/fd/{fd}") == fifo
                                   for fd in os.listdir(f"/proc/{proc.pid}/fd")))
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=60), -signal.SIGTERM)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
            os.close(writer)

    def test_values_no_option_can_mean_are_usage_errors(self):
        for args in (["dedup", "--story-threshold", "nan"], ["dedup", "--story-agreement", "inf"],
                     ["dedup", "--retention-ms", "9223372036854775807"],
                     ["dedup", "--story-quiet-ms", "-1"],
                     ["process", "--workers", "1000000", "-b", "127.0.0.1:1", "-s",
                      os.path.join(self.work, "never")]):
            with self.subTest(args=args):
                result = run([ARGS.headwire, *args], input="", expect_codes=(2,), timeout=60)
                self.assertIn(args[1], result.stderr)
        # An address that cannot be listened on is refused before the sink opens its state.
        state = os.path.join(self.work, "never-made")
        result = run([ARGS.headwire, "sink", "-b", "127.0.0.1:1", "-s", state, "--http", "abc"],
                     expect_codes=(2,), timeout=60)
        self.assertIn("--http", result.stderr)
        self.assertFalse(os.path.exists(state))
        # A token file that never ends (a short timeout bounds what a regression can take): a
        # configuration that cannot be used.
        result = run([ARGS.headwire, "sink", "-b", "127.0.0.1:1", "-s", state, "--http",
                      "127.0.0.1:0", "--http-token-file", "/dev/zero"],
                     expect_codes=(2,), timeout=20)
        self.assertIn("--http-token-file /dev/zero: the first line is longer than 4096 bytes",
                      result.stderr)
        self.assertFalse(os.path.exists(state))
        path = self.write("dated.jsonl", line(title="T", published_at=T0) + "\n")
        result = run([ARGS.headwire, "replay", "--file", path, "--into",
                      os.path.join(self.work, "empty-range"), "--from-time",
                      "2026-03-03T00:00:00Z", "--to-time", "2026-03-02T00:00:00Z"],
                     expect_codes=(2,), timeout=60)
        self.assertIn("--from-time must be before --to-time", result.stderr)
        empty = self.write("empty-gold.jsonl", "")
        result = run([ARGS.headwire, "eval", "dedup", "--gold", empty], expect_codes=(1,),
                     timeout=60)
        self.assertIn("no valid record to score", result.stderr)
        result = run([ARGS.headwire, "eval", "classify", "--gold", empty], expect_codes=(1,),
                     timeout=60)
        self.assertIn(f"{empty}: no labelled record to score", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_offline_filters_report_deep_nesting_and_go_on(self):
        path = self.write("deep.jsonl", "\n".join([
            line(title="Before the deep line"),
            '{"title":"deep","x":' + "[" * 100_000 + "]" * 100_000 + "}",
            # Within the size an article can take (core::MaxRecordBytes), so refused for depth.
            '{"title":"deep","x":' + "{\"a\":" * 50_000 + "1" + "}" * 50_000 + "}",
            line(title="After the deep line"),
        ]) + "\n")
        for command in ("dedup", "classify"):
            result = run([ARGS.headwire, command, path], expect_codes=(2,), timeout=60)
            out = [json.loads(l) for l in result.stdout.splitlines()]
            self.assertEqual([o["title"] for o in out],
                             ["Before the deep line", "After the deep line"], command)
            self.assertEqual(result.stderr.count("too_deep"), 2, command)


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
