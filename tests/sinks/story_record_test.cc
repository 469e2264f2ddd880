#include "sinks/story_record.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace headwire::sinks {
namespace {

// A story as the store wrote it when it kept stories as nlohmann::json trees: names with quotes,
// backslashes, control characters and UTF-8, a negative time, an estimated member.
nlohmann::json Tree() {
  return nlohmann::json{
      {"size", 4},
      {"first_seen_ms", -1500},
      {"last_seen_ms", 3000},
      {"dated", true},
      {"headline", "Say \"hi\"\\ \t\n\r\b\f\x01\x1f\x7f caf\xc3\xa9 \xe2\x80\x94 /"},
      {"headline_id", "a"},
      {"headline_ms", -1500},
      {"members", {{-1500, "a"}, {3000, "c\x02"}, {9000, "u", true}}},
      {"sources", {{"One \"1\"", 2}, {"Two", 1}, {"\xc3\xa9", 1}}},
      {"topics", {{"business", 1}, {"space", 4}}}};
}

TEST(StoryRecordTest, WritesAStoryByteForByteAsItsJsonTreeDumps) {
  const std::string stored = Tree().dump();
  const auto story = ParseStoryRecord(stored);
  ASSERT_TRUE(story.has_value()) << story.error().ToString();
  EXPECT_EQ(StoryRecordJson(*story), stored);
  EXPECT_EQ(story->size, 4u);
  EXPECT_EQ(story->first_seen_ms, -1500);
  EXPECT_EQ(story->members.size(), 3u);
  EXPECT_TRUE(story->members.back().estimated);
  EXPECT_EQ(story->sources.at("One \"1\""), 2);
}

TEST(StoryRecordTest, AStoryStoredWithoutDatedStaysWithoutIt) {
  nlohmann::json tree = Tree();
  tree.erase("dated");
  const std::string stored = tree.dump();
  const auto story = ParseStoryRecord(stored);
  ASSERT_TRUE(story.has_value());
  EXPECT_FALSE(story->dated.has_value());
  EXPECT_EQ(StoryRecordJson(*story), stored);
}

TEST(StoryRecordTest, ANewStoryIsWrittenAsItsJsonTreeDumps) {
  StoryRecord story{.first_seen_ms = 7,
                    .last_seen_ms = 7,
                    .dated = false,
                    .headline = "x",
                    .headline_id = "id",
                    .headline_ms = 7};
  const nlohmann::json tree = {{"size", 0},
                               {"first_seen_ms", 7},
                               {"last_seen_ms", 7},
                               {"dated", false},
                               {"headline", "x"},
                               {"headline_id", "id"},
                               {"headline_ms", 7},
                               {"members", nlohmann::json::array()},
                               {"sources", nlohmann::json::object()},
                               {"topics", nlohmann::json::object()}};
  EXPECT_EQ(StoryRecordJson(story), tree.dump());
}

TEST(StoryRecordTest, AnythingElseIsCorruption) {
  for (
      const char* stored :
      {"", "[]", "null", "{}", R"({"size":1})", "{\"size\": 1.5}",
       R"({"first_seen_ms":1,"headline":"h","headline_id":"a","headline_ms":1,"last_seen_ms":1,"members":[[1]],"size":1,"sources":{},"topics":{}})",
       R"({"first_seen_ms":1,"headline":"h","headline_id":"a","headline_ms":1,"last_seen_ms":1,"members":[[1,"a",false]],"size":1,"sources":{},"topics":{}})",
       R"({"first_seen_ms":1,"headline":"h","headline_id":"a","headline_ms":1,"last_seen_ms":1,"members":[],"size":1,"sources":{},"topics":{},"other":1})"}) {
    const auto story = ParseStoryRecord(stored);
    ASSERT_FALSE(story.has_value()) << stored;
    EXPECT_EQ(story.error().code(), StatusCode::kCorruption) << stored;
  }
}

}  // namespace
}  // namespace headwire::sinks
