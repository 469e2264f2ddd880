"""The live part of bench/run: `headwire process` and `headwire sink` run as daemons on their own
topics of the benchmark's broker while a paced producer offers the benchmark stream at fixed
rates. Measures, per offered rate, the end-to-end latency of every record (produce -> applied in
the sink) and, along the way, each daemon's resident memory.

- Producer: `headwire produce -` (what a user runs), its stdin fed by this module at the offered
  rate: every millisecond or so the records due by then are written in one piece. A record's
  send time is the time it was due (its place in the schedule), so a pacer that falls behind adds
  to the latency rather than hiding it.
- Applied: the sink's debug log has one `msg="batch persisted" ... offsets=TOPIC:PARTITION:NEXT`
  line per batch, written after the batch's state write, with a millisecond timestamp; a record
  of the processed topic at offset O of partition P is applied by the first batch whose next
  offset for P is above O. kcat reads the processed topic alongside (partition, offset and key,
  the article id) to name each record.
- Stages: kcat reads the raw topic too, and each record's Kafka timestamp on the raw and the
  processed topic (when `produce`, then the processor, handed it to librdkafka) splits its
  latency into the time until `produce` sent it, until the processor sent its verdict, and until
  the sink applied it.
- Memory: VmRSS from /proc/PID/status of each daemon, sampled twice a second with the number of
  records each has persisted so far (from the same log line); reported at given record counts.
- Records skipped: the embedded broker keeps only the newest few MiB of each partition, so a
  daemon that falls that far behind the offered rate has its fetch position deleted under it, and
  librdkafka resets it to the oldest record still there ("Offset out of range" in its log). Such
  resets are counted per daemon: a run with any has skipped records and measures nothing.

Between rates the producer waits until the sink has applied everything, so one rate's backlog
does not count against the next.
"""

import math
import os
import re
import subprocess
import threading
import time
from datetime import datetime

import bench_stream

TS = re.compile(r"^ts=(\S+) ")
BATCH = re.compile(r'msg="batch persisted" records=(\d+) .* offsets=(\S*)')
PROCESSOR_TOPICS = ("bench.live.raw", "bench.live.processed")
FETCH_WAIT_MS = 5


def log_time(line):
    m = TS.match(line)
    if not m:
        return None
    return datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


class BatchLog:
    """Follows a daemon's debug log: records persisted so far and each batch's (time, offsets)."""

    def __init__(self, path):
        self.path = path
        self.position = 0
        self.tail = b""
        self.persisted = 0
        self.batches = []

    def poll(self):
        with open(self.path, "rb") as f:
            f.seek(self.position)
            data = self.tail + f.read()
            self.position = f.tell()
        lines = data.split(b"\n")
        self.tail = lines.pop()
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            m = BATCH.search(line)
            if not m:
                continue
            offsets = {}
            for item in filter(None, m.group(2).split(",")):
                topic, partition, next_offset = item.rsplit(":", 2)
                offsets[(topic, int(partition))] = int(next_offset)
            self.batches.append((log_time(line), offsets))
            self.persisted += int(m.group(1))
        return self.persisted


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


class Sampler(threading.Thread):
    """Samples each daemon's VmRSS with its persisted record count twice a second."""

    def __init__(self, daemons):
        super().__init__(daemon=True)
        self.daemons = daemons  # name -> (Popen, BatchLog)
        self.samples = {name: [] for name in daemons}
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def sample(self):
        with self.lock:
            for name, (proc, log) in self.daemons.items():
                if proc.poll() is None:
                    self.samples[name].append((log.poll(), rss_mib(proc.pid)))

    def persisted(self, name):
        with self.lock:
            return self.daemons[name][1].poll()

    def run(self):
        while not self.stopping.wait(0.5):
            self.sample()


def offer(producer, start_index, count, rate):
    """Writes records [start_index, start_index + count) to the producer's stdin at `rate` a
    second; returns (scheduled send times, seconds the writing took)."""
    lines = bench_stream.records(count, first=start_index)
    due_times = []
    start_wall, start = time.time(), time.monotonic()
    written = 0
    while written < count:
        due = min(count, int((time.monotonic() - start) * rate) + 1)
        if due > written:
            producer.stdin.write("".join(next(lines) for _ in range(due - written)).encode())
            producer.stdin.flush()
            due_times.extend(start_wall + i / rate for i in range(written, due))
            written = due
        else:
            time.sleep(max(0.0, min(0.001, start + written / rate - time.monotonic())))
    return due_times, time.monotonic() - start


def wait_applied(sampler, target, timeout):
    deadline = time.monotonic() + timeout
    while sampler.persisted("sink") < target and time.monotonic() < deadline:
        time.sleep(0.05)
    return sampler.persisted("sink")


def applied_times(sink_log, processed_keys):
    """Article id -> time of the sink's batch that first applied its processed record."""
    applied_at = {}
    previous = {}
    for t, offsets in sink_log.batches:
        for (topic, partition), next_offset in offsets.items():
            if topic != PROCESSOR_TOPICS[1]:
                continue
            keys = processed_keys.get(partition, {})
            for offset in range(previous.get(partition, 0), next_offset):
                key = keys.get(offset)
                if key is not None and key not in applied_at:
                    applied_at[key] = t
            previous[partition] = next_offset
    return applied_at


def latencies(applied_at, sent, first, end, created=None):
    """Per record of ids b{first}..b{end - 1}: seconds from its send time (sent[i - first]) to
    the sink's batch; with `created` (article id -> the Kafka timestamp of one of its records),
    seconds from the send time to that timestamp instead."""
    out = []
    for index in range(first, end):
        key = f"b{index}"
        t = applied_at.get(key)
        if created is not None:
            t = created.get(key) if t is not None else None
        if t is not None:
            out.append(t - sent[index - first])
    return sorted(out)


def retention_resets(log_path):
    """Times the daemon's consumer lost its position to the broker's retention (records
    skipped)."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        return sum("Offset out of range" in line for line in f)


def skipped(live):
    """The daemons of a live result that lost their position to the broker's retention, with
    how often: {name: resets}, empty when no record was skipped."""
    return {name: n for name, n in live["retention_resets"].items() if n}


def read_keys(path):
    """kcat lines "PARTITION OFFSET KEY TIMESTAMP_MS": ({partition: {offset: key}}, {key: first
    timestamp in seconds})."""
    keys, created = {}, {}
    with open(path, "rb") as f:
        for raw in f:
            fields = raw.decode("utf-8", "replace").split()
            if len(fields) == 4:
                keys.setdefault(int(fields[0]), {})[int(fields[1])] = fields[2]
                created.setdefault(fields[2], int(fields[3]) / 1000)
    return keys, created


def run(headwire, bootstrap, work, out, phases, first_index, rss_at, memory_budget_mib,
        max_batch=None, process_args=()):
    """phases: [(name, rate, count)]; rss_at: persisted counts at which to report RSS;
    max_batch: both daemons' --max-batch (None: their default); process_args: extra options of
    the processor.

    Returns {"phases": [...], "rss": {...}, "memory_budget_mib": ...}.
    """
    raw_topic, processed_topic = PROCESSOR_TOPICS
    logs = {name: os.path.join(out, f"live_{name}.log") for name in ("processor", "sink")}
    commands = {
        "processor": [headwire, "--log-level", "debug", "process", "-b", bootstrap, "-s",
                      os.path.join(work, "live_process"), "-g", "bench-live-processor",
                      "--raw-topic", raw_topic, "--processed-topic", processed_topic,
                      "--topic-prefix", "bench.live.topic.", "--dlq-topic", "bench.live.dlq",
                      *process_args],
        "sink": [headwire, "--log-level", "debug", "sink", "-b", bootstrap, "-s",
                 os.path.join(work, "live_sink"), "-g", "bench-live-sink",
                 "--processed-topic", processed_topic,
                 "--memory-budget-mib", str(memory_budget_mib)],
    }
    # The embedded broker answers a fetch that finds no new record only after the consumer's
    # whole fetch.wait.max.ms (librdkafka's default: 500 ms), even when records arrive meanwhile;
    # a Kafka broker answers as soon as fetch.min.bytes (1) are there. Measured here at 2,000
    # records/s: p50 815 ms with the default, 92 ms with 5 ms. So the daemons fetch with a short
    # wait, and the latency measured is the pipeline's, not the mock's long poll.
    for cmd in commands.values():
        cmd += ["-X", f"consumer.fetch.wait.max.ms={FETCH_WAIT_MS}"]
    if max_batch:
        for cmd in commands.values():
            cmd += ["--max-batch", str(max_batch)]
    procs, files = {}, []
    keys_paths = {topic: os.path.join(work, f"{topic}.keys") for topic in PROCESSOR_TOPICS}
    kcats = []
    producer = None
    try:
        for name, cmd in commands.items():
            log = open(logs[name], "w")
            files.append(log)
            procs[name] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
        # Both topics with each record's Kafka timestamp: the time `produce` (raw) or the
        # processor (processed) handed it to librdkafka, which splits the latency by stage.
        for topic, path in keys_paths.items():
            keys_file = open(path, "wb")
            files.append(keys_file)
            kcats.append(subprocess.Popen(
                ["kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-q", "-u",
                 "-f", "%p %o %k %T\n"], stdout=keys_file, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(
                "partition assigned" in open(path).read() for path in logs.values()):
            time.sleep(0.1)
        sampler = Sampler({name: (procs[name], BatchLog(logs[name])) for name in procs})
        sampler.start()
        producer = subprocess.Popen([headwire, "produce", "-b", bootstrap, "-t", raw_topic, "-"],
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        sent = []
        bounds = []
        index = first_index
        for name, rate, count in phases:
            due, seconds = offer(producer, index, count, rate)
            sent.extend(due)
            applied = wait_applied(sampler, index - first_index + count,
                                   timeout=max(60, 4 * count / rate))
            bounds.append((name, rate, count, seconds, index, applied))
            index += count
        producer.stdin.close()
        producer.wait(timeout=60)
        sampler.stopping.set()
        sampler.join()
        sampler.sample()
        time.sleep(0.5)  # kcat reads at hundreds of thousands a second: the last batch is in
    finally:
        for proc in [producer] + kcats + list(procs.values()):
            if proc and proc.poll() is None:
                proc.terminate()
        for proc in [producer] + kcats + list(procs.values()):
            if proc:
                proc.wait(timeout=60)
        for f in files:
            f.close()

    _, raw_created = read_keys(keys_paths[raw_topic])
    keys, processed_created = read_keys(keys_paths[processed_topic])
    applied_at = applied_times(sampler.daemons["sink"][1], keys)
    result = {"memory_budget_mib": memory_budget_mib, "max_batch": max_batch,
              "fetch_wait_max_ms": FETCH_WAIT_MS, "phases": [],
              "rss": {}, "retention_resets": {name: retention_resets(path)
                                              for name, path in logs.items()}}
    for name, rate, count, seconds, start, applied in bounds:
        due = sent[start - first_index:]
        values = latencies(applied_at, due, start, start + count)
        # The same records, up to the moment each stage handed them on.
        stages = {stage: latencies(applied_at, due, start, start + count, created)
                  for stage, created in (("raw", raw_created), ("processed", processed_created))}
        result["phases"].append({
            "name": name, "offered_per_s": rate, "records": count,
            "achieved_offer_per_s": count / seconds if seconds > 0 else None,
            "applied": len(values),
            "p50_ms": 1000 * percentile(values, 0.50) if values else None,
            "p99_ms": 1000 * percentile(values, 0.99) if values else None,
            "p999_ms": 1000 * percentile(values, 0.999) if values else None,
            "max_ms": 1000 * values[-1] if values else None,
            "stages": {stage: {"p50_ms": 1000 * percentile(v, 0.50) if v else None,
                               "p99_ms": 1000 * percentile(v, 0.99) if v else None}
                       for stage, v in stages.items()},
        })
    for name, samples in sampler.samples.items():
        points = {}
        for target in rss_at:
            reached = [rss for persisted, rss in samples if persisted >= target]
            points[str(target)] = reached[0] if reached else None
        result["rss"][name] = points
    return result
