#pragma once
// Handovers: how far a processor's output went for a partition it gave up cleanly
// (proto/headwire/v1 PartitionHandover). When a rebalance takes partitions from a member, or the
// member stops, it writes one handover per partition after that partition's outputs were
// acknowledged; the member that is given the partition next reads them and decides the records
// up to the highest next offset of its group again without output. Kafka's committed offset
// alone is not enough: a group refuses commits while it rebalances, so it may lag what the
// previous owner emitted, and the next owner would emit those records a second time.
//
// A handover never claims more than was acknowledged, so the highest one of a group is a safe
// bound whatever the order or age of the records. A member that ends without giving its
// partitions up (kill -9, a lost group session) writes none: the next owner then has the
// committed offset only, and re-emits what came after it (at-least-once).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/kafka_config.h"
#include "common/kafka_consumer.h"
#include "common/record.h"
#include "common/status.h"

namespace headwire::common {

// The handover record of `group`'s partition `tp` for `handover_topic`: a PartitionHandover keyed
// "<group>/<topic>/<partition>" (a compacted topic keeps the newest of each), with the message
// headers.
OutputRecord HandoverRecord(const std::string& handover_topic, const std::string& group,
                            const TopicPartition& tp, int64_t next_offset);

// The highest handed-over next offset of each partition of one group, from the records of a
// handover topic in any order.
class HandoverTable {
 public:
  explicit HandoverTable(std::string group) : group_(std::move(group)) {}

  // Takes one record of the handover topic. Another group's handover is skipped; a record that is
  // not a PartitionHandover is counted (undecodable()) and skipped.
  void Add(const ConsumedRecord& record);
  // The highest next offset handed over for `tp`, or nullopt when none was.
  std::optional<int64_t> NextOffset(const TopicPartition& tp) const;
  // Records that were not a PartitionHandover.
  uint64_t undecodable() const { return undecodable_; }

 private:
  std::string group_;
  std::map<TopicPartition, int64_t> next_offsets_;
  uint64_t undecodable_ = 0;
};

// Reads every record of `handover_topic` into a table for `group`. Errors as ReadTopicToEnd:
// NotFound when the topic does not exist, Unavailable or TimedOut when the cluster does not
// answer within `timeout`.
Result<HandoverTable> ReadHandovers(const KafkaOptions& options, const std::string& handover_topic,
                                    const std::string& group, std::chrono::milliseconds timeout);

}  // namespace headwire::common
