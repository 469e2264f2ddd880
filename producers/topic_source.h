#pragma once
// Replays a Kafka topic from an offset or an event time, up to the end each partition had when
// the replay started. It reads without a consumer group (partitions assigned directly), so it
// takes nothing from the live daemons.
//
// Start per partition: --from-offset (clamped to what the broker keeps); else the first record
// whose event time is at least `from_time_ms`, found by a binary search over the partition's
// offsets, reading one record per probe (the embedded broker does not answer offsetsForTimes,
// and a record's event time is inside its value anyway). The search assumes event times do not
// decrease within a partition, as when files sorted by time are produced; the replay still
// filters every record by the time range. Records come in each partition's offset order. Not
// thread-safe.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/kafka_config.h"
#include "producers/replay_source.h"

namespace headwire::producers {

struct TopicSourceOptions {
  common::KafkaOptions kafka;
  // The topic. Required.
  std::string topic;
  // First offset of every partition. Default: none.
  std::optional<int64_t> from_offset;
  // Without from_offset: start at the first record with at least this event time. Default: none
  // (the first record kept).
  std::optional<int64_t> from_time_ms;
  // How long a metadata request or one record may take. Default: 10 s.
  std::chrono::milliseconds timeout{10000};
};

class TopicSource : public ReplaySource {
 public:
  // Returns NotFound for an unknown topic, Unavailable when the broker does not answer.
  static Result<std::unique_ptr<TopicSource>> Open(const TopicSourceOptions& options);

  Result<std::optional<common::ArchiveRecord>> Next() override;
  std::optional<double> Fraction() const override;

  // Where each partition starts (for logs and tests).
  const std::map<int32_t, int64_t>& starts() const { return start_; }

 private:
  TopicSource() = default;
  // The event time of the record at `offset` of `partition`.
  Result<int64_t> EventTimeAt(int32_t partition, int64_t offset);
  // The first offset in [low, high) whose record's event time is >= `time_ms`.
  Result<int64_t> SearchTime(int32_t partition, int64_t low, int64_t high, int64_t time_ms);
  Status Assign(const std::map<int32_t, int64_t>& offsets);

  TopicSourceOptions options_;
  common::RdKafkaPtr rk_;
  std::map<int32_t, int64_t> start_;
  std::map<int32_t, int64_t> end_;   // one past the last offset to replay
  std::map<int32_t, int64_t> next_;  // next offset expected per unfinished partition
  uint64_t total_ = 0;
  uint64_t read_ = 0;
};

}  // namespace headwire::producers
