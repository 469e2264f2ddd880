#!/usr/bin/python3
"""End-to-end test of the daemon runtime's operations surface: broker, produce, process and two
sinks as separate processes with --admin. /metrics is scraped while the daemons run and its
counters are checked against what kcat and python3-confluent-kafka read on the topics; /healthz
and /readyz are probed. Then the failure cases of a new user's first hour: daemons and `produce`
pointed at a closed port exit non-zero with a clear message within the bound, a sink's HTTP
/healthz and /v1/status stop saying ok while Kafka is unreachable, a sink with an empty state
reads from the start although its group committed before, and a second sink in the same group
reads every partition. Last, processors of one group on a three-broker cluster: one that caught up
on a partition another instance had read to its end is ready although nothing more arrives, a
standby counts no rebalance, and one whose group session expired while the coordinator was down
is not ready (not a standby) until the group assigns it again."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import zlib

from harness import SHORT_SESSION, broker_command, run, run_tests, start_broker
from kafka_check import load_wire_module, produce_bytes, read_topic, watermarks
from streams import multi_language_stream, write_jsonl

ARGS = None
RAW = "headwire.articles.raw"
PROCESSED = "headwire.articles.processed"
TOPICS = ["space", "ai", "geopolitics", "business"]
METRIC = re.compile(r'^(\w+)(?:\{([^}]*)\})? (\S+)$')


def wait_for(predicate, what, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def get(url):
    """(status, body) of a GET; the body parsed as JSON when it is JSON."""
    try:
        with urllib.request.urlopen(url, timeout=5) as res:
            status, body = res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def scrape(address):
    """Every sample of /metrics as {(name, frozenset of label pairs): value}."""
    status, text = get(f"http://{address}/metrics")
    assert status == 200, status
    samples = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        m = METRIC.match(line)
        assert m, f"unparsable metrics line {line!r}"
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    """A daemon started in the background with --admin on a free loopback port."""

    def __init__(self, work, name, argv):
        self.log_path = os.path.join(work, name + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(argv + ["--admin", "127.0.0.1:0"], stdout=subprocess.DEVNULL,
                                     stderr=self.log, text=True)
        self.admin = wait_for(self._address, f"{name}'s admin endpoint")

    def _address(self):
        with open(self.log_path) as f:
            m = re.search(r'msg="admin endpoint listening" address=(\S+)', f.read())
        return m.group(1) if m else None

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.log.close()
        return code

    def text(self):
        with open(self.log_path) as f:
            return f.read()


class OperationsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-ops-e2e-")
        cls.broker, cls.bootstrap = start_broker(ARGS.headwire)
        sample = os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")
        run([ARGS.headwire, "produce", "-b", cls.bootstrap, sample])
        # A record of an unknown schema version: the processor must dead-letter it.
        produce_bytes(cls.bootstrap, RAW, b"foreign", b"\x08\x01",
                      [("headwire-type", b"headwire.v1.RawArticle"),
                       ("headwire-schema-version", b"9")])

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        shutil.rmtree(cls.work, ignore_errors=True)

    def kcat_count(self, topic):
        out = run(["kcat", "-b", self.bootstrap, "-C", "-t", topic, "-e", "-q", "-f", "%o\n"])
        return len(out.stdout.split())

    def daemon(self, name, *argv):
        return Daemon(self.work, name, [ARGS.headwire, *argv, "-b", self.bootstrap,
                                        *SHORT_SESSION])

    def test_1_metrics_and_probes_match_the_topics(self):
        raw_count = self.kcat_count(RAW)
        process = self.daemon("process", "process", "-s", os.path.join(self.work, "p"))
        try:
            samples = wait_for(lambda: (lambda s: s if value(
                s, "headwire_records_consumed_total", daemon="process", topic=RAW) >= raw_count
                else None)(scrape(process.admin)), "the processor to consume the raw topic")
            self.assertEqual(value(samples, "headwire_records_consumed_total", daemon="process",
                                   topic=RAW), raw_count)
            status, body = wait_for(
                lambda: (lambda r: r if r[0] == 200 else None)(get(f"http://{process.admin}/readyz")),
                "the processor to be ready")
            self.assertEqual(body, {"status": "ok"})
            self.assertEqual(get(f"http://{process.admin}/healthz"), (200, {"status": "ok"}))
            # A second processor in the group gets no partition of the one-partition raw topic:
            # a standby, ready to take over, and it says so.
            standby = self.daemon("standby", "process", "-s", os.path.join(self.work, "p2"))
            try:
                status, body = wait_for(
                    lambda: (lambda r: r if r[0] == 200 else None)(
                        get(f"http://{standby.admin}/readyz")), "the standby to be ready")
                self.assertEqual(body, {"status": "ok",
                                        "reason": "standby: no partitions assigned"})
                self.assertNotIn("headwire_consumer_lag_records",
                                 {n for n, _ in scrape(standby.admin)})
                self.assertEqual(get(f"http://{process.admin}/readyz"), (200, {"status": "ok"}))
            finally:
                self.assertEqual(standby.stop(), 0, standby.text())
            # Outputs are counted when enqueued; the batch is persisted once they are delivered.
            samples = wait_for(lambda: (lambda s: s if value(
                s, "headwire_batch_persist_seconds_count", daemon="process") >= 1 and value(
                s, "headwire_consumer_lag_records", daemon="process", topic=RAW,
                partition="0") == 0 else None)(scrape(process.admin)), "a persisted batch")
        finally:
            self.assertEqual(process.stop(), 0, process.text())

        processed = read_topic(self.bootstrap, PROCESSED)
        self.assertEqual(value(samples, "headwire_records_produced_total", daemon="process",
                               topic=PROCESSED), len(processed))
        self.assertEqual(len(processed), self.kcat_count(PROCESSED))
        for topic in TOPICS:
            name = "headwire.topic." + topic
            self.assertEqual(value(samples, "headwire_records_produced_total", daemon="process",
                                   topic=name), self.kcat_count(name), name)
        duplicates = sum(1 for _, _, h in processed if h.get("headwire-duplicate-of"))
        by_kind = sum(v for (n, _), v in samples.items() if n == "headwire_duplicates_total")
        self.assertEqual(by_kind, duplicates)
        letters = [h for _, _, h in read_topic(self.bootstrap, "headwire.dlq")
                   if h.get("headwire-dlq-reason") == "DEAD_LETTER_REASON_UNKNOWN_SCHEMA"]
        self.assertEqual(value(samples, "headwire_dead_letters_total", daemon="process",
                               reason="DEAD_LETTER_REASON_UNKNOWN_SCHEMA"), len(letters))
        self.assertEqual(len(letters), 1)
        self.assertGreaterEqual(value(samples, "headwire_rebalances_total", daemon="process"), 1)
        self.assertGreater(value(samples, "headwire_state_bytes", daemon="process"), 0)
        self.assertEqual(value(samples, "headwire_record_latency_seconds_count", daemon="process"),
                         raw_count)
        # Resume offsets are words or numbers, never librdkafka's negative constants.
        self.assertRegex(process.text(), r"resume_offset=beginning resume_from=state")

        # Two sinks in the default group, each with its own state: each must read every record
        # (a sink holds the whole state), not a share of the partitions.
        sinks = [self.daemon(f"sink{i}", "sink", "-s", os.path.join(self.work, f"s{i}"))
                 for i in (1, 2)]
        try:
            for sink in sinks:
                samples = wait_for(lambda: (lambda s: s if value(
                    s, "headwire_records_consumed_total", daemon="sink", topic=PROCESSED) >= len(
                    processed) else None)(scrape(sink.admin)), "a sink to consume everything",)
                wait_for(lambda: get(f"http://{sink.admin}/readyz")[0] == 200, "a ready sink")

                # The lag gauges follow the consumer at the daemon's next turn, not at once.
                def lags_of(s):
                    return [v for (n, _), v in s.items() if n == "headwire_consumer_lag_records"]

                samples = wait_for(lambda: (lambda s: s if len(lags_of(s)) == 4 and sum(
                    lags_of(s)) == 0 else None)(scrape(sink.admin)), "the sink's lag to reach 0")
                self.assertEqual(value(samples, "headwire_records_consumed_total", daemon="sink",
                                       topic=PROCESSED), len(processed))
                lags = lags_of(samples)
                self.assertEqual(len(lags), 4)  # every partition of the processed topic
                self.assertEqual(sum(lags), 0)
        finally:
            for sink in sinks:
                self.assertEqual(sink.stop(), 0, sink.text())
        for sink in sinks:
            self.assertIn("resume_offset=beginning resume_from=state", sink.text())
            self.assertNotIn("resume_offset=-", sink.text())

        # A new, empty state in a group that has committed before reads from the start.
        out = run([ARGS.headwire, "sink", "-b", self.bootstrap, "-s",
                   os.path.join(self.work, "s3"), "-e"], timeout=60)
        self.assertIn(f"headwire sink: {len(processed)} consumed", out.stderr)

    def test_2_sink_counts_rejects_and_late_records_and_dead_letters_only_what_it_sends(self):
        pb = load_wire_module(ARGS.repo)
        topic, dlq, t0, minute = "verdicts.processed", "verdicts.dlq", 1772409600000, 60_000

        def processed(article_id, published_at_ms):
            article = pb.ProcessedArticle(story_id=article_id)
            article.article.id = article_id
            article.article.title = f"Headline {article_id}"
            article.article.published_at_ms = published_at_ms
            return article.SerializeToString()

        records = [processed("a", t0), b"\xff\xff\xff\xff", processed("far", t0 + 8 * 86400_000),
                   processed("b", t0 + minute), processed("late", t0 - 5 * 3600_000)]
        for record in records:
            produce_bytes(self.bootstrap, topic, b"k", record,
                          [("headwire-type", b"headwire.v1.ProcessedArticle"),
                           ("headwire-schema-version", b"1")])
        for late, group in (("drop", "verdicts-drop"), ("dlq", "verdicts-dlq")):
            sink = self.daemon(group, "sink", "--processed-topic", topic, "--group", group, "-s",
                               os.path.join(self.work, group), "--late", late, "--dlq-topic", dlq)
            def letters_of(samples):
                return {labels: n for (name, labels), n in samples.items()
                        if name == "headwire_dead_letters_total"}

            def settled(samples):
                # A record is counted as consumed before its verdict is: wait for all of them.
                verdicts = (value(samples, "headwire_records_rejected_total", daemon="sink") +
                            value(samples, "headwire_records_late_total", daemon="sink"))
                return samples if (value(samples, "headwire_records_consumed_total",
                                         daemon="sink", topic=topic) == len(records) and
                                   verdicts == 3 and
                                   sum(letters_of(samples).values()) == (late == "dlq")) else None

            try:
                samples = wait_for(lambda: settled(scrape(sink.admin)),
                                   f"the {late} sink's verdicts")
                # The undecodable record and the one 8 days ahead are kept as rejects, not sent.
                self.assertEqual(value(samples, "headwire_records_rejected_total", daemon="sink"),
                                 2)
                self.assertEqual(value(samples, "headwire_records_late_total", daemon="sink"), 1)
                if late == "drop":
                    self.assertEqual(letters_of(samples), {})
                else:
                    self.assertEqual(letters_of(samples), {frozenset({("daemon", "sink"), (
                        "reason", "DEAD_LETTER_REASON_LATE")}): 1})
            finally:
                self.assertEqual(sink.stop(), 0, sink.text())
        self.assertEqual(len(read_topic(self.bootstrap, dlq)), 1)

    def test_2_closed_port_gives_up_with_a_clear_message(self):
        port = closed_port()
        for command in (["process", "-s", os.path.join(self.work, "dead-p"), "-e"],
                        ["sink", "-s", os.path.join(self.work, "dead-s"), "-e"]):
            start = time.monotonic()
            out = run([ARGS.headwire, *command, "-b", f"127.0.0.1:{port}",
                       "--connect-timeout-s", "3"], expect_codes=(1,), timeout=60)
            self.assertLess(time.monotonic() - start, 30, "gave up within the bound")
            self.assertRegex(out.stderr, r'ts=\S+ level=error stage=\w+ msg="cannot reach '
                             rf'bootstrap servers 127\.0\.0\.1:{port}"')
            # The processor gives up while looking its output topics up, the sink while
            # waiting for its input: both say the same.
            self.assertIn("UNAVAILABLE: giving up after --connect-timeout-s: cannot reach "
                          f"bootstrap servers 127.0.0.1:{port} (-b/--bootstrap)",
                          out.stderr.splitlines()[-1])
            # librdkafka's own lines go through headwire's logger too.
            for line in out.stderr.splitlines()[:-1]:
                self.assertTrue(line.startswith("ts="), line)
            # Each Kafka client says so for itself, naming it (the processor has two).
            reports = [line for line in out.stderr.splitlines()
                       if 'msg="cannot reach bootstrap servers' in line]
            self.assertTrue(reports, out.stderr)
            for line in reports:
                self.assertRegex(line, r" client=(consumer|producer) ")

        out = run([ARGS.headwire, "--log-format", "json", "produce", "-b", f"127.0.0.1:{port}",
                   "--connect-timeout-s", "3",
                   os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")],
                  expect_codes=(1,), timeout=60)
        last = out.stderr.splitlines()[-1]
        self.assertIn(f"cannot reach bootstrap servers 127.0.0.1:{port} (-b/--bootstrap)", last)
        # Every line is a JSON event, the closing error too.
        events = [json.loads(line) for line in out.stderr.splitlines()]
        self.assertTrue(any(e["msg"] == f"cannot reach bootstrap servers 127.0.0.1:{port}"
                            for e in events), out.stderr)
        self.assertEqual((events[-1]["level"], events[-1]["stage"], events[-1]["msg"]),
                         ("error", "produce", "error"))

    def test_2_json_logs_end_with_a_json_summary_whatever_the_level(self):
        out = run([ARGS.headwire, "--log-format", "json", "--log-level", "off", "produce", "-b",
                   self.bootstrap, "-t", "json-summary",
                   os.path.join(ARGS.repo, "data", "sample", "headlines.jsonl")], timeout=60)
        events = [json.loads(line) for line in out.stderr.splitlines()]
        self.assertEqual(len(events), 1, out.stderr)
        self.assertEqual((events[0]["level"], events[0]["stage"], events[0]["msg"]),
                         ("info", "produce", "summary"))
        self.assertEqual(events[0]["text"], "294 produced, 0 invalid, 294 lines")

    def test_2_a_processor_waiting_for_kafka_at_start_is_alive_and_not_ready(self):
        # Before it reads, the processor looks up its processed topic's partitions (they decide
        # every output's partition): while that waits for Kafka, the daemon says so on /readyz
        # and keeps beating for /healthz.
        port = closed_port()
        process = Daemon(self.work, "waiting-process",
                         [ARGS.headwire, "process", "-b", f"127.0.0.1:{port}", "-s",
                          os.path.join(self.work, "waiting-p"), "--connect-timeout-s", "2"])
        try:
            status, body = wait_for(
                lambda: (lambda r: r if "output topic headwire.articles.processed not looked up"
                         in str(r[1]) else None)(
                    get(f"http://{process.admin}/readyz")),
                "/readyz to say the processed topic is not looked up yet", timeout=30)
            self.assertEqual(status, 503)
            self.assertIn(f"127.0.0.1:{port}", body["reason"])
            self.assertEqual(get(f"http://{process.admin}/healthz")[0], 200)
        finally:
            self.assertEqual(process.stop(), 0, process.text())

    def test_3_sink_health_follows_kafka(self):
        port = closed_port()
        sink = Daemon(self.work, "dead-http-sink",
                      [ARGS.headwire, "sink", "-b", f"127.0.0.1:{port}", "-s",
                       os.path.join(self.work, "dead-http"), "--http", "127.0.0.1:0"])
        try:
            http = wait_for(lambda: (lambda m: m.group(1) if m else None)(
                re.search(r'msg="http server listening" address=(\S+)', sink.text())),
                "the HTTP API")
            status, body = wait_for(
                lambda: (lambda r: r if r[0] == 503 else None)(get(f"http://{http}/healthz")),
                "/healthz to report Kafka unreachable", timeout=20)
            self.assertEqual(body["status"], "unavailable")
            self.assertIn(f"127.0.0.1:{port}", body["reason"])
            self.assertEqual(get(f"http://{http}/v1/status")[1]["status"], "unavailable")
            status, body = get(f"http://{sink.admin}/readyz")
            self.assertEqual(status, 503)
            self.assertIn("cannot reach bootstrap servers", body["reason"])
            self.assertEqual(get(f"http://{sink.admin}/healthz")[0], 200)  # alive, loop turns
        finally:
            self.assertEqual(sink.stop(), 0, sink.text())


class FleetTest(unittest.TestCase):
    """Processors of one group on a three-broker cluster whose raw topic has two partitions: what
    their /readyz says when the group moves partitions between them and while the group's
    coordinator is down."""

    LANGUAGES = ["en", "de", "fr", "es", "it", "pt"]

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-fleet-e2e-")
        cls.broker, cls.bootstrap = start_broker(ARGS.headwire, "--brokers", "3",
                                                 "--partitions", "2", control=True)
        records = multi_language_stream(ARGS.repo, cls.LANGUAGES)
        per_language = len(records) // len(cls.LANGUAGES)
        stream = [r for i, r in enumerate(records) if i % per_language < 100]
        path = os.path.join(cls.work, "stream.jsonl")
        write_jsonl(path, stream)
        run([ARGS.headwire, "produce", "-b", cls.bootstrap, path])
        cls.raw_count = len(stream)

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=30)
        shutil.rmtree(cls.work, ignore_errors=True)

    def processor(self, name, group):
        daemon = Daemon(self.work, name, [ARGS.headwire, "process", "-b", self.bootstrap, "-g",
                                          group, "-s", os.path.join(self.work, name),
                                          *SHORT_SESSION])
        self.addCleanup(lambda: daemon.proc.poll() is None and daemon.stop())
        return daemon

    def wait_ready(self, daemon, what):
        return wait_for(lambda: get(f"http://{daemon.admin}/readyz") == (200, {"status": "ok"}),
                        what, timeout=60)

    def test_scaling_out_to_a_caught_up_instance_and_a_standby(self):
        for partition in (0, 1):
            self.assertGreater(watermarks(self.bootstrap, RAW, partition)[1], 0,
                               f"the stream leaves raw partition {partition} empty")
        first = self.processor("first", "scale-out")
        wait_for(lambda: value(scrape(first.admin), "headwire_records_consumed_total",
                               daemon="process", topic=RAW) == self.raw_count,
                 "the first processor to decide every record")
        self.wait_ready(first, "the first processor to be ready")

        # The second instance takes one partition and decides its records again up to where the
        # first one got, which is the partition's end: nothing more arrives, and it is ready.
        second = self.processor("second", "scale-out")
        wait_for(lambda: "msg=\"catching up" in second.text(), "the second processor to catch up")
        self.wait_ready(second, "the second processor to be ready after catching up")
        self.wait_ready(first, "the first processor to be ready with one partition")

        # A third has no partition left: a standby, whose rebalances changed nothing for it.
        third = self.processor("third", "scale-out")
        wait_for(lambda: get(f"http://{third.admin}/readyz") == (
            200, {"status": "ok", "reason": "standby: no partitions assigned"}),
            "the third processor to be a standby", timeout=60)
        self.assertEqual(value(scrape(third.admin), "headwire_rebalances_total",
                               daemon="process"), 0)
        for daemon in (first, second, third):
            self.assertEqual(daemon.stop(), 0, daemon.text())

    def test_a_member_that_lost_its_partitions_is_not_a_standby(self):
        group = "lost-session"
        # The mock cluster makes broker crc32(group) mod N + 1 the group's coordinator
        # (librdkafka's rdkafka_mock.c); down, it answers no heartbeat, so the member's session
        # expires after session.timeout.ms and librdkafka takes its partitions away.
        coordinator = zlib.crc32(group.encode()) % 3 + 1
        member = self.processor("member", group)
        self.wait_ready(member, "the member to be ready")
        self.assertEqual(broker_command(self.broker, f"down {coordinator}"), "ok")
        try:
            wait_for(lambda: "Consumer group session timed out" in member.text(),
                     "the member's session to expire")
            status, body = wait_for(
                lambda: (lambda r: r if r != (200, {"status": "ok"}) else None)(
                    get(f"http://{member.admin}/readyz")),
                "/readyz to follow the lost partitions")
            self.assertEqual((status, body), (503, {
                "status": "unavailable",
                "reason": "no partitions assigned: joining the consumer group"}))
        finally:
            self.assertEqual(broker_command(self.broker, f"up {coordinator}"), "ok")
        self.wait_ready(member, "the member to be ready again once the group assigns it")
        self.assertEqual(member.stop(), 0, member.text())


def bind(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    run_tests(bind)
