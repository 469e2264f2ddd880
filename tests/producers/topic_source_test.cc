#include "producers/topic_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/kafka_producer.h"
#include "common/mock_cluster.h"
#include "common/replay_target.h"
#include "headwire/v1/article.pb.h"
#include "producers/replay.h"
#include "producers/replay_pacer.h"
#include "producers/replay_progress.h"

namespace headwire::producers {
namespace {

constexpr int64_t kFirstReadMs = 1772439300000;
constexpr const char* kTopic = "raw";

struct Produced {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t event_ms = 0;
};

// Source position of a delivered record.
using Position = std::pair<int32_t, int64_t>;

// A mock cluster with a 3-partition topic, and what was produced to it.
class TopicSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = common::MockCluster::Start({.topics = {{.name = kTopic, .partitions = 3}}});
    ASSERT_TRUE(started.has_value()) << started.error().ToString();
    cluster_ = std::move(*started);
    kafka_.bootstrap = cluster_->bootstrap();
    auto producer = common::KafkaProducer::Create(kafka_);
    ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
    producer_ = std::move(*producer);
  }

  // Appends articles with these event times (seconds after kFirstReadMs) to `partition`.
  void Produce(int32_t partition, const std::vector<int64_t>& seconds) {
    for (const int64_t s : seconds) {
      v1::RawArticle article;
      article.set_id("p" + std::to_string(partition) + "-" + std::to_string(next_[partition]));
      article.set_title("headline");
      article.set_published_at_ms(kFirstReadMs + s * 1000);
      ASSERT_TRUE(
          producer_->Produce(kTopic, article.id(), article.SerializeAsString(), {}, partition)
              .ok());
      produced_.push_back({partition, next_[partition]++, article.published_at_ms()});
    }
    ASSERT_TRUE(producer_->Flush(std::chrono::milliseconds(10000)).ok());
  }

  // Appends `count` articles of about 100 KB to `partition`, one second apart from `first`: the
  // mock cluster keeps about 5 MiB a partition and deletes the oldest records beyond that.
  void ProduceLarge(int32_t partition, int first, int count) {
    std::string body(100'000, 'a');
    uint64_t state = static_cast<uint64_t>(first) + 1;
    for (int i = 0; i < count; ++i) {
      // Letters the producer's compression cannot shrink.
      for (char& c : body) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        c = static_cast<char>('a' + (state >> 59) % 26);
      }
      v1::RawArticle article;
      article.set_id("p" + std::to_string(partition) + "-" + std::to_string(next_[partition]));
      article.set_title("headline");
      article.set_body(body);
      article.set_published_at_ms(kFirstReadMs + (first + i) * 1000LL);
      ASSERT_TRUE(
          producer_->Produce(kTopic, article.id(), article.SerializeAsString(), {}, partition)
              .ok());
      produced_.push_back({partition, next_[partition]++, article.published_at_ms()});
      ASSERT_TRUE(producer_->Flush(std::chrono::milliseconds(10000)).ok());
    }
  }

  // Each partition in event-time order, the partitions interleaved, with ties across them.
  void ProduceInterleaved() {
    ASSERT_NO_FATAL_FAILURE(Produce(0, {0, 3, 6, 6, 9, 12, 20, 21, 22, 40}));
    ASSERT_NO_FATAL_FAILURE(Produce(1, {1, 4, 6, 10, 10, 13, 14, 15, 16, 17, 18}));
    ASSERT_NO_FATAL_FAILURE(Produce(2, {2, 5, 6, 8, 11, 19, 30, 31}));
  }

  // The merge by event time, then partition, each partition in offset order.
  std::vector<Position> MergedOrder() const {
    std::vector<Produced> sorted = produced_;
    std::sort(sorted.begin(), sorted.end(), [](const Produced& a, const Produced& b) {
      return std::tie(a.event_ms, a.partition, a.offset) <
             std::tie(b.event_ms, b.partition, b.offset);
    });
    std::vector<Position> out;
    for (const auto& r : sorted) out.emplace_back(r.partition, r.offset);
    return out;
  }

  TopicSourceOptions Options() const {
    TopicSourceOptions options;
    options.kafka = kafka_;
    options.topic = kTopic;
    return options;
  }

  std::unique_ptr<TopicSource> Open(const TopicSourceOptions& options) {
    auto source = TopicSource::Open(options);
    EXPECT_TRUE(source.has_value()) << source.error().ToString();
    return source ? std::move(*source) : nullptr;
  }

  // Every record of `source` to its end, by position.
  static std::vector<Position> ReadAll(TopicSource& source) {
    std::vector<Position> out;
    for (;;) {
      auto next = source.Next();
      EXPECT_TRUE(next.has_value()) << next.error().ToString();
      if (!next || !next->has_value()) return out;
      out.emplace_back((*next)->partition, (*next)->offset);
    }
  }

  std::unique_ptr<common::MockCluster> cluster_;
  common::KafkaOptions kafka_;
  std::unique_ptr<common::KafkaProducer> producer_;
  std::map<int32_t, int64_t> next_;
  std::vector<Produced> produced_;
};

TEST_F(TopicSourceTest, DeliversThePartitionsMergedByEventTimeThenPartition) {
  ASSERT_NO_FATAL_FAILURE(ProduceInterleaved());
  auto source = Open(Options());
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(ReadAll(*source), MergedOrder());
  EXPECT_EQ(source->Fraction(), 1.0);
}

TEST_F(TopicSourceTest, HoldsAtMostABatchPerPartitionAndStillMergesByEventTime) {
  ASSERT_NO_FATAL_FAILURE(ProduceInterleaved());
  TopicSourceOptions options = Options();
  options.batch_records = 2;
  options.prefetch_kbytes = 1;
  auto source = Open(options);
  ASSERT_NE(source, nullptr);
  std::vector<Position> delivered;
  size_t most_held = 0;
  for (;;) {
    auto next = source->Next();
    ASSERT_TRUE(next.has_value()) << next.error().ToString();
    if (!next->has_value()) break;
    delivered.emplace_back((*next)->partition, (*next)->offset);
    most_held = std::max(most_held, source->held());
    ASSERT_LT(source->held(), 3u * 2u);
  }
  EXPECT_EQ(delivered, MergedOrder());
  EXPECT_GT(most_held, 0u);
}

TEST_F(TopicSourceTest, AnUnknownTopicIsNotFoundAndNotCreated) {
  TopicSourceOptions options = Options();
  options.topic = "raw-mistyped";
  auto first = TopicSource::Open(options);
  ASSERT_FALSE(first.has_value());
  EXPECT_TRUE(first.error().IsNotFound()) << first.error().ToString();
  // Had looking for it created it, it would now be an empty topic to replay.
  auto second = TopicSource::Open(options);
  ASSERT_FALSE(second.has_value());
  EXPECT_TRUE(second.error().IsNotFound()) << second.error().ToString();
}

TEST_F(TopicSourceTest, RefusesABatchOfNoRecords) {
  TopicSourceOptions options = Options();
  options.batch_records = 0;
  auto source = TopicSource::Open(options);
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(TopicSourceTest, EndsAtTheEndEachPartitionHadWhenItOpened) {
  ASSERT_NO_FATAL_FAILURE(ProduceInterleaved());
  const std::vector<Position> before = MergedOrder();
  auto source = Open(Options());
  ASSERT_NE(source, nullptr);
  ASSERT_NO_FATAL_FAILURE(Produce(0, {50, 51}));
  ASSERT_NO_FATAL_FAILURE(Produce(2, {0}));
  EXPECT_EQ(ReadAll(*source), before);
}

TEST_F(TopicSourceTest, FromTimeStartsEachPartitionAtItsFirstRecordOfThatTimeAndMerges) {
  ASSERT_NO_FATAL_FAILURE(ProduceInterleaved());
  TopicSourceOptions options = Options();
  options.from_time_ms = kFirstReadMs + 10 * 1000;
  auto source = Open(options);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->starts(), (std::map<int32_t, int64_t>{{0, 5}, {1, 3}, {2, 4}}));
  std::vector<Position> expected;
  for (const Position& p : MergedOrder()) {
    if (p.second >= source->starts().at(p.first)) expected.push_back(p);
  }
  EXPECT_EQ(ReadAll(*source), expected);
}

// Records before the time searched for are never read; every record after --to-time is.
TEST_F(TopicSourceTest, TheFractionReadLeavesOutRecordsBeforeTheStartSearchedForOnly) {
  ASSERT_NO_FATAL_FAILURE(ProduceInterleaved());
  TopicSourceOptions options = Options();
  options.from_time_ms = kFirstReadMs + 10 * 1000;
  auto searched = Open(options);
  ASSERT_NE(searched, nullptr);
  EXPECT_TRUE(
      searched->FractionLeavesOut({.from_ms = kFirstReadMs + 10 * 1000, .to_ms = std::nullopt}));
  EXPECT_FALSE(searched->FractionLeavesOut(
      {.from_ms = kFirstReadMs + 10 * 1000, .to_ms = kFirstReadMs + 20 * 1000}));
  options.from_offset = 0;
  auto from_offset = Open(options);
  ASSERT_NE(from_offset, nullptr);
  EXPECT_FALSE(
      from_offset->FractionLeavesOut({.from_ms = kFirstReadMs + 10 * 1000, .to_ms = std::nullopt}));
  EXPECT_TRUE(from_offset->FractionLeavesOut({}));
}

TEST_F(TopicSourceTest, FromOffsetStartsEveryPartitionThereClampedToItsEnd) {
  ASSERT_NO_FATAL_FAILURE(ProduceInterleaved());
  TopicSourceOptions options = Options();
  options.from_offset = 9;
  auto source = Open(options);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->starts(), (std::map<int32_t, int64_t>{{0, 9}, {1, 9}, {2, 8}}));
  EXPECT_EQ(ReadAll(*source), (std::vector<Position>{{1, 9}, {1, 10}, {0, 9}}));
}

// Keeps what Commit() made durable; Deliver() fails once `fail_at` records were handed over,
// dropping what came after the last commit, as a crash would.
class CrashingTarget : public common::ReplayTarget {
 public:
  explicit CrashingTarget(uint64_t fail_at) : fail_at_(fail_at) {}

  Status Deliver(const common::ArchiveRecord& record) override {
    if (fail_at_ != 0 && handed_ == fail_at_) {
      pending_.clear();
      return Status::IoError("crash");
    }
    ++handed_;
    pending_.emplace_back(record.partition, record.offset);
    ++counts_.delivered;
    return Status::Ok();
  }
  Status Commit(const std::map<int32_t, int64_t>& next_positions) override {
    durable_.insert(durable_.end(), pending_.begin(), pending_.end());
    pending_.clear();
    positions_ = next_positions;
    return Status::Ok();
  }
  Status Finish() override { return Status::Ok(); }
  std::map<int32_t, int64_t> StoredPositions() const override { return positions_; }
  const common::ReplayCounts& counts() const override { return counts_; }

  // Runs again from the durable state, without failing.
  void Restart() {
    fail_at_ = 0;
    pending_.clear();
  }
  const std::vector<Position>& durable() const { return durable_; }
  const std::map<int32_t, int64_t>& positions() const { return positions_; }

 private:
  uint64_t fail_at_;
  uint64_t handed_ = 0;
  std::vector<Position> pending_;
  std::vector<Position> durable_;
  std::map<int32_t, int64_t> positions_;
  common::ReplayCounts counts_;
};

TEST_F(TopicSourceTest, RecordsDeletedBeforeTheReplayReadThemEndItWithAnErrorNamingThem) {
  ASSERT_NO_FATAL_FAILURE(ProduceLarge(0, 0, 30));
  TopicSourceOptions options = Options();
  options.batch_records = 1;
  options.prefetch_kbytes = 1;
  options.kafka.properties.push_back("max.partition.fetch.bytes=150000");
  auto source = Open(options);
  ASSERT_NE(source, nullptr);
  auto first = source->Next();
  ASSERT_TRUE(first.has_value() && first->has_value());
  ASSERT_EQ((*first)->offset, 0);
  // Twice what the mock keeps: the replay's unread records go.
  ASSERT_NO_FATAL_FAILURE(ProduceLarge(0, 30, 100));

  int64_t expected = 1;
  for (;;) {
    auto next = source->Next();
    if (!next.has_value()) {
      EXPECT_EQ(next.error().code(), StatusCode::kNotFound);
      EXPECT_NE(next.error().message().find("raw/0: the replay was at offset " +
                                            std::to_string(expected) + ", but records " +
                                            std::to_string(expected) + ".."),
                std::string::npos)
          << next.error().ToString();
      EXPECT_NE(next.error().message().find("were deleted by the broker before they were read"),
                std::string::npos);
      return;
    }
    ASSERT_TRUE(next->has_value()) << "the replay ended although records were deleted under it";
    // What is delivered comes in order, with no record left out.
    ASSERT_EQ((*next)->offset, expected++);
  }
}

TEST_F(TopicSourceTest, AReplayCutShortThenResumedDeliversEveryRecordOnceInMergedOrder) {
  ASSERT_NO_FATAL_FAILURE(ProduceInterleaved());
  CrashingTarget target(/*fail_at=*/17);
  ReplayOptions options;
  options.commit_every = 5;
  std::ostringstream bar;
  ReplayProgress progress({.interval = std::chrono::hours(1)}, bar);
  auto first = Open(Options());
  ASSERT_NE(first, nullptr);
  ASSERT_FALSE(RunReplay(*first, target, options, SteadyPacerClock(), progress).has_value());
  const std::vector<Position> merged = MergedOrder();
  ASSERT_EQ(target.durable(), std::vector<Position>(merged.begin(), merged.begin() + 15));
  // What was delivered of each partition, not of the merge: all three are under way.
  EXPECT_EQ(target.positions(), (std::map<int32_t, int64_t>{{0, 5}, {1, 5}, {2, 5}}));

  target.Restart();
  auto second = Open(Options());
  ASSERT_NE(second, nullptr);
  auto report = RunReplay(*second, target, options, SteadyPacerClock(), progress);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->complete);
  EXPECT_EQ(target.durable(), merged);
}

}  // namespace
}  // namespace headwire::producers
