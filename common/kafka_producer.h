#pragma once
// A Kafka producer for headwire's outputs, over librdkafka. Idempotent with acks=all by default,
// so broker retries never duplicate or reorder a partition's messages.
//
// Producing is asynchronous: Produce() only enqueues. The delivery report decides the outcome,
// and Flush() waits for all of them: a daemon persists its progress only after Flush() returned
// OK, which is what makes its output at-least-once. Errors: Produce() fails only for a message
// librdkafka refuses outright (too large, unknown topic in strict mode); a full local queue is
// waited out, for as long as the caller's `keep_waiting` lets it (a daemon ends the wait on a
// stop: room may never come, see Produce()). Delivery failures are final after librdkafka's own
// retries (message.timeout.ms) and so is the producer's failure: once a message failed, Flush(),
// Delivered() and WaitDelivered() report it from then on, whatever they are asked about, so that no
// later persist can take a batch with a lost output for delivered (every user stops and redoes its
// batch on restart). When the bootstrap servers cannot be reached at all for
// KafkaOptions::connect_timeout, Flush() gives up early with Unavailable naming them and
// --bootstrap (common/kafka_connectivity.h), rather than waiting out message.timeout.ms.
// Not thread-safe (connectivity()'s readers excepted).

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/kafka_config.h"
#include "common/kafka_connectivity.h"
#include "common/record.h"
#include "common/status.h"

namespace headwire::common {

// The librdkafka properties every producer headwire makes starts from (the user's properties are
// applied after them): idempotent, acks=all, lz4, linger.ms=5, deliveries timed out at
// kDefaultFlushTimeout, a local queue of at most 64 MiB. Shared with common/kafka_passthrough.h,
// whose baseline must use the same settings.
std::vector<std::pair<std::string, std::string>> ProducerDefaultProperties();

// The size of a message as librdkafka weighs it against message.max.bytes: key, value, and each
// header's name and value with a few bytes of framing.
size_t MessageBytes(std::string_view key, std::string_view value,
                    const std::vector<Header>& headers);

// The message.max.bytes a producer made from `options` has (its property, or librdkafka's
// default). Returns InvalidArgument for a bad property.
Result<size_t> MaxMessageBytes(const KafkaOptions& options);

class KafkaProducer {
 public:
  // Creates the producer. Returns InvalidArgument for a bad property.
  static Result<std::unique_ptr<KafkaProducer>> Create(const KafkaOptions& options);

  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;
  ~KafkaProducer();

  // Any partition: the producer picks one by the key.
  static constexpr int32_t kAnyPartition = RD_KAFKA_PARTITION_UA;

  // Enqueues one message for `topic`, on `partition`, or with kAnyPartition partitioned by `key`
  // (librdkafka's default partitioner, murmur2-compatible with Java clients). A nullopt key is a
  // missing (null) key, which Kafka tells from an empty one. Waits while the local queue is full
  // (until deliveries, or their failures after message.timeout.ms, make room: never, with
  // message.timeout.ms 0 and brokers that keep refusing the messages); returns Unavailable when
  // the brokers stay unreachable for the connect timeout meanwhile. `keep_waiting`, when given,
  // is called between the wait's slices (a few times a second), so that a daemon's loop can beat
  // and see a stop while it waits; its false ends the wait with Aborted, the message not
  // enqueued.
  Status Produce(const std::string& topic, std::optional<std::string_view> key,
                 std::string_view value, const std::vector<Header>& headers,
                 int32_t partition = kAnyPartition, const std::function<bool()>& keep_waiting = {});
  // Enqueues `record`, as Produce() above.
  Status Produce(const OutputRecord& record, const std::function<bool()>& keep_waiting = {}) {
    return Produce(record.topic, record.key, record.value, record.headers,
                   record.partition.value_or(kAnyPartition), keep_waiting);
  }

  // The number of partitions of `topic` from the brokers' metadata (a missing topic may be
  // auto-created by the request). Returns Unavailable naming the bootstrap servers when they
  // have been unreachable for the connect timeout, Unavailable when no metadata came within
  // `timeout`, NotFound when the topic does not exist. `keep_waiting`, when given, is called
  // between attempts (about one a second), so that a daemon's loop can beat and see a stop while
  // it waits; its false ends the wait with Aborted.
  Result<int32_t> PartitionCount(const std::string& topic, std::chrono::milliseconds timeout,
                                 const std::function<bool()>& keep_waiting = {});

  // Waits up to `timeout` for every enqueued message's delivery report. Returns OK when all
  // were delivered; Unavailable naming the bootstrap servers when they have been unreachable for
  // the connect timeout; otherwise an error saying how many failed or are still undelivered,
  // with the first delivery error. `meanwhile`, when given, is called between the wait's slices
  // (a few times a second), so that a daemon whose loop waits here keeps its readiness current:
  // a wait for a broker that is down lasts the whole timeout. It cannot end the wait: `timeout`
  // bounds it, and a daemon that stops waits it out to persist the batch in hand.
  Status Flush(std::chrono::milliseconds timeout, const std::function<void()>& meanwhile = {});

  // Delivery groups, for a daemon that persists a batch while it already produces the next one's
  // outputs: Seal() closes the group of messages enqueued since the previous Seal() and returns
  // its number. Delivered(group) serves delivery reports without blocking and tells whether
  // every message of that group and of all earlier ones was acknowledged; it returns the error
  // Flush() would when one of them failed. WaitDelivered() waits up to `timeout` for it, giving
  // up early, as Flush() does, when the brokers cannot be reached, and calls `meanwhile` as
  // Flush() does.
  uint64_t Seal();
  Result<bool> Delivered(uint64_t group);
  Status WaitDelivered(uint64_t group, std::chrono::milliseconds timeout,
                       const std::function<void()>& meanwhile = {});

  // Looks up the leaders of `topics` (creating them where the brokers auto-create topics), so
  // that the first message to each is sent at once instead of waiting for a metadata refresh
  // (hundreds of milliseconds per new topic). Waits up to `timeout`; returns Unavailable when
  // the lookup did not complete (producing still works, only later).
  Status Warm(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);

  // Serves delivery reports and librdkafka's callbacks without blocking; a daemon calls it while
  // it has nothing to produce, so connectivity() stays current.
  void Serve();

  ConnectivityWatch& connectivity() { return watch_; }
  // The largest message librdkafka accepts (its message.max.bytes) as MessageBytes() counts it;
  // Produce() refuses a larger one.
  size_t max_message_bytes() const { return max_message_bytes_; }

  uint64_t delivered() const { return delivered_; }
  uint64_t failed() const { return failed_; }
  // The deliveries that failed so far, as Flush() reports them; OK when none did.
  Status Failures() const { return DeliveryError(0); }

 private:
  explicit KafkaProducer(const KafkaOptions& options);
  // The error of every delivery that failed so far, with `undelivered` messages still out; OK
  // when there is neither.
  Status DeliveryError(int undelivered) const;
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static int OnStatistics(rd_kafka_t* rk, char* json, size_t json_len, void* opaque);

  ConnectivityWatch watch_;
  RdKafkaPtr rk_;
  size_t max_message_bytes_ = 0;
  uint64_t delivered_ = 0;
  uint64_t failed_ = 0;
  std::string first_error_;
  // Undelivered messages per delivery group, from group first_group_ to the open one, open_group_.
  std::deque<uint64_t> undelivered_{0};
  uint64_t first_group_ = 0;
  uint64_t open_group_ = 0;
};

}  // namespace headwire::common
