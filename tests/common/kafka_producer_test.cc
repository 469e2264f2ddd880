#include "common/kafka_producer.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/broker_control.h"
#include "common/mock_cluster.h"

namespace headwire::common {
namespace {

// A producer connected to a mock cluster of its own.
class KafkaProducerOnClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = MockCluster::Start({});
    ASSERT_TRUE(cluster.has_value()) << cluster.error().ToString();
    cluster_ = std::move(*cluster);
    KafkaOptions options;
    options.bootstrap = cluster_->bootstrap();
    auto producer = KafkaProducer::Create(options);
    ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
    producer_ = std::move(*producer);
  }

  std::unique_ptr<MockCluster> cluster_;
  // Declared after the cluster: destroyed before it.
  std::unique_ptr<KafkaProducer> producer_;
};

TEST_F(KafkaProducerOnClusterTest, WarmLooksUpEveryTopicOfAReachableCluster) {
  const Status warmed = producer_->Warm({"headwire.articles.processed", "headwire.topic.space"},
                                        std::chrono::milliseconds(10000));
  EXPECT_TRUE(warmed.ok()) << warmed.ToString();
  EXPECT_TRUE(producer_->Produce("headwire.topic.space", "k", "v", {}).ok());
  EXPECT_TRUE(producer_->Flush(std::chrono::milliseconds(10000)).ok());
}

TEST_F(KafkaProducerOnClusterTest,
       DeliveryGroupIsDeliveredOnceEveryMessageOfItAndBeforeIsAcknowledged) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(producer_->Produce("t", std::to_string(i), "first", {}).ok());
  }
  const uint64_t first = producer_->Seal();
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(producer_->Produce("t", std::to_string(i), "second", {}).ok());
  }
  const uint64_t second = producer_->Seal();
  EXPECT_LT(first, second);
  ASSERT_TRUE(producer_->WaitDelivered(second, std::chrono::milliseconds(10000)).ok());
  EXPECT_EQ(producer_->delivered(), 100u);
  auto earlier = producer_->Delivered(first);
  ASSERT_TRUE(earlier.has_value());
  EXPECT_TRUE(*earlier);
  auto open = producer_->Delivered(second + 1);  // the open group is never delivered
  ASSERT_TRUE(open.has_value());
  EXPECT_FALSE(*open);
}

TEST_F(KafkaProducerOnClusterTest, AFailedDeliveryIsReportedByEveryLaterCheckNotOnlyTheFirst) {
  ASSERT_TRUE(producer_->Warm({"t"}, std::chrono::milliseconds(10000)).ok());
  auto command = ParseBrokerControl("errors Produce 1 MSG_SIZE_TOO_LARGE");
  ASSERT_TRUE(command.has_value()) << command.error().ToString();
  ASSERT_TRUE(cluster_->Apply(*command).ok());

  ASSERT_TRUE(producer_->Produce("t", "k", "lost", {}).ok());
  const uint64_t failed_group = producer_->Seal();
  const Status first = producer_->WaitDelivered(failed_group, std::chrono::milliseconds(10000));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(producer_->failed(), 1u);
  // A check that merely asks again, as a daemon's next persist does, must not find it delivered.
  auto again = producer_->Delivered(failed_group);
  EXPECT_FALSE(again.has_value());
  EXPECT_FALSE(producer_->WaitDelivered(failed_group, std::chrono::milliseconds(1000)).ok());
  // Nor may a later group that was itself acknowledged vouch for the lost message.
  ASSERT_TRUE(producer_->Produce("t", "k", "delivered", {}).ok());
  const uint64_t later = producer_->Seal();
  EXPECT_FALSE(producer_->WaitDelivered(later, std::chrono::milliseconds(10000)).ok());
  EXPECT_FALSE(producer_->Flush(std::chrono::milliseconds(10000)).ok());
  EXPECT_EQ(producer_->delivered(), 1u);  // the later message itself went through
}

TEST(KafkaProducerTest, WaitDeliveredFailsWhenNoBrokerAnswers) {
  KafkaOptions options;
  options.bootstrap = "127.0.0.1:1";
  options.connect_timeout = std::chrono::milliseconds(500);
  auto producer = KafkaProducer::Create(options);
  ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
  ASSERT_TRUE((*producer)->Produce("t", "k", "v", {}).ok());
  const Status waited =
      (*producer)->WaitDelivered((*producer)->Seal(), std::chrono::milliseconds(3000));
  EXPECT_FALSE(waited.ok());
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

// A daemon waiting for a topic's metadata must still beat and see a stop: the look-up asks
// between its attempts whether to go on, and stops at once when told not to.
TEST(KafkaProducerTest, APartitionCountLookUpAsksBetweenAttemptsAndStopsWhenTold) {
  KafkaOptions options;
  options.bootstrap = "127.0.0.1:1";
  auto producer = KafkaProducer::Create(options);
  ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
  int asked = 0;
  auto count = (*producer)->PartitionCount("headwire.articles.raw", std::chrono::minutes(5), [&] {
    ++asked;
    return asked < 2;
  });
  ASSERT_FALSE(count.has_value());
  EXPECT_EQ(count.error().code(), StatusCode::kAborted) << count.error().ToString();
  EXPECT_EQ(asked, 2);
}

// Room in a full queue comes only with deliveries or their failures, which may never come
// (message.timeout.ms 0): a daemon must still see a stop. The wait asks between its slices
// whether to go on, and when told not to ends with Aborted, the message not enqueued.
TEST(KafkaProducerTest, AWaitForRoomInTheQueueAsksBetweenSlicesAndStopsWhenTold) {
  auto cluster = MockCluster::Start({});
  ASSERT_TRUE(cluster.has_value()) << cluster.error().ToString();
  // Twenty refusals a second apart: the first message holds the only place in the queue for 20 s
  // at least; then it goes out, which ends a wait that cannot be stopped.
  auto refuse = ParseBrokerControl("errors Produce 20 NOT_ENOUGH_REPLICAS");
  ASSERT_TRUE(refuse.has_value()) << refuse.error().ToString();
  ASSERT_TRUE((*cluster)->Apply(*refuse).ok());
  KafkaOptions options;
  options.bootstrap = (*cluster)->bootstrap();
  options.properties = {"producer.queue.buffering.max.messages=1", "producer.message.timeout.ms=0",
                        "producer.retry.backoff.ms=1000"};
  auto producer = KafkaProducer::Create(options);
  ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
  ASSERT_TRUE((*producer)->Produce("t", "k", "first", {}).ok());
  int asked = 0;

  const Status second = (*producer)->Produce("t", "k", "second", {}, KafkaProducer::kAnyPartition,
                                             [&] { return ++asked < 2; });

  EXPECT_EQ(second.code(), StatusCode::kAborted) << second.ToString();
  EXPECT_EQ(asked, 2);
  EXPECT_EQ((*producer)->delivered() + (*producer)->failed(), 0u);  // the first held the queue
}

}  // namespace
}  // namespace headwire::common
