#include "sinks/state_layout.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>

#include "common/state_store.h"
#include "sinks/story_record.h"

namespace headwire::sinks {
namespace {

std::string Counts(uint64_t articles, uint64_t duplicates) {
  return EncodeWindowCounts({articles, duplicates});
}

TEST(AddCountsOperatorTest, AddsEachCountOfTheOperandToTheStoredOne) {
  const AddCountsOperator add;
  const std::string stored = Counts(5, 1);
  const std::string operand = Counts(2, 3);
  const rocksdb::Slice existing(stored);
  std::string merged;
  ASSERT_TRUE(add.Merge("key", &existing, operand, &merged, nullptr));
  const WindowCounts counts = DecodeWindowCounts(merged);
  EXPECT_EQ(counts.articles, 7u);
  EXPECT_EQ(counts.duplicates, 4u);
}

TEST(AddCountsOperatorTest, AnOperandWithoutStoredValueIsTheCount) {
  const AddCountsOperator add;
  std::string merged;
  ASSERT_TRUE(add.Merge("key", nullptr, EncodeU64(9), &merged, nullptr));
  EXPECT_EQ(DecodeU64(merged), 9u);
}

TEST(AddCountsOperatorTest, AnOperandOfAnotherSizeIsRefused) {
  const AddCountsOperator add;
  const std::string stored = Counts(5, 1);
  const rocksdb::Slice existing(stored);
  std::string merged;
  EXPECT_FALSE(add.Merge("key", &existing, EncodeU64(1), &merged, nullptr));
  EXPECT_FALSE(add.Merge("key", nullptr, "odd", &merged, nullptr));
}

TEST(ExpiryFilterTest, IncrementsOfAnExpiredCountAreDroppedWithTheirKey) {
  const auto hour = core::WindowLengthMs(core::WindowSize::kHour);
  auto horizons = std::make_shared<ExpiryHorizons>();
  horizons->Publish(10 * hour, {});
  const ExpiryFilter filter(kTermsFamily, horizons);
  const std::string expired = WindowKey(core::WindowSize::kHour, 8 * hour, "*", "rocket");
  const std::string kept = WindowKey(core::WindowSize::kHour, 10 * hour, "*", "rocket");
  EXPECT_TRUE(filter.FilterMergeOperand(0, expired, EncodeU64(1)));
  EXPECT_FALSE(filter.FilterMergeOperand(0, kept, EncodeU64(1)));
  horizons->Publish(std::numeric_limits<int64_t>::min(), {});
  EXPECT_FALSE(filter.FilterMergeOperand(0, expired, EncodeU64(1)));
}

TEST(ExpiryFilterTest, AStoryExpiresWithItsLastMemberAndAValueThatIsNoStoryNever) {
  auto horizons = std::make_shared<ExpiryHorizons>();
  horizons->Publish(100, {});
  const ExpiryFilter filter(kStoriesFamily, horizons);
  const auto stored = [](int64_t last_seen_ms) {
    return StoryRecordJson({.first_seen_ms = 1,
                            .last_seen_ms = last_seen_ms,
                            .dated = true,
                            .headline = "h",
                            .headline_id = "a",
                            .headline_ms = 1});
  };
  EXPECT_TRUE(filter.Filter(0, "story", stored(99), nullptr, nullptr));
  EXPECT_FALSE(filter.Filter(0, "story", stored(100), nullptr, nullptr));
  EXPECT_FALSE(filter.Filter(0, "story", "{\"last_seen_ms\":1", nullptr, nullptr));
}

// A story or reject of a partition far behind the others waits for that partition's own
// horizon, and for the global one, which queries still show it by; one of a partition without a
// horizon of its own goes by the global one.
TEST(ExpiryFilterTest, AStoryOrRejectOfAPartitionIsDroppedOnlyPastItsOwnAndTheGlobalHorizon) {
  auto horizons = std::make_shared<ExpiryHorizons>();
  horizons->Publish(100, {{"in/0", 50}, {"in/1", 200}});
  const ExpiryFilter stories(kStoriesFamily, horizons);
  const auto stored = [](int64_t last_seen_ms, std::optional<std::string> partition) {
    return StoryRecordJson({.first_seen_ms = 1,
                            .last_seen_ms = last_seen_ms,
                            .dated = true,
                            .headline = "h",
                            .headline_id = "a",
                            .headline_ms = 1,
                            .partition = std::move(partition)});
  };
  EXPECT_FALSE(stories.Filter(0, "s", stored(60, "in/0"), nullptr, nullptr));
  EXPECT_TRUE(stories.Filter(0, "s", stored(49, "in/0"), nullptr, nullptr));
  EXPECT_FALSE(stories.Filter(0, "s", stored(150, "in/1"), nullptr, nullptr));
  EXPECT_TRUE(stories.Filter(0, "s", stored(99, "in/1"), nullptr, nullptr));
  // A partition with no horizon of its own goes by the global one, or it would keep for good.
  EXPECT_TRUE(stories.Filter(0, "s", stored(99, "in/9"), nullptr, nullptr));
  EXPECT_FALSE(stories.Filter(0, "s", stored(100, "in/9"), nullptr, nullptr));
  EXPECT_TRUE(stories.Filter(0, "s", stored(99, std::nullopt), nullptr, nullptr));
  const ExpiryFilter rejects(kRejectsFamily, horizons);
  EXPECT_EQ(RejectPartition(RejectKey("in", 0, 7)), "in/0");
  EXPECT_FALSE(rejects.Filter(0, RejectKey("in", 0, 7), TimedValue(60, "bad"), nullptr, nullptr));
  EXPECT_TRUE(rejects.Filter(0, RejectKey("in", 0, 7), TimedValue(49, "bad"), nullptr, nullptr));
  EXPECT_FALSE(rejects.Filter(0, RejectKey("in", 2, 7), TimedValue(kPendingRejectTime, "bad"),
                              nullptr, nullptr));
}

// Compaction threads read the horizons while the sink publishes them: each read must pair a
// global horizon with the partition horizons published with it, never with older or newer ones.
TEST(ExpiryHorizonsTest, AReaderSeesTheGlobalAndPartitionHorizonsOfOnePublication) {
  ExpiryHorizons horizons;
  horizons.Publish(0, {{"in/0", 0}});
  constexpr int64_t kLast = 20000;
  std::thread writer([&] {
    for (int64_t h = 1; h <= kLast; ++h) horizons.Publish(h, {{"in/0", -h}});
  });
  int64_t mismatches = 0;
  for (bool done = false; !done;) {
    const auto snapshot = horizons.Load();
    if (!snapshot->global || snapshot->partitions.at("in/0") != -*snapshot->global) ++mismatches;
    done = snapshot->global == kLast;
  }
  writer.join();
  EXPECT_EQ(mismatches, 0);
}

TEST(ExpiryTimeTest, KeysExpireByTheTimesTheirPartsHold) {
  const auto hour = core::WindowLengthMs(core::WindowSize::kHour);
  const std::string window = WindowKey(core::WindowSize::kHour, -3 * hour, "space", "rocket");
  EXPECT_EQ(ExpiryTime(kTermsFamily, window, EncodeU64(1)), -2 * hour);
  EXPECT_EQ(ParseWindowKey(window)->topic, "space");
  EXPECT_EQ(ParseWindowKey(window)->name, "rocket");
  const std::string latest = LatestKey("space", true, -5, "id");
  EXPECT_EQ(ExpiryTime(kLatestFamily, latest, ""), -5);
  EXPECT_EQ(ParseLatestKey(latest)->topic, "space");
  EXPECT_TRUE(ParseLatestKey(latest)->estimated);
  EXPECT_EQ(ParseLatestKey(latest)->id, "id");
  for (const std::string_view cut :
       {std::string_view(window).substr(0, 9), std::string_view(window).substr(0, 12)}) {
    EXPECT_EQ(ExpiryTime(kWindowsFamily, cut, ""), std::nullopt);
    EXPECT_FALSE(ParseWindowKey(cut).has_value());
  }
  EXPECT_EQ(ExpiryTime(kLatestFamily, latest.substr(0, 14), ""), std::nullopt);
  EXPECT_FALSE(ParseLatestKey(latest.substr(0, 14)).has_value());
}

}  // namespace
}  // namespace headwire::sinks
