#pragma once
// Kafka's names for protocol APIs and error codes, as operators and the Kafka documentation
// write them ("Produce", "NOT_LEADER_OR_FOLLOWER"), mapped to librdkafka's numbers. Error names
// come from librdkafka's own table (rd_kafka_get_err_descs); API names from the Kafka protocol's
// request list, which librdkafka does not export. Pure functions, thread-safe.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace headwire::common {

// The API key of a Kafka request named as in the protocol ("Produce", "Fetch", "OffsetCommit",
// ...), case-sensitive; nullopt for an unknown name.
std::optional<int16_t> KafkaApiKeyFromName(std::string_view name);

// The broker error named `name` as librdkafka names it ("NOT_LEADER_FOR_PARTITION") or as
// Kafka names it today ("NOT_LEADER_OR_FOLLOWER"); nullopt for an unknown name and for
// librdkafka's client-side errors (negative codes, names starting with '_'), which no broker
// sends.
std::optional<rd_kafka_resp_err_t> KafkaErrorFromName(std::string_view name);

}  // namespace headwire::common
