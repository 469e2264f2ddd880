#include "sinks/story_record.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

TEST(StoryRecordTest, AStoryKeepsItsPartitionAndOneStoredWithoutStaysWithoutIt) {
  nlohmann::json tree = Tree();
  tree["partition"] = "hw.processed/1";
  const std::string stored = tree.dump();
  const auto story = ParseStoryRecord(stored);
  ASSERT_TRUE(story.has_value()) << story.error().ToString();
  EXPECT_EQ(story->partition, "hw.processed/1");
  EXPECT_EQ(StoryRecordJson(*story), stored);
  EXPECT_EQ(ReadStoredStoryExpiry(stored).partition, "hw.processed/1");
  EXPECT_EQ(ReadStoredStoryExpiry(stored).last_seen_ms, 3000);
  const std::string without = Tree().dump();
  EXPECT_FALSE(ParseStoryRecord(without)->partition.has_value());
  EXPECT_FALSE(ReadStoredStoryExpiry(without).partition.has_value());
}

TEST(StoryRecordTest, AStoryStoredWithoutOtherSourcesHasNoneAndIsWrittenAsItWas) {
  const std::string stored = Tree().dump();
  const auto story = ParseStoryRecord(stored);
  ASSERT_TRUE(story.has_value()) << story.error().ToString();
  EXPECT_EQ(story->other_sources, 0u);
  EXPECT_EQ(StoryRecordJson(*story), stored);
}

TEST(StoryRecordTest, OtherSourcesIsReadAndWrittenInItsPlaceAmongTheKeys) {
  nlohmann::json tree = Tree();
  tree["other_sources"] = 8;
  tree["size"] = 12;
  for (const bool with_partition : {false, true}) {
    if (with_partition) tree["partition"] = "hw.processed/1";
    const std::string stored = tree.dump();
    const auto story = ParseStoryRecord(stored);
    ASSERT_TRUE(story.has_value()) << story.error().ToString();
    EXPECT_EQ(story->other_sources, 8u);
    EXPECT_EQ(StoryRecordJson(*story), stored);
  }
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
       R"({"first_seen_ms":1,"headline":"h","headline_id":"a","headline_ms":1,"last_seen_ms":1,"members":[],"size":1,"sources":{},"topics":{},"other":1})",
       R"({"first_seen_ms":1,"headline":"h","headline_id":"a","headline_ms":1,"last_seen_ms":1,"members":[],"other_sources":-1,"size":1,"sources":{},"topics":{}})",
       R"({"first_seen_ms":1,"headline":"h","headline_id":"a","headline_ms":1,"last_seen_ms":1,"members":[],"other_sources":"1","size":1,"sources":{},"topics":{}})",
       R"({"first_seen_ms":1,"headline":"h","headline_id":"a","headline_ms":1,"last_seen_ms":1,"members":[],"other_sources":1.5,"size":1,"sources":{},"topics":{}})"}) {
    const auto story = ParseStoryRecord(stored);
    ASSERT_FALSE(story.has_value()) << stored;
    EXPECT_EQ(story.error().code(), StatusCode::kCorruption) << stored;
  }
}

// The expiry time as the compaction filter and the digest read it before StoredLastSeenMs: the
// whole value parsed as a JSON tree.
std::optional<int64_t> ParsedLastSeenMs(const std::string& stored) {
  const auto story = nlohmann::ordered_json::parse(stored, nullptr, /*allow_exceptions=*/false);
  if (!story.is_object()) return std::nullopt;
  const auto it = story.find("last_seen_ms");
  if (it == story.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

TEST(StoredLastSeenMsTest, EveryStoredStoryExpiresWhenAFullParseOfItSays) {
  nlohmann::json without_dated = Tree();
  without_dated.erase("dated");
  StoryRecord story{.first_seen_ms = -7,
                    .last_seen_ms = -7,
                    .dated = std::nullopt,
                    .headline = "caf\xc3\xa9",
                    .headline_id = "id",
                    .headline_ms = -7};
  story.members.push_back({.time_ms = -7, .id = "id", .estimated = true});
  std::vector<std::string> stored = {
      Tree().dump(),
      without_dated.dump(),
      Tree().dump(2),
      StoryRecordJson(story),
      "{\"headline\":\"\\u00e9 \\ud83d\\ude00\",\"last_seen_ms\":5}",
      R"({"last_seen_ms":1,"last_seen_ms":2})",
      R"({"last_seen_ms":1,"last_seen_ms":"2"})",
      R"({"last_seen_ms":2.5})",
      R"({"last_seen_ms":1e3})",
      R"({"last_seen_ms":-0})",
      R"({"last_seen_ms":9223372036854775807})",
      R"({"last_seen_ms":18446744073709551615})",
      R"({"last_seen_ms":18446744073709551616})",
      R"({"last_seen_ms":-9223372036854775808})",
      R"({"last_seen_ms":-9223372036854775809})",
      R"({"last_seen_ms":5,"x":1e999})",
      R"({"last_seen_ms":5,"x":1e-999})",
      R"({"last_seen_ms":5,"x":[1,{"y":[true,false,null]}]})",
      R"({"a":{"last_seen_ms":5}})",
      R"({"last_seen_ms" : 5 } )",
      R"( {"last_seen_ms":5}x)",
      R"({"last_seen_ms":5,})",
      R"({"last_seen_ms":05})",
      R"({"last_seen_ms":5,"x":truex})",
      R"({"last\u005fseen_ms":5})",
      R"({"last_seen_ms":5,"x":"\q"})",
      "{\"last_seen_ms\":5,\"x\":\"\x01\"}",
      "{\"last_seen_ms\":5,\"x\":\"\xc3\x28\"}",
      "{\"last_seen_ms\":5,\"x\":\"\xc0\xaf\"}",
      "{\"last_seen_ms\":5,\"x\":\"\xed\xa0\x80\"}",
      "{\"last_seen_ms\":5,\"x\":\"\xf4\x90\x80\x80\"}",
      "{\"last_seen_ms\":5,\"x\":\"\xf0\x9f\x98\x80\xe2\x80\"}",
      "\xef\xbb\xbf{\"last_seen_ms\":5}",
      std::string(40, '[') + std::string(40, ']'),
      "{\"x\":" + std::string(40, '[') + std::string(40, ']') + ",\"last_seen_ms\":5}",
      "",
      "[]",
      "null",
      "{}"};
  // Every prefix of a stored story, and every byte of it replaced by each of a few others.
  const std::string whole = Tree().dump();
  for (size_t n = 0; n < whole.size(); ++n) {
    stored.push_back(whole.substr(0, n));
    for (const char c : std::string_view("\"\\{}[],:0-e. \x01\x80\xc3x")) {
      std::string changed = whole;
      changed[n] = c;
      stored.push_back(changed);
    }
  }
  for (const auto& value : stored) {
    EXPECT_EQ(StoredLastSeenMs(value), ParsedLastSeenMs(value)) << value;
  }
}

}  // namespace
}  // namespace headwire::sinks
