#!/usr/bin/python3
"""End-to-end test: several dedup domains, several active processors.

A stream in four languages (each a dedup domain, data/eval/dedup_gold.jsonl once per language)
goes to a raw topic with 4 partitions: `produce` puts each language on the partition of its
domain key. It is then decided
  - by one processor,
  - by three processors started together (each owns some partitions at once),
  - by two processors, a third added mid-stream and the first removed (SIGTERM) later, so that
    partitions move between instances while records flow,
each run on its own broker. Every run's verdicts (read from the processed topic with
python3-confluent-kafka and the published .proto) and its sink `digest` must equal the single
processor's.

Usage: dedup_domains_e2e.py --headwire PATH/TO/headwire --repo REPO_ROOT
"""

import json
import os
import random
import re
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import run  # noqa: E402
import kafka_check  # noqa: E402
import streams  # noqa: E402

ARGS = None
LANGUAGES = ["en", "de", "fr", "es"]
# Four languages whose domain keys fall on four different partitions of four, so that every
# instance of a group owns some domain with records.
SPREAD_LANGUAGES = ["fi", "it", "en", "fr"]
PARTITIONS = "4"
PROCESSED = "headwire.articles.processed"
# Domains are decided in parallel, in an interleaving that varies from run to run, but each raw
# partition's processed records go to the processed partition of the same number, in decision
# order. The sink judges lateness per partition, so it runs with its default lateness and every
# run must still reach the reference's digest. Retention 40 days keeps the whole stream.
SINK_RETENTION = ["--retention-h", str(40 * 24)]


def read(path):
    with open(path) as f:
        return f.read()


class DedupDomains(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="headwire-domains-")
        cls.pb = kafka_check.load_wire_module(ARGS.repo)
        cls.records = streams.multi_language_stream(ARGS.repo, LANGUAGES)
        half = len(cls.records) // 2
        cls.inputs = {}
        for name, part in (("all", cls.records), ("first", cls.records[:half]),
                           ("second", cls.records[half:])):
            cls.inputs[name] = os.path.join(cls.work, name + ".jsonl")
            streams.write_jsonl(cls.inputs[name], part)
        # Each language's first half, then each language's second half: each partition (one
        # language) gets the first half of its records first, so offsets are those of "spread".
        spread = streams.multi_language_stream(ARGS.repo, SPREAD_LANGUAGES)
        per_language = len(spread) // len(SPREAD_LANGUAGES)
        spread_parts = (("spread", spread),
                        ("spread-first", [r for i, r in enumerate(spread)
                                          if i % per_language < per_language // 2]),
                        ("spread-second", [r for i, r in enumerate(spread)
                                           if i % per_language >= per_language // 2]))
        for name, part in spread_parts:
            cls.inputs[name] = os.path.join(cls.work, name + ".jsonl")
            streams.write_jsonl(cls.inputs[name], part)
        cls.spread_first_count = len(spread_parts[1][1])
        cls.reference = cls.single_processor_run("all")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    @staticmethod
    def broker(add_cleanup):
        broker, bootstrap = harness.start_broker(ARGS.headwire, "--partitions", PARTITIONS)
        add_cleanup(lambda: (broker.terminate(), broker.wait(timeout=30)))
        return bootstrap

    @classmethod
    def process_command(cls, bootstrap, name, *extra):
        return [ARGS.headwire, "--log-level", "info", "process", "-b", bootstrap,
                "-s", os.path.join(cls.work, name), "--max-batch", "64", "--linger-ms", "1",
                *harness.SHORT_SESSION, *extra]

    @classmethod
    def outcome(cls, bootstrap, name):
        """(verdict per raw record (partition, offset), sink digest) of what the processors
        wrote. A record emitted twice (output is at-least-once) must have one verdict."""
        verdicts = {}
        for partition, _, _, value, _ in kafka_check.read_topic(bootstrap, PROCESSED,
                                                                positions=True):
            msg = cls.pb.ProcessedArticle.FromString(value)
            source = (msg.processing.source.partition, msg.processing.source.offset)
            if partition != source[0]:
                raise AssertionError(f"raw record {source} was written to processed partition "
                                     f"{partition}, not to its raw partition's")
            verdict = (msg.article.id, msg.duplicate_of, msg.duplicate_kind, msg.story_id,
                       tuple(msg.topics))
            if verdicts.setdefault(source, verdict) != verdict:
                raise AssertionError(f"raw record {source} emitted with different verdicts")
        sink = os.path.join(cls.work, name + "-sink")
        run([ARGS.headwire, "sink", "-b", bootstrap, "-s", sink, "-e", *SINK_RETENTION])
        digest = run([ARGS.headwire, "digest", "--state", sink, "--json"]).stdout
        return verdicts, digest

    @classmethod
    def single_processor_run(cls, input_name):
        cleanups = []
        try:
            bootstrap = cls.broker(cleanups.append)
            run([ARGS.headwire, "produce", "-b", bootstrap, cls.inputs[input_name]])
            run(cls.process_command(bootstrap, "single-" + input_name, "-e"))
            verdicts, digest = cls.outcome(bootstrap, "single-" + input_name)
            return {"verdicts": verdicts, "digest": digest}
        finally:
            for cleanup in reversed(cleanups):
                cleanup()

    def test_reference_run_keeps_each_language_on_one_partition(self):
        verdicts = self.reference["verdicts"]
        self.assertEqual(len(verdicts), len(self.records))
        by_language = {}
        for (partition, _), verdict in verdicts.items():
            by_language.setdefault(verdict[0].split("-")[0], set()).add(partition)
        self.assertEqual(sorted(by_language), sorted(LANGUAGES))
        for language, used in by_language.items():
            self.assertEqual(len(used), 1, f"{language} is spread over partitions {used}")
        self.assertGreater(len(set().union(*by_language.values())), 1)
        # A language alone on its partition is judged alone: the same stories in the other
        # languages do not make its articles duplicates. Its verdicts are those of `headwire
        # dedup` (the core, no Kafka) over that language's records only.
        alone = [lang for lang, used in by_language.items()
                 if all(not used & other for o, other in by_language.items() if o != lang)]
        self.assertTrue(alone, f"every language shares its partition: {by_language}")
        for language in alone:
            own = "".join(json.dumps(r) + "\n"
                          for r in streams.multi_language_stream(ARGS.repo, [language]))
            expected = [json.loads(line) for line in
                        run([ARGS.headwire, "dedup", "-"], input=own).stdout.splitlines()]
            got = sorted((v for v in verdicts.values() if v[0].startswith(language + "-")),
                         key=lambda v: v[0])
            self.assertEqual(sum(1 for e in expected if e["duplicate_of"]),
                             sum(1 for v in got if v[1]), language)

    def test_three_processors_started_together(self):
        bootstrap = self.broker(self.addCleanup)
        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["all"]])
        procs = [subprocess.Popen(self.process_command(bootstrap, f"together-{i}", "-e"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for i in range(3)]
        for p in procs:
            self.assertEqual(p.wait(timeout=240), 0)
        self.assert_same_as_reference(bootstrap, "together")

    def test_instances_added_and_removed_mid_stream(self):
        bootstrap = self.broker(self.addCleanup)
        logs = {}

        def start(name):
            logs[name] = os.path.join(self.work, name + ".log")
            with open(logs[name], "a") as log:
                proc = subprocess.Popen(self.process_command(bootstrap, name),
                                        stdout=subprocess.DEVNULL, stderr=log)
            self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
            return proc

        a, b = start("moving-a"), start("moving-b")
        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["first"]])
        self.wait_for_verdicts(bootstrap, len(self.records) // 4)
        c = start("moving-c")
        # librdkafka 2.0.2 aborts a cooperative-sticky consumer that is closed before its first
        # join completed; let the new instance join (and take partitions) before moving on.
        self.wait_for_log(logs["moving-c"], "partition assigned")
        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["second"]])
        self.wait_for_verdicts(bootstrap, len(self.records) * 5 // 8)
        def stop(proc, name):
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
            with open(logs[name]) as f:
                self.assertEqual(code, 0, f"{name} exited {code}:\n{f.read()[-3000:]}")

        stop(a, "moving-a")
        self.wait_for_verdicts(bootstrap, len(self.records))
        stop(b, "moving-b")
        stop(c, "moving-c")
        self.assert_same_as_reference(bootstrap, "moving")
        # Partitions did move: some instance caught up with another's progress.
        caught_up = [name for name, path in logs.items() if "catching up" in open(path).read()]
        self.assertTrue(caught_up, "no instance took over a partition another had worked on")

    def test_new_instance_joins_from_snapshots_of_two_owners(self):
        """Two owners decide the first half together, each owning some domains, and write
        snapshots of them; a new instance with no state of its own, started from the snapshots'
        directory, takes over every domain, each from its own newest snapshot (catching up from
        the snapshot's offset, not the partition's start), and decides the second half as one
        processor would."""
        reference = self.single_processor_run("spread")
        self.assertEqual(len({p for p, _ in reference["verdicts"]}), 4)
        bootstrap = self.broker(self.addCleanup)
        snapshots = os.path.join(self.work, "snapshots")
        logs = {}
        owners = {}
        for name in ("owner-a", "owner-b"):
            logs[name] = os.path.join(self.work, name + ".log")
            with open(logs[name], "a") as log:
                owners[name] = subprocess.Popen(
                    self.process_command(bootstrap, name, "--snapshot-dir", snapshots,
                                         "--snapshot-interval", "100", "--snapshot-keep", "2"),
                    stdout=subprocess.DEVNULL, stderr=log)
            proc = owners[name]
            self.addCleanup(lambda proc=proc: proc.poll() is None and (proc.kill(), proc.wait()))
        for name in owners:
            self.wait_for_log(logs[name], "partition assigned")
        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["spread-first"]])
        self.wait_for_verdicts(bootstrap, self.spread_first_count)
        for name, proc in owners.items():
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=60), 0, read(logs[name])[-3000:])

        text = {name: read(path) for name, path in logs.items()}
        snapshotted = {name: {int(p) for p in re.findall(r'msg="snapshot" .*partition=(\d+)', log)}
                       for name, log in text.items()}
        self.assertTrue(all(snapshotted.values()), f"an owner wrote no snapshot: {snapshotted}"
                        + "".join(text.values())[-6000:])
        raw = os.path.join(snapshots, "headwire.articles.raw")
        for partition in sorted(os.listdir(raw)):
            kept = os.listdir(os.path.join(raw, partition))
            self.assertTrue(all(k.startswith("offset-") for k in kept), kept)
            self.assertLessEqual(len(kept), 2, f"{partition} keeps {kept} beyond --snapshot-keep")
        size = sum(os.path.getsize(os.path.join(d, f))
                   for d, _, files in os.walk(snapshots) for f in files)
        times = [int(ms) for log in text.values()
                 for ms in re.findall(r'msg="snapshot" .* ms=(\d+)', log)]
        print(f"snapshots: {len(times)} written, {size} bytes kept, "
              f"{min(times)}..{max(times)} ms each", file=sys.stderr)

        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["spread-second"]])
        started = time.monotonic()
        joined = run(self.process_command(bootstrap, "joiner", "-e", "--from-snapshot",
                                          snapshots)).stderr
        print(f"joiner: {time.monotonic() - started:.1f} s to decide the second half after "
              f"restoring", file=sys.stderr)
        restored = {int(p): int(o) for p, o in re.findall(
            r'msg="restored snapshot" .*partition=(\d+) offset=(\d+)', joined)}
        self.assertTrue(all(restored.values()), restored)
        for name, owned in snapshotted.items():
            self.assertTrue(owned & set(restored), f"no domain of {name} ({owned}) restored: "
                            f"{restored}")
        self.assertNotRegex(joined, r"catching up.* from=beginning")
        # It decided again exactly the first half's records after the snapshots' offsets (the
        # owners committed the whole first half), none before them.
        replayed = int(re.search(r"(\d+) decided again while catching up", joined).group(1))
        self.assertEqual(replayed, self.spread_first_count - sum(restored.values()))
        self.assertNotIn("no snapshot of the partition", joined)
        self.assert_same_as_reference(bootstrap, "snapshot", reference)

    def test_sigusr1_snapshots_every_domain_of_a_running_processor(self):
        """An operator asks a running processor (no --snapshot-interval) for snapshots, e.g.
        before maintenance: each domain it decided gets one at its committed offset."""
        bootstrap = self.broker(self.addCleanup)
        snapshots = os.path.join(self.work, "requested-snapshots")
        log_path = os.path.join(self.work, "requested.log")
        with open(log_path, "a") as log:
            proc = subprocess.Popen(
                self.process_command(bootstrap, "requested", "--snapshot-dir", snapshots),
                stdout=subprocess.DEVNULL, stderr=log)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        self.wait_for_log(log_path, "partition assigned")
        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["spread-first"]])
        self.wait_for_verdicts(bootstrap, self.spread_first_count)
        self.assertFalse(os.path.exists(snapshots), "a snapshot before any was asked for")
        proc.send_signal(signal.SIGUSR1)
        self.wait_for_log(log_path, 'msg="snapshots on request" written=4')
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=60), 0, read(log_path)[-3000:])
        raw = os.path.join(snapshots, "headwire.articles.raw")
        offsets = {int(p.split("-")[1]): [int(o.split("-")[1]) for o in os.listdir(
            os.path.join(raw, p))] for p in os.listdir(raw)}
        per_partition = self.spread_first_count // len(SPREAD_LANGUAGES)
        self.assertEqual(offsets, {p: [per_partition] for p in range(4)})

    def test_joiner_stops_when_the_raw_topic_no_longer_holds_the_snapshot_offset(self):
        """The mock cluster keeps about 5 MiB per partition and silently drops older records
        (BUILD-FACTS): after an owner snapshots one domain, 8 MiB more of it make the raw topic
        drop the snapshot's offset. A new instance started from that snapshot must stop with the
        gap named, not decide from whatever the topic still holds."""
        bootstrap = self.broker(self.addCleanup)
        path = os.path.join(self.work, "gap.jsonl")
        snapshots = os.path.join(self.work, "gap-snapshots")
        self.produce_large(bootstrap, path, 0, 20)
        run(self.process_command(bootstrap, "gap-owner", "-e", "--snapshot-dir", snapshots,
                                 "--snapshot-interval", "5"))
        partition, offset = self.newest_snapshot(snapshots)
        self.produce_large(bootstrap, path, 20, 80)
        low, _ = kafka_check.watermarks(bootstrap, "headwire.articles.raw", partition)
        self.assertGreater(low, offset, "the mock kept the snapshot's offset; nothing to test")

        joined = run(self.process_command(bootstrap, "gap-joiner", "-e", "--from-snapshot",
                                          snapshots), expect_codes=(1,)).stderr
        self.assertIn(f"offset={offset}", joined)
        self.assertIn(f"headwire.articles.raw/{partition}: the state resumes at offset {offset}, "
                      f"but the topic holds offsets {low}..", joined)
        self.assertIn(f"records {offset}..{low - 1} were deleted before they were read", joined)

    def test_standby_older_than_the_retention_rejoins_from_a_newer_snapshot(self):
        """A standby decided a domain up to offset 20, then was away while the owner went on
        and snapshotted it, and the raw topic dropped the records after the standby's offset.
        Alone, its state cannot catch up (it stops on the gap); with --from-snapshot the newer
        snapshot replaces its state of the domain and it goes on from there."""
        bootstrap = self.broker(self.addCleanup)
        path = os.path.join(self.work, "stale.jsonl")
        snapshots = os.path.join(self.work, "stale-snapshots")
        self.produce_large(bootstrap, path, 0, 20)
        for name in ("stale-standby", "stale-owner"):
            run(self.process_command(bootstrap, name, "-e"))
        self.produce_large(bootstrap, path, 20, 40)
        run(self.process_command(bootstrap, "stale-owner", "-e", "--snapshot-dir", snapshots,
                                 "--snapshot-interval", "5"))
        partition, offset = self.newest_snapshot(snapshots)
        self.produce_large(bootstrap, path, 60, 20)
        low, _ = kafka_check.watermarks(bootstrap, "headwire.articles.raw", partition)
        self.assertGreater(low, 20, "the mock kept the standby's offset; nothing to test")
        self.assertLessEqual(low, offset, "the mock dropped the snapshot's offset too")

        alone = run(self.process_command(bootstrap, "stale-standby", "-e"),
                    expect_codes=(1,)).stderr
        self.assertIn(f"records 20..{low - 1} were deleted before they were read", alone)
        joined = run(self.process_command(bootstrap, "stale-standby", "-e", "--from-snapshot",
                                          snapshots)).stderr
        self.assertIn(f'msg="restored snapshot" topic=headwire.articles.raw partition={partition} '
                      f"offset={offset}", joined)
        self.assertIn("replaced=20", joined)
        self.assertNotIn("no longer holds", joined)
        # It decided the records after the owner's last offset (60) with output.
        self.assertRegex(joined, r'msg="processor stopped" consumed=20 ')

    def produce_large(self, bootstrap, path, first, count):
        """Produces `count` articles of about 100 KB in one language (one partition): the mock
        cluster keeps about 5 MiB per partition and silently drops older records (BUILD-FACTS)."""
        rng = random.Random(first)
        # Random letters: lz4 (the producer's compression) cannot shrink them.
        streams.write_jsonl(path, [
            {"id": f"en-gap-{i}", "title": f"Gap headline number {i}",
             "body": " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(8))
                              for _ in range(11000)),
             "url": f"https://gap.example/{i}", "source": "gap.example",
             "published_at": "2026-03-02T08:15:00Z", "language": "en"}
            for i in range(first, first + count)])
        run([ARGS.headwire, "produce", "-b", bootstrap, path])

    @staticmethod
    def newest_snapshot(snapshots):
        """(partition, offset) of the newest snapshot under `snapshots` (one domain)."""
        raw = os.path.join(snapshots, "headwire.articles.raw")
        (partition_dir,) = os.listdir(raw)
        offset = max(int(name.split("-")[1])
                     for name in os.listdir(os.path.join(raw, partition_dir)))
        return int(partition_dir.split("-")[1]), offset

    def wait_for_log(self, path, text, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(path) as f:
                if text in f.read():
                    return
            time.sleep(0.2)
        self.fail(f"no '{text}' in {path} after {timeout} s")

    def wait_for_verdicts(self, bootstrap, count, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sources = {(m.processing.source.partition, m.processing.source.offset)
                       for m in (self.pb.ProcessedArticle.FromString(v)
                                 for _, v, _ in kafka_check.read_topic(bootstrap, PROCESSED))}
            if len(sources) >= count:
                return
            time.sleep(0.5)
        self.fail(f"fewer than {count} verdicts after {timeout} s")

    def assert_same_as_reference(self, bootstrap, name, reference_run=None):
        reference_run = reference_run or self.reference
        verdicts, digest = self.outcome(bootstrap, name)
        reference = reference_run["verdicts"]
        self.assertEqual(sorted(verdicts), sorted(reference))
        differing = [i for i in reference if verdicts[i] != reference[i]]
        self.assertEqual(differing, [], f"{len(differing)} verdicts differ, e.g. "
                         f"{[(i, verdicts[i], reference[i]) for i in differing[:3]]}")
        self.maxDiff = None
        self.assertEqual(digest, reference_run["digest"])


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
