#include "common/mock_cluster.h"

#include <gtest/gtest.h>

namespace headwire::common {
namespace {

TEST(MockClusterTest, FaultCommandsApplyToExistingBrokersOnly) {
  auto cluster = MockCluster::Start({.brokers = 2, .partitions = 2, .topics = {{"t"}}});
  ASSERT_TRUE(cluster.has_value()) << cluster.error().message();
  EXPECT_TRUE((*cluster)->Apply({.kind = BrokerControlKind::kDown, .broker_id = 2}).ok());
  EXPECT_TRUE((*cluster)->Apply({.kind = BrokerControlKind::kUp, .broker_id = 2}).ok());
  EXPECT_TRUE(
      (*cluster)->Apply({.kind = BrokerControlKind::kRtt, .broker_id = 1, .rtt_ms = 5}).ok());
  const Status missing = (*cluster)->Apply({.kind = BrokerControlKind::kDown, .broker_id = 3});
  EXPECT_TRUE(missing.IsInvalidArgument());
  EXPECT_NE(missing.message().find("brokers 1..2"), std::string::npos);
}

}  // namespace
}  // namespace headwire::common
