#include "common/kafka_names.h"

#include <gtest/gtest.h>

namespace headwire::common {
namespace {

TEST(KafkaNamesTest, ApiNamesMapToProtocolKeys) {
  EXPECT_EQ(KafkaApiKeyFromName("Produce"), 0);
  EXPECT_EQ(KafkaApiKeyFromName("Fetch"), 1);
  EXPECT_EQ(KafkaApiKeyFromName("OffsetCommit"), 8);
  EXPECT_EQ(KafkaApiKeyFromName("JoinGroup"), 11);
  EXPECT_EQ(KafkaApiKeyFromName("produce"), std::nullopt);
  EXPECT_EQ(KafkaApiKeyFromName(""), std::nullopt);
}

TEST(KafkaNamesTest, ErrorNamesComeFromLibrdkafkaAndTodaysKafka) {
  EXPECT_EQ(KafkaErrorFromName("NOT_LEADER_FOR_PARTITION"),
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  EXPECT_EQ(KafkaErrorFromName("NOT_LEADER_OR_FOLLOWER"),
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  EXPECT_EQ(KafkaErrorFromName("REQUEST_TIMED_OUT"), RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  EXPECT_EQ(KafkaErrorFromName("COORDINATOR_NOT_AVAILABLE"),
            RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE);
}

TEST(KafkaNamesTest, ClientSideAndUnknownErrorsAreRefused) {
  EXPECT_EQ(KafkaErrorFromName("_TRANSPORT"), std::nullopt);
  EXPECT_EQ(KafkaErrorFromName("NO_ERROR_AT_ALL"), std::nullopt);
  EXPECT_EQ(KafkaErrorFromName(""), std::nullopt);
}

}  // namespace
}  // namespace headwire::common
