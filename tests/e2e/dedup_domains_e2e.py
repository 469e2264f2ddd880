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
import streams  # noqa: E402

ARGS = None
LANGUAGES = ["en", "de", "fr", "es"]
PARTITIONS = "4"
PROCESSED = "headwire.articles.processed"
# Domains are decided in parallel, so their records interleave on the processed topic's
# partitions in an order that varies from run to run. The sink judges lateness per partition:
# its grace must cover how far one domain's event time can run ahead of another's, or the
# records that count as late (and with them the digest) would vary too. 30 days, retention 40.
SINK_LATENESS = ["--grace-s", str(30 * 86400), "--retention-h", str(40 * 24)]


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
        cls.reference = cls.single_processor_run()

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
                "-s", os.path.join(cls.work, name), "--max-batch", "64", "--linger-ms", "1", *extra]

    @classmethod
    def outcome(cls, bootstrap, name):
        """(verdict per raw record (partition, offset), sink digest) of what the processors
        wrote. A record emitted twice (output is at-least-once) must have one verdict."""
        verdicts = {}
        for _, value, _ in kafka_check.read_topic(bootstrap, PROCESSED):
            msg = cls.pb.ProcessedArticle.FromString(value)
            source = (msg.processing.source.partition, msg.processing.source.offset)
            verdict = (msg.article.id, msg.duplicate_of, msg.duplicate_kind, msg.story_id,
                       tuple(msg.topics))
            if verdicts.setdefault(source, verdict) != verdict:
                raise AssertionError(f"raw record {source} emitted with different verdicts")
        sink = os.path.join(cls.work, name + "-sink")
        run([ARGS.headwire, "sink", "-b", bootstrap, "-s", sink, "-e", *SINK_LATENESS])
        digest = run([ARGS.headwire, "digest", "--state", sink, "--json"]).stdout
        return verdicts, digest

    @classmethod
    def single_processor_run(cls):
        cleanups = []
        try:
            bootstrap = cls.broker(cleanups.append)
            run([ARGS.headwire, "produce", "-b", bootstrap, cls.inputs["all"]])
            run(cls.process_command(bootstrap, "single", "-e"))
            verdicts, digest = cls.outcome(bootstrap, "single")
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

    def test_new_instance_joins_from_a_snapshot(self):
        """An owner writes snapshots while it decides the first half; a new instance started
        from the latest snapshot (no state of its own) catches up from the snapshot's offsets,
        not from the partitions' start, and decides the second half as one processor would."""
        bootstrap = self.broker(self.addCleanup)
        snapshots = os.path.join(self.work, "snapshots")
        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["first"]])
        run(self.process_command(bootstrap, "owner", "-e", "--snapshot-dir", snapshots,
                                 "--snapshot-interval", "300"))
        taken = sorted(os.listdir(snapshots), key=lambda name: int(name.split("-")[1]))
        self.assertGreater(len(taken), 1)
        run([ARGS.headwire, "produce", "-b", bootstrap, self.inputs["second"]])
        joined = run(self.process_command(bootstrap, "joiner", "-e", "--from-snapshot",
                                          os.path.join(snapshots, taken[-1]))).stderr
        self.assertIn("restored snapshot", joined)
        self.assertRegex(joined, r"catching up.* from=[1-9]\d* to=[1-9]\d*")
        self.assertNotRegex(joined, r"catching up.* from=beginning")
        self.assert_same_as_reference(bootstrap, "snapshot")

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

    def assert_same_as_reference(self, bootstrap, name):
        verdicts, digest = self.outcome(bootstrap, name)
        reference = self.reference["verdicts"]
        self.assertEqual(sorted(verdicts), sorted(reference))
        differing = [i for i in reference if verdicts[i] != reference[i]]
        self.assertEqual(differing, [], f"{len(differing)} verdicts differ, e.g. "
                         f"{[(i, verdicts[i], reference[i]) for i in differing[:3]]}")
        self.maxDiff = None
        self.assertEqual(digest, self.reference["digest"])


def bind_args(args):
    global ARGS
    ARGS = args


if __name__ == "__main__":
    harness.run_tests(bind_args)
