#pragma once
// The sink daemon: consumes processed articles and applies them to the ArticleStore.
//
// Delivery guarantee: effectively once. Each batch's state changes and the offsets of the
// records that caused them are written in ONE RocksDB WriteBatch; on start and on every
// assignment the sink resumes from the offsets in RocksDB, not from Kafka's committed offsets.
// A crash at any point therefore loses nothing (records after the stored offsets are read
// again) and counts nothing twice (re-applying a record is a no-op, see article_store.h).

#include <cstdint>
#include <string>

#include "common/consume_loop.h"
#include "common/kafka_config.h"
#include "common/status.h"

namespace headwire::sinks {

struct SinkOptions {
  common::KafkaOptions kafka;
  // Consumer group of the sinks. Default: "headwire-sink".
  std::string group_id = "headwire-sink";
  // Input topic. Default: "headwire.articles.processed".
  std::string processed_topic = "headwire.articles.processed";
  // RocksDB directory of the state. Required.
  std::string state_dir;
  // Block cache shared by the column families, in bytes. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
  common::ConsumeLoopOptions loop;
};

struct SinkStats {
  uint64_t consumed = 0;
  uint64_t rejected = 0;
};

// Runs the daemon until SIGTERM/SIGINT or, with options.loop.exit_at_end, the end of input.
Result<SinkStats> RunSink(const SinkOptions& options);

}  // namespace headwire::sinks
