#include "common/mock_cluster.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/broker_control.h"
#include "common/kafka_producer.h"

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

// A test lets a request refused so far through when it chooses: once the pending errors of an API
// are cleared, its next requests are answered normally.
TEST(MockClusterTest, RequestsOfAnApiWhoseErrorsWereClearedAreAnsweredNormally) {
  auto cluster = MockCluster::Start({.topics = {{.name = "t", .partitions = 1}}});
  ASSERT_TRUE(cluster.has_value()) << cluster.error().message();
  auto refuse = ParseBrokerControl("errors Produce 100000 NOT_ENOUGH_REPLICAS");
  ASSERT_TRUE(refuse.has_value()) << refuse.error().ToString();
  ASSERT_TRUE((*cluster)->Apply(*refuse).ok());
  ASSERT_TRUE((*cluster)->ClearErrors("Produce").ok());
  KafkaOptions kafka;
  kafka.bootstrap = (*cluster)->bootstrap();
  auto producer = KafkaProducer::Create(kafka);
  ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
  ASSERT_TRUE((*producer)->Produce("t", "k", "v", {}).ok());
  const Status flushed = (*producer)->Flush(std::chrono::seconds(10));
  EXPECT_TRUE(flushed.ok()) << flushed.ToString();
  EXPECT_TRUE((*cluster)->ClearErrors("NoSuchApi").IsInvalidArgument());
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
