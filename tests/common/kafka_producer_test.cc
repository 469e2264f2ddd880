#include "common/kafka_producer.h"

#include <gtest/gtest.h>

#include "common/mock_cluster.h"

namespace headwire::common {
namespace {

TEST(KafkaProducerTest, WarmLooksUpEveryTopicOfAReachableCluster) {
  auto cluster = MockCluster::Start({});
  ASSERT_TRUE(cluster.has_value()) << cluster.error().ToString();
  KafkaOptions options;
  options.bootstrap = (*cluster)->bootstrap();
  auto producer = KafkaProducer::Create(options);
  ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
  const Status warmed = (*producer)->Warm({"headwire.articles.processed", "headwire.topic.space"},
                                          std::chrono::milliseconds(10000));
  EXPECT_TRUE(warmed.ok()) << warmed.ToString();
  EXPECT_TRUE((*producer)->Produce("headwire.topic.space", "k", "v", {}).ok());
  EXPECT_TRUE((*producer)->Flush(std::chrono::milliseconds(10000)).ok());
}

TEST(KafkaProducerTest, WarmIsUnavailableWhenNoBrokerAnswers) {
  KafkaOptions options;
  options.bootstrap = "127.0.0.1:1";
  auto producer = KafkaProducer::Create(options);
  ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
  const Status warmed =
      (*producer)->Warm({"headwire.articles.processed"}, std::chrono::milliseconds(300));
  EXPECT_EQ(warmed.code(), StatusCode::kUnavailable) << warmed.ToString();
}

}  // namespace
}  // namespace headwire::common
