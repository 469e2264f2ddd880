#include "common/partition_offsets.h"

#include <gtest/gtest.h>

#include "common/broker_control.h"
#include "common/kafka_config.h"
#include "tests/common/input_topic.h"

namespace headwire::common {
namespace {

RdKafkaPtr Client(const std::string& bootstrap) {
  char error[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error);
  return RdKafkaPtr(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error));
}

TEST(PartitionOffsetsTest, APartitionHoldsFromItsFirstRecordToOnePastItsLast) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 7));
  const RdKafkaPtr rk = Client(input.kafka.bootstrap);
  auto held = QueryHeldOffsets(rk.get(), "in", 0, std::chrono::seconds(10));
  ASSERT_TRUE(held.has_value()) << held.error().ToString();
  EXPECT_EQ(held->first, 0);
  EXPECT_EQ(held->end, 7);
}

// librdkafka 2.0's rd_kafka_query_watermark_offsets waited here until the broker came back.
TEST(PartitionOffsetsTest, ALeaderThatIsDownIsUnavailableNotWaitedForBeyondTheTimeout) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 3));
  const RdKafkaPtr rk = Client(input.kafka.bootstrap);
  ASSERT_TRUE(QueryHeldOffsets(rk.get(), "in", 0, std::chrono::seconds(10)).has_value());
  ASSERT_TRUE(input.cluster->Apply({.kind = BrokerControlKind::kDown, .broker_id = 1}).ok());
  auto held = QueryHeldOffsets(rk.get(), "in", 0, std::chrono::seconds(2));
  ASSERT_FALSE(held.has_value());
  EXPECT_EQ(held.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(held.error().message().find("in/0"), std::string::npos) << held.error().message();
}

}  // namespace
}  // namespace headwire::common
