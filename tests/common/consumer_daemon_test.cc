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

}  // namespace
}  // namespace headwire::common
