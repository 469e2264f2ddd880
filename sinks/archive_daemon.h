#pragma once
// The archive daemon: a sink of the raw topic (or any topic) that writes every message, byte for
// byte with its key, headers, partition, offset and timestamp, into an archive directory
// (sinks/archive_writer.h), in its own consumer group, on the daemon runtime
// (common/consumer_daemon.h: consume loop, rebalances, signals, --admin metrics and probes).
//
// Delivery: exactly once into the archive. A batch is made durable (fsync, atomic index rename)
// before its offsets are committed to Kafka, and on every assignment a partition resumes one past
// its last durable archived record, whatever Kafka's committed offset says; records at or below
// it are skipped. A kill -9 at any point therefore loses nothing and archives nothing twice.

#include <cstdint>
#include <string>

#include "common/consumer_daemon.h"
#include "common/daemon_context.h"
#include "common/status.h"
#include "sinks/archive_writer.h"

namespace headwire::sinks {

struct ArchiverOptions {
  // Kafka, consumer group, loop and readiness (common/consumer_daemon.h). Topics are set from
  // `topic`.
  common::ConsumerDaemonOptions consumer = {
      .kafka = {}, .group_id = "headwire-archive", .topics = {}, .loop = {}};
  // Admin endpoint. Default: none.
  common::DaemonOptions daemon;
  // The topic archived. Default: "headwire.articles.raw".
  std::string topic = "headwire.articles.raw";
  // Where and how segments are written; writer.dir is required.
  ArchiveWriterOptions writer;
};

struct ArchiverStats {
  uint64_t consumed = 0;
  uint64_t archived = 0;
  uint64_t skipped = 0;  // already in the archive (redelivered)
};

// Runs the daemon until SIGTERM/SIGINT/SIGHUP or, with consumer.loop.exit_at_end, until every
// assigned partition is archived to its end. Returns the counts, or the error that stopped it.
Result<ArchiverStats> RunArchiver(const ArchiverOptions& options);

}  // namespace headwire::sinks
