#pragma once
// Every topic's metadata for the tools that read a topic without a consumer group (topic_reader.h,
// producers/topic_source.h), asked so that an unreachable cluster ends them as it ends every
// stage: after KafkaOptions::connect_timeout, with ConnectivityWatch's "cannot reach bootstrap
// servers" error, instead of after a fixed wait with librdkafka's last word. Every topic is
// asked for, never one by name: a broker that creates topics on demand (the embedded one, Kafka
// by default) creates a topic a metadata request names, so a mistyped topic would be created and
// read as empty instead of reported missing. Not thread-safe.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>

#include "common/kafka_config.h"
#include "common/kafka_connectivity.h"
#include "common/status.h"

namespace headwire::common {

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

// A consumer made from `conf` whose error and statistics callbacks feed `watch` (which must
// outlive it), with its main queue redirected to the consumer queue
// (rd_kafka_poll_set_consumer): rd_kafka_consumer_poll serves the callbacks. `conf` must not
// carry an opaque of its own. InvalidArgument when librdkafka refuses the configuration.
Result<RdKafkaPtr> NewWatchedConsumer(RdKafkaConfPtr conf, ConnectivityWatch& watch);

// Every topic's metadata, asked of `consumer` (made by NewWatchedConsumer with `watch`) in
// attempts of at most a second, its events served between them. Returns watch.Check()'s
// Unavailable once the bootstrap servers have been unreachable for the watch's give_up_after,
// or Unavailable with librdkafka's last error when servers that answer gave no metadata within
// `timeout`.
Result<MetadataPtr> AllTopicsMetadata(rd_kafka_t* consumer, ConnectivityWatch& watch,
                                      std::chrono::milliseconds timeout);

}  // namespace headwire::common
