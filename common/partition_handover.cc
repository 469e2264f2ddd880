#include "common/partition_handover.h"

#include <algorithm>
#include <utility>

#include "common/proto_convert.h"
#include "common/topic_reader.h"
#include "headwire/v1/article.pb.h"

namespace headwire::common {

OutputRecord HandoverRecord(const std::string& handover_topic, const std::string& group,
                            const TopicPartition& tp, int64_t next_offset) {
  v1::PartitionHandover handover;
  handover.set_group(group);
  handover.set_topic(tp.topic);
  handover.set_partition(tp.partition);
  handover.set_next_offset(next_offset);
  // Topic names cannot hold '/' and the partition is a number, so the key is read unambiguously
  // from the right whatever the group's name.
  return {.topic = handover_topic,
          .key = group + "/" + tp.topic + "/" + std::to_string(tp.partition),
          .value = handover.SerializeAsString(),
          .headers = MessageHeaders(v1::PartitionHandover::descriptor()->full_name()),
          .partition = std::nullopt};
}

void HandoverTable::Add(const ConsumedRecord& record) {
  v1::PartitionHandover handover;
  if (record.type != v1::PartitionHandover::descriptor()->full_name() ||
      !handover.ParseFromArray(record.value.data(), static_cast<int>(record.value.size()))) {
    ++undecodable_;
    return;
  }
  if (handover.group() != group_) return;
  const TopicPartition tp{handover.topic(), handover.partition()};
  auto [it, inserted] = next_offsets_.emplace(tp, handover.next_offset());
  if (!inserted) it->second = std::max(it->second, handover.next_offset());
}

std::optional<int64_t> HandoverTable::NextOffset(const TopicPartition& tp) const {
  const auto it = next_offsets_.find(tp);
  if (it == next_offsets_.end()) return std::nullopt;
  return it->second;
}

Result<HandoverTable> ReadHandovers(const KafkaOptions& options, const std::string& handover_topic,
                                    const std::string& group, std::chrono::milliseconds timeout) {
  HandoverTable table(group);
  auto read = ReadTopicToEnd(options, handover_topic,
                             [&](const Message& message) { table.Add(message.record()); },
                             {.timeout = timeout});
  if (!read) return Err(read.error());
  return table;
}

}  // namespace headwire::common
