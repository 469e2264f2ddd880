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
// filters every record by the time range.
//
// Order: partitions are merged by event time, as the archive source merges them
// (archive_source.h): the next record is the earliest-event-time head of the partitions not yet
// at their end, the lowest partition on a tie, and each partition's records come in offset
// order. A partition with nothing in hand is read (waiting up to `timeout`) before anything is
// delivered, so a slow partition delays the replay instead of reordering it. Each partition is
// read from its own queue; memory is bounded per partition by `batch_records` records held for
// the merge and by `prefetch_kbytes` that librdkafka fetches ahead (plus one fetch response,
// max.partition.fetch.bytes), whatever the topic's size. Records the broker deletes (retention)
// before the replay reads them end it with NotFound naming them: never a silent jump to what is
// left. Not thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/kafka_config.h"
#include "common/kafka_connectivity.h"
#include "producers/event_time_merge.h"
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
  // How long a metadata request (or kafka.connect_timeout, when longer) or one record may take.
  // While no bootstrap server answers, the source gives up after kafka.connect_timeout whatever
  // this is. Default: 10 s.
  std::chrono::milliseconds timeout{10000};
  // Records taken from a partition at a time and held for the merge; at least 1. Default: 500.
  size_t batch_records = 500;
  // Kilobytes librdkafka fetches ahead per partition (queued.max.messages.kbytes, which applies
  // per partition as each one has its own queue; a -X property overrides it). Default: 1024.
  int prefetch_kbytes = 1024;
};

class TopicSource : public ReplaySource {
 public:
  // Returns NotFound for an unknown topic, Unavailable when the broker does not answer ("cannot
  // reach bootstrap servers ..." after kafka.connect_timeout when none answers at all),
  // InvalidArgument for a batch_records of 0.
  static Result<std::unique_ptr<TopicSource>> Open(const TopicSourceOptions& options);

  Result<std::optional<common::ArchiveRecord>> Next() override;
  std::optional<double> Fraction() const override;
  // Records before from_time_ms are not read (the search starts after them), but every record
  // up to the end of each partition is: an upper bound is counted, and so is a lower bound that
  // the start was not searched for.
  bool FractionLeavesOut(const TimeRange& range) const override;

  // Where each partition starts (for logs and tests).
  const std::map<int32_t, int64_t>& starts() const { return start_; }
  // Records held for the merge, over all partitions (for tests of the bound).
  size_t held() const;

 private:
  struct QueueDeleter {
    void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
  };
  struct Partition {
    int64_t next = 0;  // next offset expected
    int64_t end = 0;   // one past the last offset to replay
    std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue;
    std::deque<common::ArchiveRecord> buffered;
    int64_t merged_event_ms = kNothingMerged;  // see event_time_merge.h
  };

  TopicSource() = default;
  // The event time of the record at `offset` of `partition`.
  Result<int64_t> EventTimeAt(int32_t partition, int64_t offset);
  // The first offset in [low, high) whose record's event time is >= `time_ms`.
  Result<int64_t> SearchTime(int32_t partition, int64_t low, int64_t high, int64_t time_ms);
  Status Assign(const std::map<int32_t, int64_t>& offsets);
  // Gives each partition to replay its own queue, then assigns them at their starts.
  Status StartPartitions();
  // When `p` has nothing in hand and is not at its end: waits for its next record, then takes
  // what else its queue holds, up to batch_records.
  Status Refill(int32_t partition, Partition& p);
  // NotFound naming the records of `partition` from `next` on that the broker deleted unread.
  Status RecordsDeleted(int32_t partition, int64_t next);
  // Serves the consumer queue (statistics, logs, errors); returns a fatal error.
  Status ServeEvents();

  TopicSourceOptions options_;
  // Declared before rk_: the client feeds it until it is destroyed.
  std::unique_ptr<common::ConnectivityWatch> watch_;
  common::RdKafkaPtr rk_;
  std::map<int32_t, int64_t> start_;
  // Declared after rk_: the queues go before the client does.
  std::map<int32_t, Partition> partitions_;  // those with records to replay
  uint64_t total_ = 0;
  uint64_t read_ = 0;
};

}  // namespace headwire::producers
