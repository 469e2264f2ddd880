#!/usr/bin/python3
"""End-to-end fault test: kill -9, broker faults, injected request errors and rebalances while a
stream of 20,664 articles (six languages, each a dedup domain on its own raw partition) flows.

The stream is first run uninterrupted (one broker, `produce`, `process -e`, `sink -e`): the
reference digest and per-topic counts. Then, on a three-broker embedded cluster driven through
its control channel (`headwire broker` standard input), the same stream is produced in six
chunks while two processors and a sink run, and at seeded random points:
  - the processors, the sink and an archiver of the raw topic are killed with SIGKILL and
    restarted with the same --state or --dir (six kills), each recovery timed from the kill
    until the restarted daemon's /readyz is OK;
  - a broker is taken down and brought back; meanwhile each daemon's resident memory grows by
    no more than its configured producer and consumer queues plus a stated allowance;
  - Produce, Fetch and OffsetCommit requests fail with injected Kafka errors;
  - a third processor joins and later leaves the group (rebalances).
At the end the processors and the sink finish with --exit-at-end on their states. The sink's
digest must equal the reference, and each topic stream must hold the same articles (checked with
python3-confluent-kafka and the published .proto); the archive must verify and hold every offset
of every raw partition exactly once.

Usage: faults_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import json
import os
import random
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
import streams  # noqa: E402

ARGS = None
LANGUAGES = ["en", "de", "fr", "es", "it", "pt"]
COPIES = 6
PARTITIONS = "8"
RAW = "headwire.articles.raw"
PROCESSED = "headwire.articles.processed"
DLQ = "headwire.dlq"
SEED = int(os.environ.get("HEADWIRE_FAULT_SEED", "1515"))
# Faster group membership than the defaults, so that a killed member's partitions move on soon.
GROUP = ["-X", "consumer.session.timeout.ms=4000", "-X", "consumer.heartbeat.interval.ms=500"]
# What a daemon may buffer while a broker is down: its producer's queue of unacknowledged output
# (queue.buffering.max.kbytes; a full queue makes the daemon wait) and its consumer's queue of
# pre-fetched input (queued.max.messages.kbytes; fetching pauses when it is full). The daemons
# get these limits; librdkafka's defaults (1 GiB and 64 MiB) would allow more than a test shows.
PRODUCER_QUEUE_KIB = 8192
# One produce request in flight per connection, for every process that produces while errors are
# injected. The mock cluster does not check an idempotent producer's sequence numbers (librdkafka
# 2.0 checks them for transactional producers only), so when an injected error fails one request
# while a later one succeeds, librdkafka takes the later success as proof that the failed one was
# written too (it would be, on a real broker, which rejects the later request as out of order)
# and reports its messages delivered: they are lost. `headwire broker` warns about this.
ONE_IN_FLIGHT = ["-X", "max.in.flight.requests.per.connection=1"]
CONSUMER_QUEUE_KIB = 8192
QUEUES = ["-X", f"producer.queue.buffering.max.kbytes={PRODUCER_QUEUE_KIB}",
          "-X", f"consumer.queued.max.messages.kbytes={CONSUMER_QUEUE_KIB}"]
# Beyond the two queues, resident memory may grow while the broker is down by what the daemon
# keeps working on meanwhile (the partitions other brokers lead still flow): RocksDB memtables
# and block cache pages filling with the articles decided in those 3 s (at most a few thousand,
# about 1 KiB each), librdkafka's per-broker request buffers and retry state, and allocator
# slack. 32 MiB covers that several times over.
ALLOWANCE_KIB = 32 * 1024
# Under AddressSanitizer (the sanitizer build runs this test too) freed memory stays resident in
# ASan's quarantine, 256 MiB by default, so RSS would grow with every allocation the daemons free
# while the broker is down, not with what they hold. A quarantine of 4 MiB keeps the measure about
# the daemons' own memory; a binary without ASan ignores the variable.
DAEMON_ENV = dict(os.environ,
                  ASAN_OPTIONS=":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                      "quarantine_size_mb=4"])))
# Domains run in parallel, so they interleave on the processed partitions in varying order; a
# grace that covers the skew keeps the sink's lateness verdicts (and digest) a function of the
# input (see docs/state.md, "Event time, watermarks and lateness").
SINK_LATENESS = ["--grace-s", str(100 * 86400), "--retention-h", str(120 * 24)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Daemon:
    """One long-running headwire daemon with its own state, admin port and log."""

    def __init__(self, test, name, command):
        self.test, self.name, self.command = test, name, command
        self.port = free_port()
        self.log = os.path.join(test.work, name + ".log")
        self.proc = None
        test.addCleanup(self.kill)

    def start(self):
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(self.command + ["--admin", str(self.port)],
                                         stdout=subprocess.DEVNULL, stderr=log, env=DAEMON_ENV)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self.test.assertEqual(code, 0, f"{self.name} exited {code}:\n{self.tail()}")

    def tail(self):
        with open(self.log) as f:
            return f.read()[-3000:]

    def ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.test.broker.poll() is not None:
                with open(self.test.broker_log) as f:
                    self.test.fail(f"the broker exited {self.test.broker.returncode}:\n"
                                   f"{f.read()[-3000:]}")
            if self.proc.poll() is not None:
                self.test.fail(f"{self.name} exited {self.proc.returncode}:\n{self.tail()}")
            if self.ready():
                return
            time.sleep(0.05)
        self.test.fail(f"{self.name} not ready after {timeout} s:\n{self.tail()}")

    def kill_and_recover(self):
        """SIGKILL, restart at once with the same state (as a supervisor would), and return the
        seconds until the restarted daemon is ready."""
        killed = time.monotonic()
        self.kill()
        self.start()
        self.wait_ready()
        return time.monotonic() - killed


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-faults-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        records = streams.multi_language_stream(ARGS.repo, LANGUAGES, COPIES,
                                                shift=12 * streams.DAY)
        cls.total = len(records)
        cls.chunks = []
        per = len(records) // COPIES
        for i in range(COPIES):
            path = os.path.join(cls.work, f"chunk{i}.jsonl")
            streams.write_jsonl(path, records[i * per:(i + 1) * per if i < COPIES - 1 else None])
            cls.chunks.append(path)
        cls.all = os.path.join(cls.work, "all.jsonl")
        streams.write_jsonl(cls.all, records)
        cls.reference = cls.uninterrupted()

    @classmethod
    def tearDownClass(cls):
        # HEADWIRE_E2E_KEEP=1 keeps the daemons' logs and states for a look after a failure.
        if os.environ.get("HEADWIRE_E2E_KEEP") == "1":
            print(f"kept {cls.work}", flush=True)
        else:
            shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def topic_streams(cls, bootstrap):
        """Topic stream -> set of article ids, read with an independent client."""
        from confluent_kafka.admin import AdminClient
        names = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=10).topics
        out = {}
        for name in sorted(n for n in names if n.startswith("headwire.topic.")):
            out[name] = {cls.pb.ProcessedArticle.FromString(v).article.id
                         for _, v, _ in kafka_check.read_topic(bootstrap, name)}
        return out

    @classmethod
    def outcome(cls, bootstrap, sink_state):
        sources = {(m.processing.source.partition, m.processing.source.offset)
                   for m in (cls.pb.ProcessedArticle.FromString(v)
                             for _, v, _ in kafka_check.read_topic(bootstrap, PROCESSED))}
        raw_order = {}
        for partition, offset, _, value, _ in sorted(
                kafka_check.read_topic(bootstrap, RAW, positions=True)):
            raw_order.setdefault(partition, []).append(cls.pb.RawArticle.FromString(value).id)
        return {"digest": run([ARGS.headwire, "digest", "--state", sink_state, "--json"]).stdout,
                "topics": cls.topic_streams(bootstrap), "decided": len(sources),
                "raw_order": raw_order}

    def assert_archive_holds(self, archive_dir, raw_order):
        """The archive verifies, and its segments hold each raw partition's offsets 0..N-1 once
        each, N being what the raw topic holds."""
        verify = run([ARGS.headwire, "archive", "verify", archive_dir])
        self.assertIn("archive ok", verify.stdout)
        self.assertNotIn("DAMAGED", verify.stdout)
        offsets = {}
        for segment in json.loads(run([ARGS.headwire, "archive", "ls", archive_dir,
                                       "--json"]).stdout)["segments"]:
            self.assertEqual(segment["topic"], RAW)
            if segment["records"]:
                self.assertEqual(segment["last_offset"] - segment["first_offset"] + 1,
                                 segment["records"], segment["segment"])
                offsets.setdefault(segment["partition"], []).extend(
                    range(segment["first_offset"], segment["last_offset"] + 1))
        self.assertEqual({p: sorted(o) for p, o in offsets.items()},
                         {p: list(range(len(ids))) for p, ids in raw_order.items()})

    @staticmethod
    def order_difference(got, reference):
        """Per raw partition, where its articles first stand in another order than the
        reference's (verdicts follow each partition's order, so they may differ from there)."""
        lines = []
        for partition in sorted(set(got) | set(reference)):
            a, b = got.get(partition, []), reference.get(partition, [])
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            if a != b:
                lines.append(f"partition {partition}: {len(a)} records against {len(b)}, first "
                             f"difference at {first}: {a[first:first + 3]} against "
                             f"{b[first:first + 3]}")
        return "\n".join(lines)

    @classmethod
    def undecided(cls, bootstrap):
        """What to look at when a raw record has no processed record: which ones, the processed
        records of the same article, and what the dead-letter topic holds."""
        processed = [cls.pb.ProcessedArticle.FromString(v)
                     for _, v, _ in kafka_check.read_topic(bootstrap, PROCESSED)]
        decided = {(m.processing.source.partition, m.processing.source.offset) for m in processed}
        raw = {(partition, offset): cls.pb.RawArticle.FromString(value)
               for partition, offset, _, value, _ in kafka_check.read_topic(bootstrap, RAW,
                                                                           positions=True)}
        lines = [f"{len(raw)} raw records, {len(processed)} processed records"]
        for position in sorted(set(raw) - decided):
            article = raw[position].id
            same = [(m.processing.source.partition, m.processing.source.offset)
                    for m in processed if m.article.id == article]
            lines.append(f"raw {position} id {article}: processed with that id from {same}")
        letters = kafka_check.read_topic(bootstrap, DLQ, timeout_s=10.0)
        lines.append(f"dead letters: {[headers for _, _, headers in letters]}")
        return "\n".join(lines)

    @classmethod
    def stream_difference(cls, bootstrap, topic, missing, extra):
        """What to look at when a topic stream differs from the reference: each article it lacks
        or has in excess, with every processed record of that article (where it was decided and
        what was decided)."""
        verdicts = {}
        for _, value, _ in kafka_check.read_topic(bootstrap, PROCESSED):
            m = cls.pb.ProcessedArticle.FromString(value)
            if m.article.id in missing | extra:
                verdicts.setdefault(m.article.id, []).append(
                    f"raw {m.processing.source.partition}:{m.processing.source.offset} "
                    f"kind {m.duplicate_kind} of {m.duplicate_of!r} story {m.story_id!r} "
                    f"topics {list(m.topics)}")
        lines = [f"{topic}: {len(missing)} missing, {len(extra)} in excess"]
        for label, ids in (("missing", missing), ("in excess", extra)):
            for article in sorted(ids):
                lines.append(f"{label} {article}: {verdicts.get(article, 'no processed record')}")
        return "\n".join(lines)

    @classmethod
    def uninterrupted(cls):
        broker, bootstrap = harness.start_broker(ARGS.headwire, "--partitions", PARTITIONS)
        try:
            run([ARGS.headwire, "produce", "-b", bootstrap, cls.all])
            run([ARGS.headwire, "process", "-b", bootstrap, "-s", os.path.join(cls.work, "ref-p"),
                 "-e"], timeout=300)
            sink = os.path.join(cls.work, "ref-s")
            run([ARGS.headwire, "sink", "-b", bootstrap, "-s", sink, "-e", *SINK_LATENESS],
                timeout=300)
            return cls.outcome(bootstrap, sink)
        finally:
            broker.terminate()
            broker.wait(timeout=30)

    def test_faults_change_nothing(self):
        rng = random.Random(SEED)
        print(f"\nseed {SEED}, {self.total} articles", flush=True)
        broker_log = os.path.join(self.work, "broker.log")
        broker, bootstrap = harness.start_broker(ARGS.headwire, "--brokers", "3",
                                                 "--partitions", PARTITIONS, control=True,
                                                 log=broker_log)
        self.broker_log, self.broker = broker_log, broker
        self.addCleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))

        def control(line):
            self.assertEqual(harness.broker_command(broker, line), "ok", line)

        def processor(name):
            return Daemon(self, name, [
                ARGS.headwire, "--log-level", "info", "process", "-b", bootstrap,
                "-s", os.path.join(self.work, name), "--max-batch", "200", "--linger-ms", "5",
                *GROUP, *QUEUES, *ONE_IN_FLIGHT])

        sink_state = os.path.join(self.work, "sink")
        sink = Daemon(self, "sink", [ARGS.headwire, "--log-level", "info", "sink", "-b", bootstrap,
                                     "-s", sink_state, *SINK_LATENESS, *GROUP, *QUEUES,
                                     *ONE_IN_FLIGHT])
        archive_dir = os.path.join(self.work, "archive")
        archiver = Daemon(self, "archive", [
            ARGS.headwire, "--log-level", "info", "archive", "-b", bootstrap, "--dir", archive_dir,
            "--max-batch", "200", "--linger-ms", "20", "--segment-kib", "256", *GROUP, *QUEUES])
        p1, p2 = processor("p1"), processor("p2")
        for d in (sink, p1, p2, archiver):
            d.start()

        recoveries = []
        producing = None

        def produce(i):
            nonlocal producing
            if producing:
                self.assertEqual(producing.wait(timeout=120), 0, "produce failed")
            producing = subprocess.Popen([ARGS.headwire, "produce", self.chunks[i],
                                          "-b", bootstrap, *ONE_IN_FLIGHT],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def pause():
            time.sleep(rng.uniform(0.2, 1.5))

        def kill(daemon):
            seconds = daemon.kill_and_recover()
            recoveries.append((daemon.name, seconds))
            print(f"kill -9 {daemon.name}: ready again after {seconds:.1f} s", flush=True)

        produce(0)
        pause()
        kill(p1)

        control("errors Produce 5 NOT_LEADER_OR_FOLLOWER")
        control("errors Fetch 5 NOT_LEADER_OR_FOLLOWER")
        control("errors OffsetCommit 3 REQUEST_TIMED_OUT")
        produce(1)
        pause()
        kill(sink)

        produce(2)
        pause()
        before = {d.name: rss_kib(d.proc.pid) for d in (p1, p2, sink, archiver)}
        control("down 2")
        time.sleep(3)
        during = {d.name: rss_kib(d.proc.pid) for d in (p1, p2, sink, archiver)}
        control("up 2")
        print(f"broker 2 down for 3 s: RSS KiB before {before}, at the end {during}", flush=True)
        # Bounded, not growing with what waits for the broker: at most both queues full plus the
        # allowance above.
        for name in before:
            self.assertLessEqual(during[name] - before[name],
                                 PRODUCER_QUEUE_KIB + CONSUMER_QUEUE_KIB + ALLOWANCE_KIB, name)

        p3 = processor("p3")
        p3.start()
        produce(3)
        p3.wait_ready()
        kill(p2)

        produce(4)
        pause()
        p3.stop()
        kill(sink)

        produce(5)
        pause()
        kill(p1)
        kill(archiver)
        self.assertEqual(producing.wait(timeout=120), 0, "produce failed")

        for d in (p1, p2):
            d.stop()
        run([ARGS.headwire, "process", "-b", bootstrap, "-s", os.path.join(self.work, "p1"),
             "-e", *GROUP, *ONE_IN_FLIGHT], timeout=300)
        sink.stop()
        run([ARGS.headwire, "sink", "-b", bootstrap, "-s", sink_state, "-e", *SINK_LATENESS,
             *GROUP, *ONE_IN_FLIGHT], timeout=300)
        archiver.stop()
        run([ARGS.headwire, "archive", "-b", bootstrap, "--dir", archive_dir, "-e", *GROUP],
            timeout=300)

        got = self.outcome(bootstrap, sink_state)
        self.assertEqual(got["decided"], self.total, self.undecided(bootstrap))
        self.assertEqual(self.reference["decided"], self.total)
        # With one request in flight, retries after injected errors and a broker down cannot
        # reorder the raw records, so every domain sees the reference's order.
        self.assertEqual(got["raw_order"], self.reference["raw_order"],
                         self.order_difference(got["raw_order"], self.reference["raw_order"]))
        self.assertEqual(sorted(got["topics"]), sorted(self.reference["topics"]))
        for topic, ids in self.reference["topics"].items():
            self.assertEqual(got["topics"][topic], ids, self.stream_difference(
                bootstrap, topic, ids - got["topics"][topic], got["topics"][topic] - ids))
        self.maxDiff = None
        self.assertEqual(got["digest"], self.reference["digest"])
        self.assert_archive_holds(archive_dir, got["raw_order"])
        self.assertGreaterEqual(len(recoveries), 6)
        print("recovery times (s): " +
              ", ".join(f"{name} {seconds:.1f}" for name, seconds in recoveries), flush=True)


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
