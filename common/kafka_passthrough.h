#pragma once
// A baseline for a processor on a broker: raw librdkafka consume -> produce of the same messages
// and nothing else. It reads every partition of the input topic from the start (assigned
// directly, no group join), produces each message's key, value and headers to the output topic
// with the producer and consumer settings headwire's clients use (ProducerDefaultProperties,
// ConsumerDefaultProperties; the consumer's offsets are assigned, not reset), and after
// every `batch` messages waits for their delivery reports and then commits the consumed offsets
// (asynchronously, as headwire does; its durable offsets are in RocksDB, which this leaves out).
// With `batch` at the processor's batch size it waits for delivery about as headwire's daemons
// do; with a `batch` above the message count it flushes once, at the end: the raw-librdkafka
// rate on those messages, which `headwire bench` uses as its baseline. It stops at the end of
// every partition. Used by `headwire bench` and by bench/kafka_passthrough (bench/run).

#include <cstdint>
#include <string>

#include "common/kafka_config.h"
#include "common/status.h"

namespace headwire::common {

struct PassthroughOptions {
  // The brokers and the user's librdkafka properties (applied after the settings above).
  KafkaOptions kafka;
  // Topic read to its end. Required.
  std::string input;
  // Topic written. Required.
  std::string output;
  // Messages per flush and commit; above the message count, one flush at the end. Default: 1,000.
  int64_t batch = 1000;
  // Consumer group the offsets are committed to. Default: "kafka-passthrough".
  std::string group = "kafka-passthrough";
};

struct PassthroughResult {
  uint64_t records = 0;  // messages consumed and produced
  double seconds = 0;    // from the first message read to the last commit; 0 for no message
};

// Copies `options.input` to `options.output` as above. Returns InvalidArgument for options that
// cannot be used (no topic, a batch below 1, a property librdkafka refuses), NotFound for an
// input topic without partitions, Unavailable for a consume or produce error or messages not
// delivered within kDefaultFlushTimeout; what was copied before an error stays copied.
Result<PassthroughResult> RunKafkaPassthrough(const PassthroughOptions& options);

}  // namespace headwire::common
