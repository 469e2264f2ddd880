#include "common/broker_control.h"

#include <gtest/gtest.h>

namespace headwire::common {
namespace {

TEST(BrokerControlTest, DownAndUpNameABroker) {
  auto down = ParseBrokerControl("down 2");
  ASSERT_TRUE(down.has_value()) << down.error().message();
  EXPECT_EQ(down->kind, BrokerControlKind::kDown);
  EXPECT_EQ(down->broker_id, 2);
  auto up = ParseBrokerControl("  up\t3 ");
  ASSERT_TRUE(up.has_value()) << up.error().message();
  EXPECT_EQ(up->kind, BrokerControlKind::kUp);
  EXPECT_EQ(up->broker_id, 3);
}

TEST(BrokerControlTest, RttTakesBrokerAndMilliseconds) {
  auto rtt = ParseBrokerControl("rtt 1 250");
  ASSERT_TRUE(rtt.has_value()) << rtt.error().message();
  EXPECT_EQ(rtt->kind, BrokerControlKind::kRtt);
  EXPECT_EQ(rtt->broker_id, 1);
  EXPECT_EQ(rtt->rtt_ms, 250);
}

TEST(BrokerControlTest, ErrorsTakeKafkaNames) {
  auto errors = ParseBrokerControl("errors Produce 5 NOT_LEADER_OR_FOLLOWER");
  ASSERT_TRUE(errors.has_value()) << errors.error().message();
  EXPECT_EQ(errors->kind, BrokerControlKind::kErrors);
  EXPECT_EQ(errors->api_key, 0);
  EXPECT_EQ(errors->count, 5);
  EXPECT_EQ(errors->error, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);

  auto commit = ParseBrokerControl("errors OffsetCommit 2 REBALANCE_IN_PROGRESS");
  ASSERT_TRUE(commit.has_value()) << commit.error().message();
  EXPECT_EQ(commit->api_key, 8);
  EXPECT_EQ(commit->error, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS);
}

TEST(BrokerControlTest, BadLinesSayWhatIsWrong) {
  const auto message = [](std::string_view line) {
    auto parsed = ParseBrokerControl(line);
    EXPECT_FALSE(parsed.has_value()) << line;
    return parsed ? std::string() : parsed.error().message();
  };
  EXPECT_NE(message("reboot 1").find("unknown command \"reboot\""), std::string::npos);
  EXPECT_NE(message("down").find("usage: down ID"), std::string::npos);
  EXPECT_NE(message("down 1 2").find("usage: down ID"), std::string::npos);
  EXPECT_NE(message("down zero").find("ID must be an integer >= 1"), std::string::npos);
  EXPECT_NE(message("rtt 1 -5").find("MS must be an integer >= 0"), std::string::npos);
  EXPECT_NE(message("errors Produc 1 NOT_LEADER_OR_FOLLOWER").find("unknown Kafka API"),
            std::string::npos);
  EXPECT_NE(message("errors Produce 0 NOT_LEADER_OR_FOLLOWER").find("COUNT must be"),
            std::string::npos);
  EXPECT_NE(message("errors Fetch 1 NO_SUCH_ERROR").find("unknown Kafka error"), std::string::npos);
  EXPECT_NE(message("   ").find("empty command"), std::string::npos);
}

}  // namespace
}  // namespace headwire::common
