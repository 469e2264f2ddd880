#pragma once
// The archive daemon: a sink of the raw topic (or any topic) that writes every message, byte for
// byte with its key, headers, partition, offset and timestamp, into an archive directory
// (sinks/archive_writer.h), in its own consumer group.
//
// Delivery: exactly once into the archive. A batch is made durable (fsync, atomic index rename)
// before its offsets are committed to Kafka, and on every assignment a partition resumes one past
// its last durable archived record, whatever Kafka's committed offset says; records at or below
// it are skipped. A kill -9 at any point therefore loses nothing and archives nothing twice.

#include <cstdint>
#include <string>

#include "common/consume_loop.h"
#include "common/kafka_config.h"
#include "common/status.h"
#include "sinks/archive_writer.h"

namespace headwire::sinks {

struct ArchiverOptions {
  common::KafkaOptions kafka;
  // Consumer group of the archivers. Default: "headwire-archive".
  std::string group_id = "headwire-archive";
  // The topic archived. Default: "headwire.articles.raw".
  std::string topic = "headwire.articles.raw";
  // Where and how segments are written; writer.dir is required.
  ArchiveWriterOptions writer;
  common::ConsumeLoopOptions loop;
};

struct ArchiverStats {
  uint64_t consumed = 0;
  uint64_t archived = 0;
  uint64_t skipped = 0;  // already in the archive (redelivered)
};

// Runs the daemon until SIGTERM/SIGINT or, with options.loop.exit_at_end, until every assigned
// partition is archived to its end. Returns the counts, or the error that stopped it.
Result<ArchiverStats> RunArchiver(const ArchiverOptions& options);

}  // namespace headwire::sinks
