#pragma once
// Reads one topic from the first record each partition still keeps to its end as of the start,
// like `kcat -C -e`, for tools that inspect a topic (`headwire dlq`). It assigns the partitions
// itself: it joins no consumer group and commits nothing, so it never disturbs a daemon.
// Consumer errors on the way are informational (librdkafka retries); only a cluster unreachable
// for KafkaOptions::connect_timeout, or a stall longer than the timeout, ends the reading. Not
// thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "common/kafka_config.h"
#include "common/kafka_consumer.h"
#include "common/status.h"

namespace headwire::common {

struct TopicReaderOptions {
  // How long the metadata (or KafkaOptions::connect_timeout, when longer), and the reading
  // between two records, may take before the reading fails. While no bootstrap server answers,
  // the reading fails after connect_timeout whatever this is. Default: 30 s.
  std::chrono::milliseconds timeout{30000};
};

// Calls `visit` with each record of `topic` present when the reading starts; records of one
// partition come in offset order. Returns the number of records read, NotFound when the topic
// does not exist (asked without naming it, so that a broker that creates topics on demand does
// not create it), Unavailable "cannot reach bootstrap servers ..." (common/kafka_connectivity.h)
// when none answered for KafkaOptions::connect_timeout, or Unavailable / TimedOut when the
// cluster answers but not in time.
Result<uint64_t> ReadTopicToEnd(const KafkaOptions& options, const std::string& topic,
                                const std::function<void(const Message&)>& visit,
                                const TopicReaderOptions& reader = {});

}  // namespace headwire::common
