#include "sinks/backfill_target.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

#include "tests/common/test_dir.h"
#include "tests/processors/raw_inputs.h"

namespace headwire::sinks {
namespace {

class BackfillTargetTest : public ::testing::Test {
 protected:
  BackfillOptions Options() const {
    BackfillOptions options;
    options.sink_state = (dir_.path() / "sink").string();
    options.process_state = (dir_.path() / "process").string();
    return options;
  }

  const testing::TestDir dir_{"hw-backfill-target"};
  const core::TopicClassifier classifier_ = processors::test_support::RulesOnly();
};

// Partition 0 too: a replay numbers the processed records it applies itself, and once kept that
// count under the processed topic's partition 0, where a live sink of a one-domain stream keeps
// its offset: such a live state was taken for a replay's and changed.
TEST_F(BackfillTargetTest, RefusesASinkStateThatALiveSinkWroteWhateverItsPartition) {
  for (const int32_t partition : {0, 3}) {
    BackfillOptions options = Options();
    options.sink_state += std::to_string(partition);
    options.process_state += std::to_string(partition);
    {
      // A sink that consumed a partition of the processed topic, as live sinks do.
      auto store = ArticleStore::Open(options.sink_state, /*for_queries=*/false, {});
      ASSERT_TRUE(store.has_value()) << store.error().ToString();
      ArticleStore::Batch batch;
      ASSERT_TRUE(
          (*store)->Commit(batch, {{{"headwire.articles.processed", partition}, 294}}).ok());
    }
    auto target = BackfillTarget::Create(options, classifier_);
    ASSERT_FALSE(target.has_value()) << partition;
    EXPECT_TRUE(target.error().IsInvalidArgument()) << target.error().ToString();
    EXPECT_NE(
        target.error().message().find("headwire.articles.processed/" + std::to_string(partition)),
        std::string::npos)
        << target.error().ToString();
    EXPECT_FALSE(std::filesystem::exists(options.process_state));
  }
}

TEST_F(BackfillTargetTest, RefusesAProcessorStateWithPositionsBesideAFreshSinkState) {
  {
    auto target = BackfillTarget::Create(Options(), classifier_);
    ASSERT_TRUE(target.has_value()) << target.error().ToString();
    ASSERT_TRUE((*target)->Commit({{0, 5}}).ok());
  }
  // The same processor state (as a live processor's would be) beside a new sink state.
  BackfillOptions options = Options();
  options.sink_state = (dir_.path() / "other-sink").string();
  auto target = BackfillTarget::Create(options, classifier_);
  ASSERT_FALSE(target.has_value());
  EXPECT_TRUE(target.error().IsInvalidArgument()) << target.error().ToString();
  EXPECT_NE(target.error().message().find("not built together"), std::string::npos)
      << target.error().ToString();
}

TEST_F(BackfillTargetTest, ReopensTheStateAReplayMadeWithItsPositions) {
  {
    auto target = BackfillTarget::Create(Options(), classifier_);
    ASSERT_TRUE(target.has_value()) << target.error().ToString();
    ASSERT_TRUE((*target)->Commit({{0, 5}}).ok());
  }
  auto target = BackfillTarget::Create(Options(), classifier_);
  ASSERT_TRUE(target.has_value()) << target.error().ToString();
  EXPECT_EQ((*target)->StoredPositions(), (std::map<int32_t, int64_t>{{0, 5}}));
}

TEST_F(BackfillTargetTest, AStateIsResumedOnlyByTheReplayThatBuiltIt) {
  BackfillOptions options = Options();
  options.replay = "archive /a";
  {
    auto target = BackfillTarget::Create(options, classifier_);
    ASSERT_TRUE(target.has_value()) << target.error().ToString();
    ASSERT_TRUE((*target)->Commit({{0, 19}}).ok());
  }
  options.replay = "file /uci.csv layout uci";
  auto target = BackfillTarget::Create(options, classifier_);
  ASSERT_FALSE(target.has_value());
  EXPECT_TRUE(target.error().IsInvalidArgument()) << target.error().ToString();
  EXPECT_NE(target.error().message().find("another replay (archive /a)"), std::string::npos)
      << target.error().ToString();
}

// A replay ends long before 10 s on a short archive: the dead letters its sampler held back
// were never counted in the log.
TEST_F(BackfillTargetTest, EveryDeadLetterIsLoggedOrCountedInASummaryByTheEnd) {
  auto target = BackfillTarget::Create(Options(), classifier_);
  ASSERT_TRUE(target.has_value()) << target.error().ToString();
  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "backfill-target-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  constexpr int kJunk = 8;
  for (int offset = 0; offset < kJunk; ++offset) {
    common::ArchiveRecord junk;
    junk.offset = offset;
    junk.value = "\xff\xff\xff\xff";  // no protobuf message
    ASSERT_TRUE((*target)->Deliver(junk).ok());
  }
  ASSERT_TRUE((*target)->Commit({{0, kJunk}}).ok());
  ASSERT_TRUE((*target)->Finish().ok());
  spdlog::set_default_logger(previous);
  EXPECT_EQ((*target)->counts().dead_letters, uint64_t{kJunk});
  const std::string text = log.str();
  // Plain searches, not <regex>: GCC 12's regex headers trip -Wmaybe-uninitialized under ASan.
  int told = 0;
  constexpr std::string_view kOneByOne = "msg=\"dead letter\"";
  for (size_t at = text.find(kOneByOne); at != std::string::npos;
       at = text.find(kOneByOne, at + kOneByOne.size())) {
    ++told;
  }
  constexpr std::string_view kSummary = "more dead letters, not logged one by one\" count=";
  for (size_t at = text.find(kSummary); at != std::string::npos;
       at = text.find(kSummary, at + kSummary.size())) {
    told += std::stoi(text.substr(at + kSummary.size()));
  }
  EXPECT_EQ(told, kJunk) << text;
}

}  // namespace
}  // namespace headwire::sinks
