#include "common/consumer_daemon.h"

#include <gtest/gtest.h>

#include "common/mock_cluster.h"

namespace headwire::common {
namespace {

constexpr int64_t kFailingOffset = 5;

// Fails on one record and remembers every offset the daemon asked it to persist.
class FailingStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output&) override {
    if (record.offset == kFailingOffset) return Status::IoError("this record cannot be decided");
    return Status::Ok();
  }
  Status Commit(const std::map<TopicPartition, int64_t>& next_offsets, bool) override {
    for (const auto& [tp, offset] : next_offsets) persisted.push_back(offset);
    return Status::Ok();
  }
  const StateStore* state() const override { return nullptr; }

  std::vector<int64_t> persisted;
};

TEST(ConsumerDaemonTest, ARecordThatFailsIsNeverPersistedNotEvenWhenTheConsumerClosesAfterwards) {
  auto cluster = MockCluster::Start({.topics = {{.name = "in", .partitions = 1}}});
  ASSERT_TRUE(cluster.has_value()) << cluster.error().ToString();
  KafkaOptions kafka;
  kafka.bootstrap = (*cluster)->bootstrap();
  {
    auto producer = KafkaProducer::Create(kafka);
    ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE((*producer)->Produce("in", std::to_string(i), "record", {}).ok());
    }
    ASSERT_TRUE((*producer)->Flush(std::chrono::milliseconds(10000)).ok());
  }
  auto context = DaemonContext::Start("test", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  ConsumerDaemonOptions options;
  options.kafka = kafka;
  options.group_id = "g";
  options.topics = {"in"};
  options.loop.max_batch = 100;
  options.loop.linger = std::chrono::milliseconds(5000);
  ConsumerDaemon daemon(**context, options);
  FailingStage stage;

  const Status status = daemon.Run(stage);

  EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
  // Closing the consumer revokes the partition; the batch holding the failed record must not be
  // persisted then either, or a restart would resume after a record no one decided.
  for (const int64_t next : stage.persisted) EXPECT_LE(next, kFailingOffset);
}

// Decides records only when drained, as a stage with worker threads does; remembers, at each
// persist, which records were handled and which drained.
class DeferringStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output&) override {
    handled.push_back(record.offset);
    return Status::Ok();
  }
  Status Drain(Output&) override {
    if (fail_drain) return Status::IoError("a deferred record cannot be decided");
    drained = handled.size();
    return Status::Ok();
  }
  Status Commit(const std::map<TopicPartition, int64_t>& next_offsets, bool) override {
    undrained_at_commit.push_back(handled.size() - drained);
    for (const auto& [tp, offset] : next_offsets) persisted.push_back(offset);
    return Status::Ok();
  }
  const StateStore* state() const override { return nullptr; }

  bool fail_drain = false;
  std::vector<int64_t> handled;
  size_t drained = 0;
  std::vector<size_t> undrained_at_commit;
  std::vector<int64_t> persisted;
};

class DeferringDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = MockCluster::Start({.topics = {{.name = "in", .partitions = 1}}});
    ASSERT_TRUE(cluster.has_value()) << cluster.error().ToString();
    cluster_ = std::move(*cluster);
    kafka_.bootstrap = cluster_->bootstrap();
    auto producer = KafkaProducer::Create(kafka_);
    ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE((*producer)->Produce("in", std::to_string(i), "record", {}).ok());
    }
    ASSERT_TRUE((*producer)->Flush(std::chrono::milliseconds(10000)).ok());
  }

  Status Run(DeferringStage& stage) {
    auto context = DaemonContext::Start("test", {});
    EXPECT_TRUE(context.has_value()) << context.error().ToString();
    ConsumerDaemonOptions options;
    options.kafka = kafka_;
    options.group_id = "g";
    options.topics = {"in"};
    options.loop.max_batch = 3;
    options.loop.exit_at_end = true;
    ConsumerDaemon daemon(**context, options);
    return daemon.Run(stage);
  }

  std::unique_ptr<MockCluster> cluster_;
  KafkaOptions kafka_;
};

TEST_F(DeferringDaemonTest, EveryHandledRecordIsDrainedBeforeItsBatchIsPersisted) {
  DeferringStage stage;
  const Status status = Run(stage);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(stage.handled.size(), 10u);
  ASSERT_FALSE(stage.undrained_at_commit.empty());
  for (const size_t undrained : stage.undrained_at_commit) EXPECT_EQ(undrained, 0u);
  EXPECT_EQ(stage.persisted.back(), 10);
}

TEST_F(DeferringDaemonTest, ADrainThatFailsStopsTheDaemonWithoutPersisting) {
  DeferringStage stage;
  stage.fail_drain = true;
  const Status status = Run(stage);
  EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
  EXPECT_TRUE(stage.persisted.empty());
}

}  // namespace
}  // namespace headwire::common
