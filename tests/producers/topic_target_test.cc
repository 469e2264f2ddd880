#include "producers/topic_target.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/mock_cluster.h"
#include "common/record.h"
#include "common/shutdown.h"
#include "common/topic_reader.h"
#include "headwire/v1/article.pb.h"
#include "tests/common/exit_saying.h"
#include "tests/common/test_dir.h"

namespace headwire::producers {
namespace {

using headwire::testing::ExitSaying;

// A RawArticle as an archive holds it: its bytes, its type header and its partition.
common::ArchiveRecord Archived(const std::string& id, const std::string& source,
                               int32_t partition) {
  v1::RawArticle raw;
  raw.set_id(id);
  raw.set_title("Headline " + id);
  raw.set_source(source);
  raw.set_language("en");
  raw.set_published_at_ms(1772439300000);
  common::ArchiveRecord record;
  record.partition = partition;
  record.key = id;
  record.value = raw.SerializeAsString();
  record.headers = {{common::kTypeHeader, v1::RawArticle::descriptor()->full_name()}};
  return record;
}

class TopicTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = common::MockCluster::Start({.topics = {{.name = "raw", .partitions = 4}}});
    ASSERT_TRUE(cluster.has_value()) << cluster.error().ToString();
    cluster_ = std::move(*cluster);
    kafka_.bootstrap = cluster_->bootstrap();
  }

  // A target into "raw" that keeps each archived record's partition.
  Result<std::unique_ptr<TopicTarget>> KeepingPartitions() {
    return TopicTarget::Create({.kafka = kafka_,
                                .topic = "raw",
                                .partition = TargetPartition::kSource,
                                .domain_key = "language",
                                .progress_file = "",
                                .replay = "archive /a"});
  }

  // Replays `records` into "raw" and returns each key's partition there.
  std::map<std::string, int32_t> Replay(TargetPartition partition,
                                        const std::vector<common::ArchiveRecord>& records) {
    auto target = TopicTarget::Create({.kafka = kafka_,
                                       .topic = "raw",
                                       .partition = partition,
                                       .domain_key = "language",
                                       .progress_file = "",
                                       .replay = "archive /a"});
    EXPECT_TRUE(target.has_value()) << target.error().ToString();
    for (const auto& r : records) EXPECT_TRUE((*target)->Deliver(r).ok());
    EXPECT_TRUE((*target)->Commit({}).ok());
    std::map<std::string, int32_t> partitions;
    auto read = common::ReadTopicToEnd(kafka_, "raw", [&](const common::Message& m) {
      partitions[std::string(m.record().key)] = m.partition();
    });
    EXPECT_TRUE(read.has_value()) << read.error().ToString();
    return partitions;
  }

  std::unique_ptr<common::MockCluster> cluster_;
  common::KafkaOptions kafka_;
};

// Live, `produce --domain-key source` spread these over partitions by outlet; a replay of the
// archive must give each domain the same records, whatever the replay's own domain key.
TEST_F(TopicTargetTest, AnArchivedRecordKeepsItsPartitionWhateverItsDomainKeyWouldSay) {
  const auto partitions =
      Replay(TargetPartition::kSource,
             {Archived("a", "Reuters", 3), Archived("b", "AP", 1), Archived("c", "AFP", 2)});
  EXPECT_EQ(partitions, (std::map<std::string, int32_t>{{"a", 3}, {"b", 1}, {"c", 2}}));
}

TEST_F(TopicTargetTest, ByDomainEveryArticleOfOneLanguageSharesAPartition) {
  const auto partitions =
      Replay(TargetPartition::kDomain,
             {Archived("a", "Reuters", 3), Archived("b", "AP", 1), Archived("c", "AFP", 2)});
  ASSERT_EQ(partitions.size(), 3u);
  EXPECT_EQ(partitions.at("a"), partitions.at("b"));
  EXPECT_EQ(partitions.at("a"), partitions.at("c"));
}

// Kafka tells a missing key from an empty one (compaction, consumers keyed on null); the archive
// keeps which it was, and a replay must give it back.
TEST_F(TopicTargetTest, AReplayedRecordKeepsAMissingKeyMissingAndAnEmptyKeyEmpty) {
  auto target = KeepingPartitions();
  ASSERT_TRUE(target.has_value()) << target.error().ToString();
  common::ArchiveRecord keyless = Archived("keyless", "Reuters", 0);
  keyless.key.reset();
  common::ArchiveRecord empty = Archived("empty", "Reuters", 0);
  empty.key = "";
  ASSERT_TRUE((*target)->Deliver(keyless).ok());
  ASSERT_TRUE((*target)->Deliver(empty).ok());
  ASSERT_TRUE((*target)->Deliver(Archived("keyed", "Reuters", 0)).ok());
  ASSERT_TRUE((*target)->Commit({}).ok());
  std::vector<std::pair<bool, std::string>> keys;
  auto read = common::ReadTopicToEnd(kafka_, "raw", [&](const common::Message& m) {
    keys.emplace_back(m.has_key(), std::string(m.key()));
  });
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_EQ(keys,
            (std::vector<std::pair<bool, std::string>>{{false, ""}, {true, ""}, {true, "keyed"}}));
}

TEST_F(TopicTargetTest, APartitionTheTargetLacksIsAnErrorNamingHowToFixIt) {
  auto target = KeepingPartitions();
  ASSERT_TRUE(target.has_value()) << target.error().ToString();
  const Status status = (*target)->Deliver(Archived("z", "Reuters", 5));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("raw has 4; create it with at least 6, or give --domain-key"),
            std::string::npos)
      << status.message();
}

// Positions are offsets of one source: those of an archive, applied to a file, would skip the
// file's first records without a word.
TEST_F(TopicTargetTest, AProgressFileIsResumedOnlyByTheReplayThatWroteIt) {
  const testing::TestDir dir{"hw-topic-target"};
  std::filesystem::create_directories(dir.path());
  const std::string progress = (dir.path() / "progress.json").string();
  const auto create = [&](const std::string& replay) {
    return TopicTarget::Create({.kafka = kafka_,
                                .topic = "raw",
                                .partition = TargetPartition::kSource,
                                .domain_key = "language",
                                .progress_file = progress,
                                .replay = replay});
  };
  {
    auto first = create("archive /a from 2026-03-01T00:00:00.000Z");
    ASSERT_TRUE(first.has_value()) << first.error().ToString();
    const Status committed = (*first)->Commit({{0, 19}});
    ASSERT_TRUE(committed.ok()) << committed.ToString();
  }
  auto same = create("archive /a from 2026-03-01T00:00:00.000Z");
  ASSERT_TRUE(same.has_value()) << same.error().ToString();
  EXPECT_EQ((*same)->StoredPositions(), (std::map<int32_t, int64_t>{{0, 19}}));
  auto other = create("file /uci.csv layout uci");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.error().message().find("another replay (archive /a from 2026-03-01"),
            std::string::npos)
      << other.error().message();
}

// In a process of its own (the signal's flag is process-wide and stays set): delivers a record
// the brokers refuse for good, which takes the only room in the producer's queue, sends the
// process SIGTERM, delivers a second record and commits, and says what came of it.
[[noreturn]] void StopWhileARecordWaitsForRoom(const std::string& progress_file) {
  common::InstallShutdownHandlers();
  auto cluster = common::MockCluster::Start({.topics = {{.name = "raw", .partitions = 1}}});
  if (!cluster) ExitSaying("setup: " + cluster.error().ToString());
  auto refuse = common::ParseBrokerControl("errors Produce 100000 NOT_ENOUGH_REPLICAS");
  if (!refuse) ExitSaying("setup: " + refuse.error().ToString());
  if (Status s = (*cluster)->Apply(*refuse); !s.ok()) ExitSaying("setup: " + s.ToString());
  TopicTargetOptions options;
  options.kafka.bootstrap = (*cluster)->bootstrap();
  options.kafka.properties = {"producer.queue.buffering.max.messages=1",
                              "producer.message.timeout.ms=0"};
  options.topic = "raw";
  options.progress_file = progress_file;
  options.flush_timeout = std::chrono::seconds(1);
  auto target = TopicTarget::Create(options);
  if (!target) ExitSaying("setup: " + target.error().ToString());
  if (Status s = (*target)->Deliver(Archived("a", "Reuters", 0)); !s.ok())
    ExitSaying("setup: " + s.ToString());
  std::raise(SIGTERM);
  // A bound that only turns a wait that never ends into a failure instead of a hang.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(60));
    ExitSaying("the delivery did not end after SIGTERM");
  }).detach();

  const Status second = (*target)->Deliver(Archived("b", "Reuters", 0));
  const Status commit = (*target)->Commit({{0, 1}});
  const std::string outcome =
      "second=" + std::string(second.code() == StatusCode::kAborted ? "aborted" : "other") +
      " delivered=" + std::to_string((*target)->counts().delivered) +
      " commit=" + (commit.ok() ? "ok" : "failed") +
      " progress=" + (std::filesystem::exists(progress_file) ? "written" : "absent");
  // The child's own directory: _Exit runs no destructor to remove it.
  std::error_code ignored;
  std::filesystem::remove_all(std::filesystem::path(progress_file).parent_path(), ignored);
  ExitSaying(outcome);
}

// SIGTERM, SIGINT or SIGHUP must stop a replay whose record waits for room in the producer's
// queue (brokers that take nothing, not yet given up on, never with message.timeout.ms 0): the
// wait ends with Aborted, the record not delivered, and a commit that cannot flush what is still
// queued records no progress past what Kafka has.
TEST(TopicTargetStopTest, AStopEndsADeliverysWaitForRoomAndNoProgressIsRecordedPastWhatKafkaHas) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const testing::TestDir dir("topic_target_test");
  std::filesystem::create_directories(dir.path());
  EXPECT_EXIT(StopWhileARecordWaitsForRoom((dir.path() / "progress.json").string()),
              ::testing::ExitedWithCode(0),
              "second=aborted delivered=1 commit=failed progress=absent");
}

}  // namespace
}  // namespace headwire::producers
