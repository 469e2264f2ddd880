#include "common/partition_offsets.h"

#include <algorithm>
#include <memory>

#include "common/kafka_config.h"

namespace headwire::common {
namespace {

// The offset ListOffsets answers for `which` (RD_KAFKA_OFFSET_BEGINNING or RD_KAFKA_OFFSET_END,
// which a broker reads as "earliest" and "latest"), waiting until `deadline` at most.
Result<int64_t> ListOffset(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                           int64_t which, std::chrono::steady_clock::time_point deadline) {
  const std::string name = topic + "/" + std::to_string(partition);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  RdKafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = which;
  const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(
      rk, list.get(), static_cast<int>(std::max<int64_t>(1, left.count())));
  const rd_kafka_resp_err_t partition_err = list->elems[0].err;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || partition_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable(
        "the offsets " + name +
        " holds: " + rd_kafka_err2str(err != RD_KAFKA_RESP_ERR_NO_ERROR ? err : partition_err)));
  }
  // Without an answer in time the request's offset comes back as it was asked.
  if (list->elems[0].offset < 0) {
    return Err(Status::Unavailable(
        "the offsets " + name + " holds: its leader did not answer in " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(left).count()) + " s"));
  }
  return list->elems[0].offset;
}

}  // namespace

Result<HeldOffsets> QueryHeldOffsets(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto first = ListOffset(rk, topic, partition, RD_KAFKA_OFFSET_BEGINNING, deadline);
  if (!first) return Err(first.error());
  auto end = ListOffset(rk, topic, partition, RD_KAFKA_OFFSET_END, deadline);
  if (!end) return Err(end.error());
  return HeldOffsets{*first, *end};
}

}  // namespace headwire::common
