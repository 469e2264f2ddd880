#pragma once
// The processor daemon: consumes raw articles, runs the article pipeline (validate, canonicalise,
// exact dedup, classify) and writes
//   - every valid article with its verdicts to the processed topic,
//   - each unique article to the topic stream of every topic it was given,
//   - what cannot be decoded or validated to the dead-letter topic, with the reason.
//
// Delivery: at-least-once with deterministic replay. A batch's outputs are flushed (acknowledged
// by the brokers) before its dedup memory and consumed offsets are written to RocksDB in one
// WriteBatch; meanwhile the next batch is already decided (its predecessor's changes sealed in
// memory, ArticleDecider::Seal). After a crash the processor resumes from the stored offsets with
// the stored memory, so it re-emits exactly the records of the unfinished batches, byte for
// byte; consumers that key on the article id (the sink) see no difference.
//
// Scale-out: each raw partition is a dedup domain with its own state (processors/
// article_decider.h); the instances of one group each own some partitions at once, and a
// partition moves between them on a rebalance. Fail-over is per partition: an instance
// that is assigned a partition while its own state is behind how far output went (the group's
// committed offset, or the previous owner's handover when it gave the partition up cleanly:
// common/partition_handover.h) first decides the records in between again without emitting
// them, from the partition's start when it has no state. That rebuilds the previous
// owner's state exactly, so verdicts do not depend on which instance made them; it needs the raw
// topic to keep the records the instance's state lacks. With snapshots (snapshot_dir,
// from_snapshot) a domain the instance has no state for starts from the newest snapshot of it
// instead of the partition's start.
//
// Threads: with parallel.workers above 1, what depends on a record alone (decoding, validation,
// classification, features) runs on that many worker threads while the dedup and story decisions
// stay on the daemon's thread, in offset order (processors/ordered_decider.h): the outputs, their
// order, the offsets and the dead letters are those of one thread.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "common/consumer_daemon.h"
#include "common/daemon_context.h"
#include "common/status.h"
#include "core/topic_classifier.h"
#include "processors/article_decider.h"
#include "processors/ordered_decider.h"

namespace headwire::processors {

struct ProcessorOptions {
  // Kafka, consumer group (default "headwire-process"), loop, flush timeout, readiness bound and
  // handover topic (default "headwire.process.handover"; common/consumer_daemon.h); the input
  // topic is raw_topic.
  common::ConsumerDaemonOptions consumer = {.kafka = {},
                                            .group_id = "headwire-process",
                                            .topics = {},
                                            .loop = {},
                                            .produces = true,
                                            .handover_topic = "headwire.process.handover"};
  // Input topic. Default: "headwire.articles.raw".
  std::string raw_topic = "headwire.articles.raw";
  // RocksDB directory of the dedup memory and offsets. Required.
  std::string state_dir;
  // Output topics, validation limits, dedup windows and story settings.
  ArticleDeciderOptions decide;
  // Worker threads that prepare records ahead of the decisions (none by default).
  OrderedDeciderOptions parallel;
  // Directory under which snapshots of each domain the instance decides are written, with their
  // offsets: <dir>/<raw topic>/partition-<P>/offset-<O> (processors/domain_snapshots.h).
  // Default: "" (no snapshots).
  std::string snapshot_dir;
  // Snapshot every domain that advanced after every this many consumed records (at the end of
  // the batch that crosses it). Default: 0 (none).
  uint64_t snapshot_interval_records = 0;
  // Snapshots kept per domain; older ones are deleted after each new one. Default: 3.
  size_t snapshot_keep = 3;
  // Directory of snapshots (as snapshot_dir writes them) to start domains from: a domain this
  // instance is assigned and holds no state for starts from its newest snapshot there and catches
  // up from the snapshot's offset, so it needs the raw topic only from there on. Default: ""
  // (such a domain is rebuilt from its partition's start).
  std::string from_snapshot;
  // Admin endpoint and liveness (common/daemon_context.h).
  common::DaemonOptions daemon;
};

struct ProcessorStats {
  uint64_t consumed = 0;
  uint64_t unique = 0;
  uint64_t duplicates = 0;
  uint64_t dead_lettered = 0;
  // Records decided again without output while catching up with a previous owner's progress.
  uint64_t replayed = 0;
  uint64_t snapshots = 0;
  std::map<std::string, uint64_t> per_topic;  // unique articles written per topic stream
};

// Runs the daemon until SIGTERM/SIGINT/SIGHUP or, with options.loop.exit_at_end, the end of input.
// Returns the counts, or the error that stopped it (bad options, state, fatal Kafka errors,
// undeliverable output).
Result<ProcessorStats> RunProcessor(const ProcessorOptions& options,
                                    const core::TopicClassifier& classifier);

}  // namespace headwire::processors
