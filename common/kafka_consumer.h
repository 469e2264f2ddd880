#pragma once
// A Kafka consumer-group member over librdkafka, for daemons whose progress is stored with
// their state (RocksDB) rather than in Kafka.
//
// On every assignment the consumer reads the group's committed offsets and asks `stored_offset`
// where each partition resumes; Kafka's committed offsets are only the fallback (and then
// auto.offset.reset=earliest). The committed offset is passed along because it tells a stateful
// owner how far a previous owner got, which may be further than its own state. Before
// partitions are revoked it calls `before_revoke`, so the owner can persist the batch in flight
// while it still owns them. Assignment is cooperative-sticky: a rebalance moves only the
// partitions that must move. Offsets are also committed to Kafka after each persisted batch, so
// lag tools work. Consumer errors are informational (librdkafka recovers by itself) and are
// logged; only fatal errors end Poll(). Not thread-safe.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/kafka_config.h"
#include "common/status.h"

namespace headwire::common {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// One consumed record. Views stay valid while the Message lives.
class Message {
 public:
  explicit Message(rd_kafka_message_t* raw) : raw_(raw) {}
  std::string_view topic() const { return rd_kafka_topic_name(raw_->rkt); }
  int32_t partition() const { return raw_->partition; }
  int64_t offset() const { return raw_->offset; }
  std::string_view key() const;
  std::string_view value() const;
  // The last header of that name, or nullopt.
  std::optional<std::string_view> header(const char* name) const;
  // Every header (name, value), in order.
  std::vector<std::pair<std::string_view, std::string_view>> headers() const;
  // The record's timestamp (create or log-append time), ms since the epoch; -1 if it has none.
  int64_t timestamp_ms() const;

 private:
  struct Deleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  };
  std::unique_ptr<rd_kafka_message_t, Deleter> raw_;
};

// A resume offset that means "the partition's first record still kept".
inline constexpr int64_t kOffsetBeginning = RD_KAFKA_OFFSET_BEGINNING;

// What the consumer group knows of a partition at assignment.
struct GroupOffset {
  // The group's committed next offset; nullopt when none was committed.
  std::optional<int64_t> committed;
  // False when the group coordinator did not answer: `committed` is then unknown.
  bool known = true;
};

struct ConsumerCallbacks {
  // Where a newly assigned partition resumes: the next offset to read (or kOffsetBeginning), or
  // nullopt to use the group's committed offset.
  std::function<std::optional<int64_t>(const TopicPartition&, const GroupOffset&)> stored_offset;
  // Called before partitions are taken away, while they are still owned.
  std::function<void(const std::vector<TopicPartition>&)> before_revoke;
};

class KafkaConsumer {
 public:
  // Joins `group_id` and subscribes to `topics`. Returns InvalidArgument for a bad property.
  static Result<std::unique_ptr<KafkaConsumer>> Create(const KafkaOptions& options,
                                                       const std::string& group_id,
                                                       const std::vector<std::string>& topics,
                                                       ConsumerCallbacks callbacks);
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;
  ~KafkaConsumer();

  // Returns the next record, nullopt when none arrived within `timeout`, or an error when the
  // consumer failed fatally.
  Result<std::optional<Message>> Poll(std::chrono::milliseconds timeout);

  // True when partitions are assigned and every one has been read to its end (the high
  // watermark seen at the last fetch). Used by --exit-at-end.
  bool CaughtUp() const;

  // Commits `next_offsets` (the next offset to read per partition) to the group, asynchronously.
  void CommitAsync(const std::map<TopicPartition, int64_t>& next_offsets);

  // Leaves the group cleanly (revoking, with before_revoke, first).
  void Close();

  size_t assigned_count() const { return at_end_.size(); }

 private:
  KafkaConsumer() = default;
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);

  RdKafkaPtr rk_;
  ConsumerCallbacks callbacks_;
  std::map<TopicPartition, bool> at_end_;
  bool closed_ = false;
};

}  // namespace headwire::common
