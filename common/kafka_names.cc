#include "common/kafka_names.h"

#include <array>
#include <utility>

namespace headwire::common {
namespace {

// The request types of the Kafka protocol with their API keys (kafka.apache.org/protocol,
// "Api Keys"), up to the ones librdkafka's mock cluster serves.
constexpr std::array<std::pair<std::string_view, int16_t>, 29> kApiKeys{{
    {"Produce", 0},
    {"Fetch", 1},
    {"ListOffsets", 2},
    {"Metadata", 3},
    {"LeaderAndIsr", 4},
    {"StopReplica", 5},
    {"UpdateMetadata", 6},
    {"ControlledShutdown", 7},
    {"OffsetCommit", 8},
    {"OffsetFetch", 9},
    {"FindCoordinator", 10},
    {"JoinGroup", 11},
    {"Heartbeat", 12},
    {"LeaveGroup", 13},
    {"SyncGroup", 14},
    {"DescribeGroups", 15},
    {"ListGroups", 16},
    {"SaslHandshake", 17},
    {"ApiVersions", 18},
    {"CreateTopics", 19},
    {"DeleteTopics", 20},
    {"DeleteRecords", 21},
    {"InitProducerId", 22},
    {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},
    {"WriteTxnMarkers", 27},
    {"TxnOffsetCommit", 28},
}};

// Errors Kafka renamed after librdkafka 2.0 took their names.
constexpr std::array<std::pair<std::string_view, rd_kafka_resp_err_t>, 1> kRenamedErrors{{
    {"NOT_LEADER_OR_FOLLOWER", RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION},
}};

}  // namespace

std::optional<int16_t> KafkaApiKeyFromName(std::string_view name) {
  for (const auto& [api, key] : kApiKeys) {
    if (api == name) return key;
  }
  return std::nullopt;
}

std::optional<rd_kafka_resp_err_t> KafkaErrorFromName(std::string_view name) {
  for (const auto& [renamed, code] : kRenamedErrors) {
    if (renamed == name) return code;
  }
  const rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  for (size_t i = 0; i < count; ++i) {
    if (descs[i].name != nullptr && descs[i].code >= 0 && name == descs[i].name) {
      return descs[i].code;
    }
  }
  return std::nullopt;
}

}  // namespace headwire::common
