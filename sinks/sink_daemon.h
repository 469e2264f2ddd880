#pragma once
// The sink daemon: consumes processed articles and applies them to the ArticleStore.
//
// Delivery guarantee: effectively once. Each batch's state changes and the offsets of the
// records that caused them are written in ONE RocksDB WriteBatch; the sink resumes from the
// offsets in RocksDB (from the start of a partition they do not cover), never from Kafka's
// committed offsets. It runs on the daemon runtime (common/consumer_daemon.h) and assigns itself
// every partition of its input: a sink holds the whole state, so partitions are never shared.
// A crash at any point therefore loses nothing (records after the stored offsets are read
// again) and counts nothing twice (re-applying a record is a no-op, see article_store.h).
//
// Late records (core/watermark.h) are counted in the state and, with LatePolicy::kDeadLetter,
// also produced to the DLQ topic; dead letters are flushed before the batch that counted them
// is committed, so they are at least once.
//
// Checkpoints are RocksDB checkpoints of the whole database, offsets included, so each is a
// consistent (state, resume position) pair by construction. A sink started from one resumes at
// its offsets and ends with the same state as a sink that never stopped.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/consumer_daemon.h"
#include "common/daemon_context.h"
#include "common/status.h"
#include "sinks/article_store.h"
#include "sinks/http_server.h"
#include "sinks/record_applier.h"

namespace headwire::sinks {

struct SinkOptions {
  // Kafka, consumer group (default "headwire-sink"), loop, flush timeout and readiness bound
  // (common/consumer_daemon.h). The sink assigns itself every partition of its input (it holds
  // the whole state), so a second sink in the same group reads everything too; the group only
  // receives commits, for lag tools.
  common::ConsumerDaemonOptions consumer = {
      .kafka = {},
      .group_id = "headwire-sink",
      .topics = {},
      .assignment = common::PartitionAssignment::kAllPartitions,
      .loop = {}};
  // Input topic. Default: "headwire.articles.processed".
  std::string processed_topic = "headwire.articles.processed";
  // RocksDB directory of the state. Required.
  std::string state_dir;
  // Memory budget, watermark, retention, story and trending settings (article_store.h).
  StoreOptions store;
  // What happens to late records (record_applier.h).
  RecordApplierOptions apply;
  // A partition with no record for this long (processing time), or every partition once the
  // sink has caught up with the end of its input, no longer holds the watermark back.
  // Default: 30 s.
  std::chrono::milliseconds idle_after{30'000};
  // Directory under which checkpoints are written, one subdirectory "offsets-<N>" each, where N
  // is the number of input records the checkpoint covers (the sum of its resume offsets).
  // Default: "" (no checkpoints; SIGUSR1 is then ignored with a warning). A checkpoint that
  // cannot be written is logged as an error and counted (SinkStats::failed_checkpoints), and the
  // sink goes on.
  std::string checkpoint_dir;
  // Take a checkpoint after every this many consumed records (at the end of the batch that
  // crosses it). Default: 0 (only on demand, SIGUSR1).
  uint64_t checkpoint_interval_records = 0;
  // Start from this checkpoint: copied into state_dir, which must not exist or be empty.
  // Default: "" (start from state_dir as it is).
  std::string from_checkpoint;
  // Serve the HTTP API and live page (sinks/http_server.h) while running. Default: none.
  std::optional<HttpServerOptions> http;
  // Admin endpoint and liveness (common/daemon_context.h).
  common::DaemonOptions daemon;
};

struct SinkStats {
  uint64_t consumed = 0;
  uint64_t rejected = 0;
  uint64_t late = 0;
  uint64_t other_topics = 0;  // skipped: none of the kept topics (RecordApplierOptions::topics)
  uint64_t checkpoints = 0;
  uint64_t failed_checkpoints = 0;  // could not be written; logged, and the sink went on
};

// Runs the daemon until SIGTERM/SIGINT/SIGHUP or, with options.loop.exit_at_end, the end of input.
Result<SinkStats> RunSink(const SinkOptions& options);

}  // namespace headwire::sinks
