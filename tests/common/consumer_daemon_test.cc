#include "common/consumer_daemon.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "common/broker_control.h"
#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "common/mock_cluster.h"
#include "common/partition_handover.h"
#include "common/partition_offsets.h"
#include "common/shutdown.h"
#include "common/topic_reader.h"
#include "tests/common/exit_saying.h"
#include "tests/common/input_topic.h"

namespace headwire::common {
namespace {

using headwire::testing::ExitSaying;

constexpr int64_t kFailingOffset = 5;

// A daemon of group "g" reading the test topic "in".
ConsumerDaemonOptions OptionsFor(const test_support::InputTopic& input) {
  ConsumerDaemonOptions options;
  options.kafka = input.kafka;
  options.group_id = "g";
  options.topics = {"in"};
  return options;
}

// Resumes every partition at its start (as an instance catching up on a partition another
// instance decided does), fails on one record (none when negative), and remembers the group's
// committed offset it was told at assignment and every offset the daemon asked it to persist.
class FailingStage final : public ConsumerStage {
 public:
  explicit FailingStage(int64_t failing_offset = kFailingOffset)
      : failing_offset_(failing_offset) {}
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&,
                                              const GroupOffset& group) override {
    group_committed = group.committed;
    handed_over = group.handed_over;
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output&) override {
    if (record.offset == failing_offset_) return Status::IoError("this record cannot be decided");
    return Status::Ok();
  }
  Status Commit(const std::map<TopicPartition, int64_t>& next_offsets, bool) override {
    for (const auto& [tp, offset] : next_offsets) persisted.push_back(offset);
    return Status::Ok();
  }
  const StateStore* state() const override { return nullptr; }

  std::optional<int64_t> group_committed;
  std::optional<int64_t> handed_over;
  std::vector<int64_t> persisted;

 private:
  int64_t failing_offset_;
};

TEST(ConsumerDaemonTest, ARecordThatFailsIsNeverPersistedNotEvenWhenTheConsumerClosesAfterwards) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 10));
  auto context = DaemonContext::Start("test", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  ConsumerDaemonOptions options = OptionsFor(input);
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
    ASSERT_NO_FATAL_FAILURE(input_.Start());
    ASSERT_NO_FATAL_FAILURE(input_.Produce(0, 10));
  }

  Status Run(ConsumerStage& stage, const std::string& handover_topic = "") {
    auto context = DaemonContext::Start("test", {});
    EXPECT_TRUE(context.has_value()) << context.error().ToString();
    ConsumerDaemonOptions options = OptionsFor(input_);
    options.loop.max_batch = 3;
    options.loop.exit_at_end = true;
    options.produces = !handover_topic.empty();
    options.handover_topic = handover_topic;
    ConsumerDaemon daemon(**context, options);
    return daemon.Run(stage);
  }

  test_support::InputTopic input_;
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

TEST_F(DeferringDaemonTest, AnInstanceCatchingUpNeverMovesTheGroupsCommittedOffsetBack) {
  DeferringStage owner;
  ASSERT_TRUE(Run(owner).ok());
  ASSERT_EQ(owner.persisted.back(), 10);

  // Persists its batches up to offset 6 locally, then stops: the group must still say 10, or the
  // next owner would emit the outputs of offsets 6 to 9 a second time.
  FailingStage catching_up(/*failing_offset=*/7);
  EXPECT_EQ(Run(catching_up).code(), StatusCode::kIoError);
  EXPECT_EQ(catching_up.group_committed, 10);

  FailingStage next(/*failing_offset=*/-1);
  ASSERT_TRUE(Run(next).ok());
  EXPECT_EQ(next.group_committed, 10);
}

// A group refuses commits while it rebalances. When it refused all of them, only the handover
// the first owner wrote as it gave the partition up tells the next owner how far output went.
TEST_F(DeferringDaemonTest,
       APartitionGivenUpCleanlyTellsItsNextOwnerHowFarOutputWentWhenTheGroupRefusedTheCommits) {
  auto refuse = ParseBrokerControl("errors OffsetCommit 1000 REBALANCE_IN_PROGRESS");
  ASSERT_TRUE(refuse.has_value()) << refuse.error().ToString();
  ASSERT_TRUE(input_.cluster->Apply(*refuse).ok());
  DeferringStage owner;
  ASSERT_TRUE(Run(owner, "handover").ok());
  ASSERT_EQ(owner.persisted.back(), 10);

  FailingStage next(/*failing_offset=*/-1);
  ASSERT_TRUE(Run(next, "handover").ok());
  EXPECT_EQ(next.group_committed, std::nullopt);
  EXPECT_EQ(next.handed_over, 10);
}

// A compacted handover topic keeps only the newest handover of a partition. An instance that
// was still catching up when it stopped must hand over where output went (10), not where its
// own decisions had reached (6), or the partition's next owner would emit outputs again.
TEST_F(DeferringDaemonTest, AnInstanceCatchingUpHandsOverWhereOutputWentNotWhereItHadReached) {
  auto refuse = ParseBrokerControl("errors OffsetCommit 1000 REBALANCE_IN_PROGRESS");
  ASSERT_TRUE(refuse.has_value()) << refuse.error().ToString();
  ASSERT_TRUE(input_.cluster->Apply(*refuse).ok());
  DeferringStage owner;
  ASSERT_TRUE(Run(owner, "handover").ok());
  FailingStage catching_up(/*failing_offset=*/7);
  EXPECT_EQ(Run(catching_up, "handover").code(), StatusCode::kIoError);
  ASSERT_EQ(catching_up.handed_over, 10);
  ASSERT_FALSE(catching_up.persisted.empty());
  EXPECT_LT(catching_up.persisted.back(), 10);

  std::vector<int64_t> handed_over;  // in the order written, as compaction reads them
  auto read = ReadTopicToEnd(input_.kafka, "handover", [&](const Message& message) {
    HandoverTable one("g");
    one.Add(message.record());
    if (auto next = one.NextOffset({"in", 0})) handed_over.push_back(*next);
  });
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  ASSERT_GE(handed_over.size(), 2u);
  EXPECT_EQ(handed_over.back(), 10);
}

// Remembers what the daemon said of the group's offsets at each assignment.
class ReassignedStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&,
                                              const GroupOffset& group) override {
    assignments.push_back(group);
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord&, Output&) override { return Status::Ok(); }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override { return Status::Ok(); }
  const StateStore* state() const override { return nullptr; }

  std::vector<GroupOffset> assignments;
};

// A commit answered "illegal generation" (the group moved past the member during a rebalance)
// makes the member's partitions lost. The brokers still answer, so the handover is written all
// the same, and the partition's next owner (here the member itself, rejoining) reads it.
TEST_F(DeferringDaemonTest, APartitionLostWhileTheBrokersAnswerIsHandedOverAllTheSame) {
  auto lose = ParseBrokerControl("errors OffsetCommit 1 ILLEGAL_GENERATION");
  ASSERT_TRUE(lose.has_value()) << lose.error().ToString();
  ASSERT_TRUE(input_.cluster->Apply(*lose).ok());
  ReassignedStage owner;
  ASSERT_TRUE(Run(owner, "handover").ok());

  ASSERT_GE(owner.assignments.size(), 2u);
  EXPECT_EQ(owner.assignments[0].handed_over, std::nullopt);
  EXPECT_GE(owner.assignments[1].handed_over.value_or(0), 3);
}

// Without a handover topic nothing is handed over: the group's committed offset is all there is.
TEST_F(DeferringDaemonTest, WithoutAHandoverTopicTheNextOwnerHasTheCommittedOffsetOnly) {
  DeferringStage owner;
  ASSERT_TRUE(Run(owner).ok());
  FailingStage next(/*failing_offset=*/-1);
  ASSERT_TRUE(Run(next).ok());
  EXPECT_EQ(next.group_committed, 10);
  EXPECT_EQ(next.handed_over, std::nullopt);
}

// Remembers each partition the daemon reported taken away, with the next offset persisted by
// then.
class RevocationStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord&, Output&) override { return Status::Ok(); }
  Status Commit(const std::map<TopicPartition, int64_t>& next_offsets, bool) override {
    for (const auto& [tp, offset] : next_offsets) persisted = offset;
    return Status::Ok();
  }
  void Revoked(const std::vector<TopicPartition>& partitions) override {
    for (const auto& tp : partitions) revoked.emplace_back(tp, persisted);
  }
  const StateStore* state() const override { return nullptr; }

  int64_t persisted = 0;
  std::vector<std::pair<TopicPartition, int64_t>> revoked;
};

// A stage that tracks partitions (the processor's catch-ups) must hear when one is taken away,
// or it keeps waiting for it: here the close takes the partition.
TEST_F(DeferringDaemonTest, APartitionTakenAwayIsReportedToTheStageAfterItsRecordsArePersisted) {
  RevocationStage stage;
  ASSERT_TRUE(Run(stage).ok());
  ASSERT_EQ(stage.revoked.size(), 1u);
  EXPECT_EQ(stage.revoked[0].first, (TopicPartition{"in", 0}));
  EXPECT_EQ(stage.revoked[0].second, 10);
}

// Resumes at a fixed offset, as a state that stopped there does, and records what it reads.
class ResumingStage final : public ConsumerStage {
 public:
  explicit ResumingStage(int64_t resume_at) : resume_at_(resume_at) {}
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(resume_at_);
  }
  Status Handle(const ConsumedRecord& record, Output&) override {
    handled.push_back(record.offset);
    return Status::Ok();
  }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override { return Status::Ok(); }
  const StateStore* state() const override { return nullptr; }

  std::vector<int64_t> handled;

 private:
  int64_t resume_at_;
};

// A topic whose first records were deleted, as by retention while a daemon was stopped.
class TruncatedTopicTest : public ::testing::Test {
 protected:
  static constexpr int64_t kLastOffset = test_support::InputTopic::kPastRetention - 1;

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(input_.Start());
    ASSERT_NO_FATAL_FAILURE(input_.ProducePastRetention());
  }

  Status Run(ConsumerStage& stage, OffsetGapPolicy policy, std::string* metrics = nullptr,
             PartitionAssignment assignment = PartitionAssignment::kGroup) {
    auto context = DaemonContext::Start("test", {});
    EXPECT_TRUE(context.has_value()) << context.error().ToString();
    ConsumerDaemonOptions options = OptionsFor(input_);
    options.loop.exit_at_end = true;
    options.offset_gap = policy;
    options.assignment = assignment;
    ConsumerDaemon daemon(**context, options);
    const Status status = daemon.Run(stage);
    if (metrics != nullptr) *metrics = (*context)->metrics().Serialize();
    return status;
  }

  test_support::InputTopic input_;
};

TEST_F(TruncatedTopicTest, AResumeOffsetTheTopicNoLongerHoldsStopsTheDaemonNamingTheLostRecords) {
  ResumingStage stage(/*resume_at=*/2);
  const Status status = Run(stage, OffsetGapPolicy::kFail);
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
  EXPECT_NE(status.message().find("in/0: the state resumes at offset 2"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("were deleted before they were read"), std::string::npos);
  EXPECT_TRUE(stage.handled.empty());
}

// Both ways of taking partitions: a group member (the processor) and a daemon that assigns itself
// every partition (the sink, the archiver).
class TruncatedTopicAssignmentTest : public TruncatedTopicTest,
                                     public ::testing::WithParamInterface<PartitionAssignment> {};

TEST_P(TruncatedTopicAssignmentTest,
       WithGapsSkippedTheDaemonResumesAtTheFirstRecordHeldAndCountsTheLoss) {
  ResumingStage stage(/*resume_at=*/2);
  std::string metrics;
  const Status status = Run(stage, OffsetGapPolicy::kSkip, &metrics, GetParam());
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_FALSE(stage.handled.empty());
  const int64_t first = stage.handled.front();
  EXPECT_GT(first, 2);
  EXPECT_EQ(stage.handled.back(), kLastOffset);
  EXPECT_EQ(stage.handled.size(), static_cast<size_t>(kLastOffset + 1 - first));
  EXPECT_NE(metrics.find("headwire_offset_gap_records_total{daemon=\"test\",partition=\"0\","
                         "topic=\"in\"} " +
                         std::to_string(first - 2)),
            std::string::npos)
      << metrics;
}

INSTANTIATE_TEST_SUITE_P(Assignments, TruncatedTopicAssignmentTest,
                         ::testing::Values(PartitionAssignment::kGroup,
                                           PartitionAssignment::kAllPartitions),
                         [](const ::testing::TestParamInfo<PartitionAssignment>& info) {
                           return info.param == PartitionAssignment::kGroup ? "Group"
                                                                            : "AllPartitions";
                         });

// Whether the cluster at `bootstrap` has a topic called `name`, asked without naming it (a
// metadata request that names a topic creates it on a broker that creates topics on demand).
bool TopicExists(const std::string& bootstrap, const std::string& name) {
  char error[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error);
  RdKafkaPtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error));
  const rd_kafka_metadata_t* metadata = nullptr;
  EXPECT_EQ(rd_kafka_metadata(rk.get(), 1, nullptr, &metadata, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  bool found = false;
  for (int t = 0; metadata != nullptr && t < metadata->topic_cnt; ++t) {
    found |= metadata->topics[t].topic == name;
  }
  if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
  return found;
}

// Polls `consumer` for 2.5 s: long enough for three look-ups of a missing topic, a second apart.
void PollForLookUps(KafkaConsumer& consumer) {
  for (int i = 0; i < 25; ++i) {
    auto polled = consumer.Poll(std::chrono::milliseconds(100));
    ASSERT_TRUE(polled.has_value()) << polled.error().ToString();
  }
}

// A consumer that assigns itself every partition (the sink) waits for a topic that
// does not exist; looking for it used to create it (empty, four partitions), so a mistyped
// --topics was read as an empty topic.
TEST(AllPartitionsConsumerTest, AMissingTopicIsWaitedForAndNotCreated) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_TRUE(TopicExists(input.kafka.bootstrap, "in"));
  auto consumer = KafkaConsumer::Create(input.kafka, "g", {"in-mistyped"}, {},
                                        PartitionAssignment::kAllPartitions);
  ASSERT_TRUE(consumer.has_value()) << consumer.error().ToString();
  ASSERT_NO_FATAL_FAILURE(PollForLookUps(**consumer));
  EXPECT_FALSE((*consumer)->Member());
  EXPECT_FALSE(TopicExists(input.kafka.bootstrap, "in-mistyped"));
}

// A group member (the processor, an archiver) waits for its input topic too, and joins the group
// once the topic exists.
TEST(GroupConsumerTest, AMissingTopicIsWaitedForAndNotCreatedThenSubscribedOnceItExists) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  auto consumer = KafkaConsumer::Create(input.kafka, "g", {"late"}, {});
  ASSERT_TRUE(consumer.has_value()) << consumer.error().ToString();
  ASSERT_NO_FATAL_FAILURE(PollForLookUps(**consumer));
  EXPECT_FALSE((*consumer)->Member());
  EXPECT_FALSE(TopicExists(input.kafka.bootstrap, "late"));

  ASSERT_TRUE(input.producer->Produce("late", "k", "record", {}).ok());
  ASSERT_TRUE(input.producer->Flush(std::chrono::milliseconds(10000)).ok());
  std::optional<int64_t> offset;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!offset && std::chrono::steady_clock::now() < deadline) {
    auto polled = (*consumer)->Poll(std::chrono::milliseconds(100));
    ASSERT_TRUE(polled.has_value()) << polled.error().ToString();
    if (*polled) offset = (*polled)->offset();
  }
  EXPECT_EQ(offset, 0);
  EXPECT_TRUE((*consumer)->Member());
}

// Polls `consumer` until `done` holds; returns false when `bound` passes first or Poll fails.
bool PollUntil(KafkaConsumer& consumer, const std::function<bool()>& done,
               std::chrono::seconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (!consumer.Poll(std::chrono::milliseconds(100))) return false;
  }
  return true;
}

// The options of a member whose session the tests let expire: 3 s instead of the daemons' 6 s,
// which also shortens the mock coordinator's wait for members to rejoin a rebalance (the session
// timeout less 1 s, rdkafka_mock_cgrp.c). What the tests prove does not depend on the length.
KafkaOptions ShortSession(KafkaOptions kafka) {
  kafka.properties.push_back("consumer.session.timeout.ms=3000");
  kafka.properties.push_back("consumer.heartbeat.interval.ms=500");
  return kafka;
}

// A member whose group session expires (its coordinator was down) loses its partitions without a
// rebalance. Until the group assigns it again it is rejoining, not a standby that the group gave
// nothing: /readyz must not call it ready.
TEST(GroupConsumerTest, AMemberThatLostItsPartitionsIsNoStandbyUntilTheGroupAssignsItAgain) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 3));
  int revocations = 0;
  ConsumerCallbacks callbacks;
  callbacks.before_revoke = [&revocations](const std::vector<TopicPartition>&, bool) {
    ++revocations;
  };
  auto consumer =
      KafkaConsumer::Create(ShortSession(input.kafka), "g", {"in"}, std::move(callbacks));
  ASSERT_TRUE(consumer.has_value()) << consumer.error().ToString();
  KafkaConsumer& member = **consumer;
  ASSERT_TRUE(PollUntil(
      member, [&] { return member.Member() && !member.Lag().empty(); }, std::chrono::seconds(30)));

  ASSERT_TRUE(input.cluster->Apply({.kind = BrokerControlKind::kDown, .broker_id = 1}).ok());
  ASSERT_TRUE(PollUntil(
      member, [&] { return revocations > 0; }, std::chrono::seconds(30)));
  EXPECT_TRUE(member.Lag().empty());
  EXPECT_FALSE(member.Member());

  ASSERT_TRUE(input.cluster->Apply({.kind = BrokerControlKind::kUp, .broker_id = 1}).ok());
  EXPECT_TRUE(PollUntil(
      member, [&] { return member.Member(); }, std::chrono::seconds(30)));
}

// A standby (a member the group gave nothing) whose session expires has no partitions to lose and
// so no revoke; it is out of the group all the same, and cannot take over until it rejoins.
TEST(GroupConsumerTest, AStandbyWhoseSessionExpiredIsNoMemberUntilItRejoins) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 3));
  auto owner = KafkaConsumer::Create(ShortSession(input.kafka), "g", {"in"}, {});
  ASSERT_TRUE(owner.has_value()) << owner.error().ToString();
  ASSERT_TRUE(PollUntil(
      **owner, [&] { return (*owner)->Member() && !(*owner)->Lag().empty(); },
      std::chrono::seconds(30)));
  auto standby = KafkaConsumer::Create(ShortSession(input.kafka), "g", {"in"}, {});
  ASSERT_TRUE(standby.has_value()) << standby.error().ToString();
  const auto both = [&] {
    return (*owner)->Poll(std::chrono::milliseconds(0)).has_value() && (*standby)->Member();
  };
  ASSERT_TRUE(PollUntil(**standby, both, std::chrono::seconds(30)));
  EXPECT_TRUE((*standby)->Lag().empty());

  ASSERT_TRUE(input.cluster->Apply({.kind = BrokerControlKind::kDown, .broker_id = 1}).ok());
  EXPECT_TRUE(PollUntil(
      **standby, [&] { return !(*standby)->Member(); }, std::chrono::seconds(30)));

  ASSERT_TRUE(input.cluster->Apply({.kind = BrokerControlKind::kUp, .broker_id = 1}).ok());
  EXPECT_TRUE(PollUntil(**standby, both, std::chrono::seconds(60)));
}

// A partition out of range waits, inside Poll, for its leader to say what it holds (up to 10 s):
// the consumer calls `meanwhile` during that wait, so that a daemon's loop beats and ticks.
TEST_F(TruncatedTopicTest, TheConsumerCallsMeanwhileWhileItAsksWhatAPartitionOutOfRangeHolds) {
  // Two answers 3 s late: the questions for the first and the last offset held.
  ASSERT_TRUE(
      input_.cluster->DelayRequests(1, "ListOffsets", 2, std::chrono::milliseconds(3000)).ok());
  int meanwhile = 0;
  std::optional<int> by_assignment;
  std::optional<int> by_gap;
  ConsumerCallbacks callbacks;
  callbacks.stored_offset = [&](const TopicPartition&, const GroupOffset&) {
    by_assignment = meanwhile;
    return std::optional<int64_t>(2);
  };
  callbacks.offset_gap = [&](const OffsetGap&) {
    by_gap = meanwhile;
    return Status::Ok();
  };
  callbacks.meanwhile = [&] { ++meanwhile; };
  auto consumer = KafkaConsumer::Create(input_.kafka, "g", {"in"}, std::move(callbacks));
  ASSERT_TRUE(consumer.has_value()) << consumer.error().ToString();

  ASSERT_TRUE(PollUntil(
      **consumer, [&] { return by_gap.has_value(); }, std::chrono::seconds(60)));
  ASSERT_TRUE(by_assignment.has_value());
  EXPECT_GT(*by_gap, *by_assignment);
}

TEST_F(TruncatedTopicTest, AStateWithoutAnOffsetStartsAtTheFirstRecordHeldWithoutAGap) {
  ResumingStage stage(kOffsetBeginning);
  const Status status = Run(stage, OffsetGapPolicy::kFail);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_FALSE(stage.handled.empty());
  EXPECT_EQ(stage.handled.back(), kLastOffset);
}

// Produces to `output`, whose partition count its decisions depend on; remembers the count it
// was given and how many records it had handled by then.
class PartitioningStage final : public ConsumerStage {
 public:
  explicit PartitioningStage(std::string output) : output_(std::move(output)) {}
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord&, Output&) override {
    ++handled;
    return Status::Ok();
  }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override { return Status::Ok(); }
  std::vector<std::string> PartitionedOutputTopics() const override { return {output_}; }
  void OutputPartitions(const std::map<std::string, int32_t>& counts) override {
    given = counts;
    handled_when_given = handled;
  }
  const StateStore* state() const override { return nullptr; }

  int handled = 0;
  std::optional<std::map<std::string, int32_t>> given;
  int handled_when_given = -1;

 private:
  std::string output_;
};

// A mock cluster with the topics "in", holding four records, and "out" of `out_partitions`.
void StartWithOutput(int32_t out_partitions, std::unique_ptr<MockCluster>& cluster) {
  auto started = MockCluster::Start(
      {.topics = {{.name = "in", .partitions = 1}, {.name = "out", .partitions = out_partitions}}});
  ASSERT_TRUE(started.has_value()) << started.error().ToString();
  cluster = std::move(*started);
  KafkaOptions kafka;
  kafka.bootstrap = cluster->bootstrap();
  auto producer = KafkaProducer::Create(kafka);
  ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE((*producer)->Produce("in", "k", "record", {}).ok());
  ASSERT_TRUE((*producer)->Flush(std::chrono::milliseconds(10000)).ok());
}

// Runs `stage` as a daemon that produces, until the end of "in" when `exit_at_end`, else until
// it stops.
Status RunProducing(const MockCluster& cluster, ConsumerStage& stage, bool exit_at_end) {
  auto context = DaemonContext::Start("test", {});
  EXPECT_TRUE(context.has_value()) << context.error().ToString();
  ConsumerDaemonOptions options;
  options.kafka.bootstrap = cluster.bootstrap();
  options.group_id = "g";
  options.topics = {"in"};
  options.loop.exit_at_end = exit_at_end;
  options.produces = true;
  ConsumerDaemon daemon(**context, options);
  return daemon.Run(stage);
}

TEST(PartitionedOutputTest, TheStageIsGivenItsOutputsPartitionCountBeforeItsFirstRecord) {
  std::unique_ptr<MockCluster> cluster;
  ASSERT_NO_FATAL_FAILURE(StartWithOutput(3, cluster));
  PartitioningStage stage("out");

  const Status status = RunProducing(*cluster, stage, /*exit_at_end=*/true);

  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_TRUE(stage.given.has_value());
  EXPECT_EQ(*stage.given, (std::map<std::string, int32_t>{{"out", 3}}));
  EXPECT_EQ(stage.handled_when_given, 0);
  EXPECT_EQ(stage.handled, 4);
}

// Decides records 0..4 again without output, as an instance catching up with a previous owner.
class CatchingUpStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  bool CatchingUp(const ConsumedRecord& record) const override { return record.offset < 5; }
  Status Handle(const ConsumedRecord&, Output&) override { return Status::Ok(); }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override { return Status::Ok(); }
  const StateStore* state() const override { return nullptr; }
};

TEST(ConsumerDaemonTest, RecordsCaughtUpWithStayOutOfTheLatencyButAreConsumed) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 10));
  auto context = DaemonContext::Start("test", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  ConsumerDaemonOptions options = OptionsFor(input);
  options.loop.exit_at_end = true;
  ConsumerDaemon daemon(**context, options);
  CatchingUpStage stage;

  ASSERT_TRUE(daemon.Run(stage).ok());

  const std::string metrics = (*context)->metrics().Serialize();
  EXPECT_NE(metrics.find("headwire_record_latency_seconds_count{daemon=\"test\"} 5\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("headwire_records_consumed_total{daemon=\"test\",topic=\"in\"} 10\n"),
            std::string::npos)
      << metrics;
}

// Seals its batches, each record with an output to "out" that `cluster` acknowledges slowly once
// the first record is handled; remembers whether it was ever asked to be quiet while a sealed
// batch was not written, and stops the daemon at its third quiet turn after a seal.
class SealingStage final : public ConsumerStage {
 public:
  explicit SealingStage(MockCluster& cluster) : cluster_(cluster) {}
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output& output) override {
    if (Status s =
            cluster_.Apply({.kind = BrokerControlKind::kRtt, .broker_id = 1, .rtt_ms = 1500});
        !s.ok()) {
      return s;
    }
    return output.Produce({.topic = "out",
                           .key = std::string(record.key),
                           .value = "decided",
                           .headers = {},
                           .partition = {}});
  }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override { return Status::Ok(); }
  std::optional<std::function<Status()>> Seal(const std::map<TopicPartition, int64_t>&) override {
    ++sealed;
    ++unwritten;
    return [this] {
      --unwritten;
      return Status::Ok();
    };
  }
  Status Quiet(bool) override {
    if (unwritten > 0) quiet_while_unwritten = true;
    if (sealed == 0 || ++quiet_turns_after_seal < 3) return Status::Ok();
    return Status::Aborted("quiet long enough");
  }
  const StateStore* state() const override { return nullptr; }

  int sealed = 0;
  int unwritten = 0;
  int quiet_turns_after_seal = 0;
  bool quiet_while_unwritten = false;

 private:
  MockCluster& cluster_;
};

TEST(ConsumerDaemonTest, AStageIsNotAskedToBeQuietWhileASealedBatchAwaitsItsWrite) {
  std::unique_ptr<MockCluster> cluster;
  ASSERT_NO_FATAL_FAILURE(StartWithOutput(1, cluster));
  SealingStage stage(*cluster);

  const Status status = RunProducing(*cluster, stage, /*exit_at_end=*/false);

  EXPECT_EQ(status.code(), StatusCode::kAborted) << status.ToString();
  EXPECT_GT(stage.sealed, 0);
  EXPECT_FALSE(stage.quiet_while_unwritten);
}

// Produces an output to "out" for each record and does not seal, so that each batch waits for its
// outputs' acknowledgement before its commit; counts what it handled and committed.
class UnacknowledgedStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output& output) override {
    ++handled;
    return output.Produce({.topic = "out",
                           .key = std::string(record.key),
                           .value = "decided",
                           .headers = {},
                           .partition = {}});
  }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override {
    ++committed;
    return Status::Ok();
  }
  const StateStore* state() const override { return nullptr; }

  std::atomic<int> handled{0};
  std::atomic<int> committed{0};
};

// Runs a daemon on a thread of its own, so that the test can watch its readiness meanwhile.
class BackgroundRun {
 public:
  BackgroundRun(ConsumerDaemon& daemon, ConsumerStage& stage, const DaemonContext& context)
      : context_(context), thread_([this, &daemon, &stage] {
          status_ = daemon.Run(stage);
          finished_ = true;
        }) {}
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;
  ~BackgroundRun() {
    if (thread_.joinable()) thread_.join();
  }

  // Whether `done` held of the readiness before the run ended, within a bound.
  bool ReadinessUntil(const std::function<bool(const Probe&)>& done) const {
    return Until([&] { return done(context_.Readiness()); });
  }
  // Whether `done` held of the liveness before the run ended, within a bound.
  bool LivenessUntil(const std::function<bool(const Probe&)>& done) const {
    return Until([&] { return done(context_.Liveness()); });
  }
  // Waits for the run to end; returns its status.
  Status Join() {
    thread_.join();
    return status_;
  }

 private:
  bool Until(const std::function<bool()>& done) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!finished_ && std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  const DaemonContext& context_;
  std::atomic<bool> finished_ = false;
  Status status_;
  std::thread thread_;  // last: starts once the rest is initialized
};

// A producing daemon whose outputs the brokers refuse, on a thread of its own: group "g" reads
// "in" (four records) of the cluster of StartWithOutput(1), whose broker answers produces with
// the errors of a broker control line. It holds the daemon's `Stage`, whose `handled` counts the
// records handled, so that the run has ended before the stage goes.
template <typename Stage>
class RefusedOutputsDaemon {
 public:
  // Starts the cluster, refuses produces with `refusal`, and runs a daemon with the options of a
  // producing daemon as `adjust` changes them. Call under ASSERT_NO_FATAL_FAILURE first.
  void Start(const std::string& refusal, const std::function<void(ConsumerDaemonOptions&)>& adjust,
             DaemonOptions daemon_options = {}) {
    ASSERT_NO_FATAL_FAILURE(StartWithOutput(1, cluster_));
    auto refuse = ParseBrokerControl(refusal);
    ASSERT_TRUE(refuse.has_value()) << refuse.error().ToString();
    ASSERT_TRUE(cluster_->Apply(*refuse).ok());
    auto context = DaemonContext::Start("test", std::move(daemon_options));
    ASSERT_TRUE(context.has_value()) << context.error().ToString();
    context_ = std::move(*context);
    ConsumerDaemonOptions options;
    options.kafka.bootstrap = cluster_->bootstrap();
    options.group_id = "g";
    options.topics = {"in"};
    options.produces = true;
    adjust(options);
    daemon_.emplace(*context_, options);
    run_.emplace(*daemon_, stage_, *context_);
  }

  // What readiness did around partitions lost once it was ready.
  struct Loss {
    bool ready = false;     // it went ready once the stage handled a record
    bool followed = false;  // then, the broker having answered a heartbeat with `lose`, it
                            // followed the partitions lost
  };
  // Waits for readiness, then loses the partitions with `lose` and watches readiness follow;
  // `at_loss` runs as soon as it has (or its watch gave up), before the run ends. Loses nothing
  // and runs nothing when readiness never went ready.
  Loss LoseOnceReady(const BrokerControlCommand& lose, const std::function<void()>& at_loss) {
    Loss loss;
    loss.ready =
        run_->ReadinessUntil([&](const Probe& ready) { return ready.ok && stage_.handled > 0; });
    if (loss.ready && cluster_->Apply(lose).ok()) {
      loss.followed = run_->ReadinessUntil([](const Probe& ready) {
        return !ready.ok && ready.reason == "no partitions assigned: joining the consumer group";
      });
      at_loss();
    }
    return loss;
  }

  Stage& stage() { return stage_; }
  BackgroundRun& run() { return *run_; }

 private:
  std::unique_ptr<MockCluster> cluster_;
  std::unique_ptr<DaemonContext> context_;
  std::optional<ConsumerDaemon> daemon_;
  Stage stage_;
  std::optional<BackgroundRun> run_;  // last: ends before what it runs goes
};

// A daemon waits up to flush_timeout for a batch's outputs, and its group may take its partitions
// meanwhile (its session expired: the coordinator was down or, here, refused its heartbeat). The
// loop serves the revoke only after the wait, but /readyz must not wait with it: Kubernetes would
// go on routing to a daemon that has no partitions for as long as the brokers hold the outputs.
// UNKNOWN_MEMBER_ID also takes the member id, ILLEGAL_GENERATION keeps it: either way the
// partitions are lost.
class LostPartitionsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(LostPartitionsTest, ReadinessFollowsPartitionsLostWhileABatchWaitsForItsOutputs) {
  auto lose = ParseBrokerControl(std::string("errors Heartbeat 1 ") + GetParam());
  ASSERT_TRUE(lose.has_value()) << lose.error().ToString();
  RefusedOutputsDaemon<UnacknowledgedStage> daemon;
  // Every produce is answered with a retriable error: the outputs stay unacknowledged.
  ASSERT_NO_FATAL_FAILURE(
      daemon.Start("errors Produce 100000 NOT_ENOUGH_REPLICAS", [](ConsumerDaemonOptions& options) {
        options.kafka = ShortSession(options.kafka);
        // Several times what readiness takes to follow (about a second); the wait's end ends the
        // run.
        options.flush_timeout = std::chrono::seconds(8);
      }));

  int committed_by_then = -1;
  const auto loss =
      daemon.LoseOnceReady(*lose, [&] { committed_by_then = daemon.stage().committed; });
  const Status status = daemon.run().Join();

  EXPECT_TRUE(loss.ready);
  EXPECT_TRUE(loss.followed);
  EXPECT_EQ(committed_by_then, 0);  // the batch was still waiting for its outputs
  EXPECT_EQ(status.code(), StatusCode::kTimedOut) << status.ToString();
}

INSTANTIATE_TEST_SUITE_P(HeartbeatErrors, LostPartitionsTest,
                         ::testing::Values("UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION"));

// Gives two outputs to "out" for the first record and none for the others, counting the outputs
// asked for and those whose Produce returned: a Produce that has not returned is waiting for room
// in the producer's queue.
class QueueFillingStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output& output) override {
    ++handled;
    for (int i = 0; record.offset == 0 && i < 2; ++i) {
      ++asked;
      if (Status s = output.Produce({.topic = "out",
                                     .key = std::string(record.key),
                                     .value = "decided",
                                     .headers = {},
                                     .partition = {}});
          !s.ok()) {
        return s;
      }
      ++returned;
    }
    return Status::Ok();
  }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override {
    ++committed;
    return Status::Ok();
  }
  const StateStore* state() const override { return nullptr; }

  std::atomic<int> handled{0};
  std::atomic<int> asked{0};
  std::atomic<int> returned{0};
  std::atomic<int> committed{0};
};

// A full producer queue holds Produce until deliveries make room, for as long as
// message.timeout.ms when the brokers refuse the outputs. Readiness must follow the partitions
// lost meanwhile all the same, and the daemon, whose first readiness comes from that wait here,
// must become ready at all.
TEST(ConsumerDaemonTest, ReadinessFollowsPartitionsLostWhileAnOutputWaitsForRoomInTheQueue) {
  auto lose = ParseBrokerControl("errors Heartbeat 1 UNKNOWN_MEMBER_ID");
  ASSERT_TRUE(lose.has_value()) << lose.error().ToString();
  RefusedOutputsDaemon<QueueFillingStage> daemon;
  ASSERT_NO_FATAL_FAILURE(
      daemon.Start("errors Produce 100000 NOT_ENOUGH_REPLICAS", [](ConsumerDaemonOptions& options) {
        options.kafka = ShortSession(options.kafka);
        // Room for one output: the second waits until the first fails, after message.timeout.ms,
        // many times what readiness takes to follow (about a second); that failure ends the run.
        options.kafka.properties.push_back("producer.queue.buffering.max.messages=1");
        options.kafka.properties.push_back("producer.message.timeout.ms=20000");
        options.flush_timeout = std::chrono::seconds(2);
      }));

  bool still_waiting = false;
  const auto loss = daemon.LoseOnceReady(*lose, [&] {
    // The second output's Produce has not returned.
    still_waiting = daemon.stage().asked > daemon.stage().returned;
  });
  const Status status = daemon.run().Join();

  EXPECT_TRUE(loss.ready);
  EXPECT_TRUE(loss.followed);
  EXPECT_TRUE(still_waiting);
  EXPECT_EQ(daemon.stage().committed, 0);
  EXPECT_FALSE(status.ok());  // the first output failed
}

// Room in the producer's queue comes with deliveries, or with their failures after
// message.timeout.ms, which a user may set to never (0): an output the brokers keep refusing then
// holds the loop for as long as they do. The wait beats for flush_timeout at most, so /healthz
// reports the stall instead of saying the loop turns; once the output goes out the run goes on.
TEST(ConsumerDaemonTest, AnOutputWaitingForRoomLongerThanTheFlushTimeoutIsAStallHealthzReports) {
  RefusedOutputsDaemon<QueueFillingStage> daemon;
  // Twenty refusals a second apart: the first output waits at least 20 s, the second for room.
  ASSERT_NO_FATAL_FAILURE(
      daemon.Start("errors Produce 20 NOT_ENOUGH_REPLICAS",
                   [](ConsumerDaemonOptions& options) {
                     options.kafka.properties.push_back("producer.queue.buffering.max.messages=1");
                     options.kafka.properties.push_back("producer.message.timeout.ms=0");
                     options.kafka.properties.push_back("producer.retry.backoff.ms=1000");
                     options.loop.exit_at_end = true;
                     options.flush_timeout = std::chrono::seconds(3);
                   },
                   {.admin = "", .stall_after = std::chrono::seconds(2)}));

  const bool stalled = daemon.run().LivenessUntil([&](const Probe& alive) {
    return !alive.ok && daemon.stage().asked > daemon.stage().returned;
  });
  const Status status = daemon.run().Join();

  EXPECT_TRUE(stalled);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(daemon.stage().returned.load(), 2);
  EXPECT_GT(daemon.stage().committed.load(), 0);
}

// Remembers, at its first assignment, what /readyz said and what the group's offset was, then
// stops the daemon: readiness at that point shows what the ticks in the assignment's waits saw.
class AssignmentStage final : public ConsumerStage {
 public:
  explicit AssignmentStage(DaemonContext& context) : context_(context) {}
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&,
                                              const GroupOffset& group) override {
    readiness = context_.Readiness();
    group_known = group.known;
    return Err(Status::Aborted("assignment seen"));
  }
  Status Handle(const ConsumedRecord&, Output&) override { return Status::Ok(); }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override { return Status::Ok(); }
  const StateStore* state() const override { return nullptr; }

  std::optional<Probe> readiness;
  bool group_known = true;

 private:
  DaemonContext& context_;
};

// The group's committed offsets are read as partitions are assigned, inside the group's
// rebalance: a coordinator slow to answer holds the loop for up to 10 s. Meanwhile readiness must
// say the partitions are being assigned: not what it said before (joining the group), nor take the
// member for a standby that the group gave no partitions.
TEST(ConsumerDaemonTest, ReadinessSaysPartitionsAreBeingAssignedWhileTheirCommittedOffsetsAreRead) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 3));
  // Retriable: the read waits for its whole bound.
  auto slow = ParseBrokerControl("errors OffsetFetch 1000 COORDINATOR_LOAD_IN_PROGRESS");
  ASSERT_TRUE(slow.has_value()) << slow.error().ToString();
  ASSERT_TRUE(input.cluster->Apply(*slow).ok());
  auto context = DaemonContext::Start("test", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  ConsumerDaemon daemon(**context, OptionsFor(input));
  AssignmentStage stage(**context);

  const Status status = daemon.Run(stage);

  EXPECT_EQ(status.code(), StatusCode::kAborted) << status.ToString();
  EXPECT_FALSE(stage.group_known);  // the read waited until its bound
  ASSERT_TRUE(stage.readiness.has_value());
  EXPECT_FALSE(stage.readiness->ok);
  EXPECT_EQ(stage.readiness->reason, "lag not known yet");
}

// The handovers are read at the first partition of an assignment, inside the group's rebalance,
// on a client of their own: a leader slow to say what the handover topic holds holds the loop.
// Readiness must follow meanwhile as it does while the committed offsets are read.
TEST(ConsumerDaemonTest, ReadinessSaysPartitionsAreBeingAssignedWhileTheHandoversAreRead) {
  test_support::InputTopic input;
  ASSERT_NO_FATAL_FAILURE(input.Start());
  ASSERT_NO_FATAL_FAILURE(input.Produce(0, 3));
  // The first requests for a partition's offsets are the handover read's (the daemon resumes
  // "in" at its beginning only after the assignment): two answers 3 s late each.
  ASSERT_TRUE(
      input.cluster->DelayRequests(1, "ListOffsets", 2, std::chrono::milliseconds(3000)).ok());
  auto context = DaemonContext::Start("test", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  ConsumerDaemonOptions options = OptionsFor(input);
  options.produces = true;
  options.handover_topic = "handover";
  ConsumerDaemon daemon(**context, options);
  AssignmentStage stage(**context);

  const Status status = daemon.Run(stage);

  EXPECT_EQ(status.code(), StatusCode::kAborted) << status.ToString();
  EXPECT_TRUE(stage.group_known);
  ASSERT_TRUE(stage.readiness.has_value());
  EXPECT_FALSE(stage.readiness->ok);
  EXPECT_EQ(stage.readiness->reason, "lag not known yet");
}

// In a process of its own (the signal's flag is process-wide and stays set): runs a daemon whose
// second output can never find room in the producer's queue, sends the process SIGTERM once that
// output is asked for, and says what the run did, for the test below to read.
[[noreturn]] void StopWhileAnOutputWaitsForRoom() {
  InstallShutdownHandlers();
  auto cluster = MockCluster::Start(
      {.topics = {{.name = "in", .partitions = 1}, {.name = "out", .partitions = 1}}});
  if (!cluster) ExitSaying("setup: " + cluster.error().ToString());
  KafkaOptions kafka;
  kafka.bootstrap = (*cluster)->bootstrap();
  auto input = KafkaProducer::Create(kafka);
  if (!input) ExitSaying("setup: " + input.error().ToString());
  if (Status s = (*input)->Produce("in", "k", "record", {}); !s.ok())
    ExitSaying("setup: " + s.ToString());
  if (Status s = (*input)->Flush(std::chrono::seconds(10)); !s.ok())
    ExitSaying("setup: " + s.ToString());
  // The brokers refuse every output, and with message.timeout.ms 0 the producer never gives up
  // on one: with room for a single output in the queue, the second waits for room for good.
  auto refuse = ParseBrokerControl("errors Produce 100000 NOT_ENOUGH_REPLICAS");
  if (!refuse) ExitSaying("setup: " + refuse.error().ToString());
  if (Status s = (*cluster)->Apply(*refuse); !s.ok()) ExitSaying("setup: " + s.ToString());
  auto context = DaemonContext::Start("test", {});
  if (!context) ExitSaying("setup: " + context.error().ToString());
  ConsumerDaemonOptions options;
  options.kafka = kafka;
  options.kafka.properties.push_back("producer.queue.buffering.max.messages=1");
  options.kafka.properties.push_back("producer.message.timeout.ms=0");
  options.group_id = "g";
  options.topics = {"in"};
  options.produces = true;
  options.flush_timeout = std::chrono::seconds(2);
  ConsumerDaemon daemon(**context, options);
  QueueFillingStage stage;
  std::promise<Status> ran;
  std::future<Status> result = ran.get_future();
  std::thread run([&] { ran.set_value(daemon.Run(stage)); });
  run.detach();  // a run that never ends is left to _Exit

  // Bounds that only turn a run that never gets there into a failure instead of a hang.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (stage.asked < 2) {
    if (std::chrono::steady_clock::now() >= deadline)
      ExitSaying("the second output was never asked for");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::raise(SIGTERM);
  if (result.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ExitSaying("the run did not end after SIGTERM: committed=" + std::to_string(stage.committed));
  }
  const Status status = result.get();
  ExitSaying("ended: status=" + status.ToString() + " enqueued=" + std::to_string(stage.returned) +
             " committed=" + std::to_string(stage.committed));
}

// SIGTERM, SIGINT or SIGHUP must stop a daemon whose output waits for room in the producer's queue
// (brokers that take no output, not yet given up on): that wait may last as long as
// message.timeout.ms, forever with 0, and an operator, systemd or Kubernetes would have to kill
// it. The batch in hand is neither committed nor written (its second output was never
// enqueued: a restart redoes it), and the stop is a clean one, as any stop by a signal is. The
// group's offsets move only when a batch is committed (Persisted, no auto-commit), so no commit
// means no offset past what was delivered.
TEST(ConsumerDaemonStopTest,
     AStopAskedWhileAnOutputWaitsForRoomInTheQueueEndsTheWaitAndCommitsNothingUndelivered) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(StopWhileAnOutputWaitsForRoom(), ::testing::ExitedWithCode(0),
              "ended: status=OK enqueued=1 committed=0");
}

// A death test's child daemon (a stop's flag is process-wide and stays set: each stop runs in a
// process of its own): group "g" reads "in" (one partition, four records) one record a batch and
// produces to "out" (one partition), whose brokers answer produces with `refusals` in turn. The
// producer's queue has room for one output and never gives up on one (message.timeout.ms 0):
// while the brokers refuse, an output waits for room until a stop. A setup that fails ends the
// child saying so.
class StopInChild {
 public:
  explicit StopInChild(const std::vector<std::string>& refusals) {
    InstallShutdownHandlers();
    std::unique_ptr<MockCluster> cluster;
    StartWithOutput(1, cluster);
    if (::testing::Test::HasFatalFailure()) ExitSaying("setup: the cluster did not start");
    cluster_ = std::move(cluster);
    for (const std::string& refusal : refusals) {
      auto refuse = ParseBrokerControl(refusal);
      if (!refuse) ExitSaying("setup: " + refuse.error().ToString());
      if (Status s = cluster_->Apply(*refuse); !s.ok()) ExitSaying("setup: " + s.ToString());
    }
    auto context = DaemonContext::Start("test", {});
    if (!context) ExitSaying("setup: " + context.error().ToString());
    context_ = std::move(*context);
  }

  MockCluster& cluster() { return *cluster_; }

  // Runs the daemon with `stage` to its end. A bound that only turns a run that never ends into a
  // failure instead of a hang.
  Status Run(ConsumerStage& stage) {
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::seconds(90));
      ExitSaying("the run did not end within 90 s");
    }).detach();
    ConsumerDaemonOptions options;
    options.kafka.bootstrap = cluster_->bootstrap();
    options.kafka.properties = {"producer.queue.buffering.max.messages=1",
                                "producer.message.timeout.ms=0"};
    options.group_id = "g";
    options.topics = {"in"};
    options.loop.max_batch = 1;
    options.produces = true;
    ConsumerDaemon daemon(*context_, options);
    return daemon.Run(stage);
  }

  // The group's committed next offset of "in", as a restart would read it; -1 for none.
  int64_t GroupCommitted() {
    char error[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", cluster_->bootstrap().c_str(), error,
                      sizeof error);
    rd_kafka_conf_set(conf, "group.id", "g", error, sizeof error);
    RdKafkaPtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error));
    if (!rk) ExitSaying(std::string("committed offsets: ") + error);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, "in", 0);
    const rd_kafka_resp_err_t err = rd_kafka_committed(rk.get(), list, 10000);
    const int64_t next = list->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ExitSaying(std::string("committed offsets: ") + rd_kafka_err2str(err));
    }
    return next < 0 ? -1 : next;
  }

 private:
  std::unique_ptr<MockCluster> cluster_;
  std::unique_ptr<DaemonContext> context_;
};

// The output of `record` to "out".
OutputRecord DecidedOutput(const ConsumedRecord& record) {
  return {.topic = "out",
          .key = std::string(record.key),
          .value = "decided",
          .headers = {},
          .partition = {}};
}

// Seals its batches; each write remembers the next offset it persists. Record 0's output is
// refused by the brokers until record 1 lets it through and waits until "out" holds it; then the
// brokers refuse again, record 1's first output goes into the queue once the report of record
// 0's has been served (the queue has room for one), the stage asks for the stop (SIGTERM) and
// its second output waits for room that never comes. So at the stop record 0's batch is sealed,
// its output acknowledged, and not written, as `written_before_stop` tells.
class SealedBeforeStopStage final : public ConsumerStage {
 public:
  explicit SealedBeforeStopStage(MockCluster& cluster) : cluster_(cluster) {}
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output& output) override {
    if (record.offset == 0) return output.Produce(DecidedOutput(record));
    if (Status s = cluster_.ClearErrors("Produce"); !s.ok()) return s;
    if (Status s = AwaitStored(); !s.ok()) return s;
    auto refuse = ParseBrokerControl("errors Produce 100000 NOT_ENOUGH_REPLICAS");
    if (!refuse) return refuse.error();
    if (Status s = cluster_.Apply(*refuse); !s.ok()) return s;
    if (Status s = output.Produce(DecidedOutput(record)); !s.ok()) return s;
    written_before_stop = static_cast<int>(written.size());
    std::raise(SIGTERM);
    return output.Produce(DecidedOutput(record));
  }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override {
    ++committed;
    return Status::Ok();
  }
  std::optional<std::function<Status()>> Seal(
      const std::map<TopicPartition, int64_t>& next_offsets) override {
    return [this, next = next_offsets.at({"in", 0})] {
      written.push_back(next);
      return Status::Ok();
    };
  }
  const StateStore* state() const override { return nullptr; }

  std::vector<int64_t> written;  // the next offset of each write, in order
  int written_before_stop = -1;
  int committed = 0;

 private:
  // Waits until "out" holds record 0's output: the brokers took it, and acknowledge it.
  Status AwaitStored() {
    char error[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", cluster_.bootstrap().c_str(), error, sizeof error);
    RdKafkaPtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error));
    if (!rk) return Status::Internal(error);
    // A bound that only turns an output never stored into a failure instead of a hang.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      auto held = QueryHeldOffsets(rk.get(), "out", 0, std::chrono::seconds(5));
      if (held && held->end > 0) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status::TimedOut("record 0's output never reached \"out\"");
  }

  MockCluster& cluster_;
};

[[noreturn]] void StopWithAnAcknowledgedBatchSealed() {
  StopInChild child({"errors Produce 100000 NOT_ENOUGH_REPLICAS"});
  SealedBeforeStopStage stage(child.cluster());
  const Status status = child.Run(stage);
  std::string written;
  for (const int64_t next : stage.written) written += " " + std::to_string(next);
  ExitSaying("ended: status=" + status.ToString() +
             " written_before_stop=" + std::to_string(stage.written_before_stop) + " written=[" +
             written + " ] committed=" + std::to_string(stage.committed) +
             " group_committed=" + std::to_string(child.GroupCommitted()));
}

// A stop that ends a wait for room leaves the batch in hand undone, but not the batch sealed
// before it when the brokers have acknowledged that one's outputs by then: it is written (its
// state and its offsets, also the group's), and a restart resumes after it instead of redoing
// it. The batch in hand is neither written nor committed, and the stop is a clean one.
TEST(ConsumerDaemonStopTest,
     AStopWhileAnOutputWaitsForRoomStillWritesTheBatchSealedBeforeWhoseOutputsWereAcknowledged) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(StopWithAnAcknowledgedBatchSealed(), ::testing::ExitedWithCode(0),
              "ended: status=OK written_before_stop=0 written=\\[ 1 \\] committed=0 "
              "group_committed=1");
}

// Gives record 0 three outputs: the brokers fail the first for good; the second goes into the
// queue once the report of that failure has been served (the queue has room for one) and is
// refused without end; the stage asks for the stop (SIGTERM) before the third, which waits for
// room that never comes. So the failure is known before the stop.
class FailedBeforeStopStage final : public ConsumerStage {
 public:
  Result<std::optional<int64_t>> ResumeOffset(const TopicPartition&, const GroupOffset&) override {
    return std::optional<int64_t>(kOffsetBeginning);
  }
  Status Handle(const ConsumedRecord& record, Output& output) override {
    for (int i = 0; i < 2; ++i) {
      if (Status s = output.Produce(DecidedOutput(record)); !s.ok()) return s;
    }
    std::raise(SIGTERM);
    return output.Produce(DecidedOutput(record));
  }
  Status Commit(const std::map<TopicPartition, int64_t>&, bool) override {
    ++committed;
    return Status::Ok();
  }
  std::optional<std::function<Status()>> Seal(const std::map<TopicPartition, int64_t>&) override {
    return [this] {
      ++written;
      return Status::Ok();
    };
  }
  const StateStore* state() const override { return nullptr; }

  int committed = 0;
  int written = 0;
};

[[noreturn]] void StopAfterAnOutputFailed() {
  StopInChild child(
      {"errors Produce 1 MSG_SIZE_TOO_LARGE", "errors Produce 100000 NOT_ENOUGH_REPLICAS"});
  FailedBeforeStopStage stage;
  const Status status = child.Run(stage);
  const std::string& message = status.message();
  const bool says_not_acknowledged =
      message.find("output not acknowledged; the batch will be redone after restart") !=
      std::string::npos;
  const bool names_the_failure = message.find("1 message(s) failed") != std::string::npos;
  ExitSaying("ended: ok=" + std::to_string(status.ok()) +
             " not_acknowledged=" + std::to_string(says_not_acknowledged) + " failure_named=" +
             std::to_string(names_the_failure) + " written=" + std::to_string(stage.written) +
             " committed=" + std::to_string(stage.committed) + " group_committed=" +
             std::to_string(child.GroupCommitted()) + " status=" + status.ToString());
}

// An output already lost when a stop ends a wait for room is an undeliverable output, as at any
// persist: the daemon fails (exit 1) saying so instead of stopping cleanly, and nothing of the
// batch that lost it is written or committed, so a restart redoes it.
TEST(ConsumerDaemonStopTest,
     AStopWhileAnOutputWaitsForRoomAfterAnOutputFailedIsAnErrorAndPersistsNothingOfTheBatch) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(StopAfterAnOutputFailed(), ::testing::ExitedWithCode(0),
              "ended: ok=0 not_acknowledged=1 failure_named=1 written=0 committed=0 "
              "group_committed=-1 ");
}

}  // namespace
}  // namespace headwire::common
