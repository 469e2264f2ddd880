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

// A taxonomy that renames a topic gets the renamed stream only, not the built-in name beside it.
TEST(MockClusterTest, PipelineTopicsHoldTheStreamsGivenAndNoOthers) {
  const std::vector<TopicSpec> topics =
      PipelineTopics({"headwire.topic.astro", "headwire.topic.ai"});
  std::vector<std::string> names;
  for (const auto& topic : topics) names.push_back(topic.name);
  EXPECT_EQ(names, (std::vector<std::string>{"headwire.articles.raw", "headwire.articles.processed",
                                             "headwire.dlq", "headwire.topic.astro",
                                             "headwire.topic.ai", "headwire.process.handover"}));
  // The raw topic is the dedup domain: one partition unless the caller says otherwise.
  EXPECT_EQ(topics.front().partitions, 1);
  EXPECT_EQ(topics[3].partitions, 0);
}

}  // namespace
}  // namespace headwire::common
