#include "sinks/story_summary.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace headwire::sinks {
namespace {

// A story as ArticleStore::StageStory stores it: two dated members and an estimated one.
std::string Stored() {
  return nlohmann::json{{"size", 3},
                        {"first_seen_ms", 1000},
                        {"last_seen_ms", 3000},
                        {"dated", true},
                        {"headline", "space"},
                        {"headline_id", "a"},
                        {"headline_ms", 1000},
                        {"members", {{1000, "a"}, {3000, "c"}, {9000, "u", true}}},
                        {"sources", {{"One", 2}, {"Two", 1}}},
                        {"topics", {{"business", 1}, {"space", 3}}}}
      .dump();
}

TEST(StorySummaryTest, ReadsWhatTheStoriesQuerySortsAndFiltersBy) {
  const auto summary = ReadStorySummary(Stored(), "space", "Two", true);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->size, 3u);
  EXPECT_EQ(summary->first_seen_ms, 1000);
  EXPECT_EQ(summary->last_seen_ms, 3000);
  EXPECT_TRUE(summary->dated);
  EXPECT_TRUE(summary->has_topic);
  EXPECT_TRUE(summary->has_source);
  // The estimated member's time is left out, as it is when the status is classified.
  EXPECT_EQ(summary->dated_member_times, (std::vector<int64_t>{1000, 3000}));
}

TEST(StorySummaryTest, ANameIsLookedUpAmongItsOwnKindOnly) {
  // "space" is the headline and "One" a source: neither is a topic.
  const auto summary = ReadStorySummary(Stored(), "One", "space", false);
  ASSERT_TRUE(summary.has_value());
  EXPECT_FALSE(summary->has_topic);
  EXPECT_FALSE(summary->has_source);
  EXPECT_TRUE(summary->dated_member_times.empty());  // not asked for
  EXPECT_FALSE(ReadStorySummary(Stored(), "", "", false)->has_topic);
}

TEST(StorySummaryTest, TimesBeforeTheEpochAndAStoryWithoutDatedAreRead) {
  const std::string stored = nlohmann::json{
      {"size", 1},
      {"first_seen_ms", -5000},
      {"last_seen_ms", -5000},
      {"members", {{-5000, "old"}}},
      {"sources", nlohmann::json::object()},
      {"topics",
       nlohmann::json::object()}}.dump();
  const auto summary = ReadStorySummary(stored, "", "", true);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->first_seen_ms, -5000);
  EXPECT_TRUE(summary->dated);
  EXPECT_EQ(summary->dated_member_times, (std::vector<int64_t>{-5000}));
}

TEST(StorySummaryTest, AValueThatIsNotAJsonObjectIsNoStory) {
  for (const char* stored : {"", "42", "\"story\"", "[1, 2]", "{\"size\": 1", "not json"}) {
    EXPECT_FALSE(ReadStorySummary(stored, "", "", true).has_value()) << stored;
  }
}

}  // namespace
}  // namespace headwire::sinks
