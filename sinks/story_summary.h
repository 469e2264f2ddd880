#pragma once
// StorySummary: what the stories query sorts and filters a stored story by, read from its stored
// JSON (a value of ArticleStore's "stories" family, written by ArticleStore::StageStory) without
// building the JSON tree, so that filtering every story costs one pass over its text. The answer's
// JSON is built from the full story for the stories of the page only. Pure; thread-safe.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace headwire::sinks {

struct StorySummary {
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  uint64_t size = 0;
  // False while every member's event time is estimated (a story stored without it is dated).
  bool dated = true;
  // Whether the story's topics and sources list the names ReadStorySummary was asked about.
  bool has_topic = false;
  bool has_source = false;
  // Event times of the members whose time is not estimated, in stored order; filled only when
  // ReadStorySummary is asked for them.
  std::vector<int64_t> dated_member_times;
};

// Reads the summary of one stored story. `topic` and `source` are looked up among the story's
// topics and sources ("" looks up nothing); `member_times` fills dated_member_times. nullopt when
// `stored` is not a JSON object.
std::optional<StorySummary> ReadStorySummary(std::string_view stored, std::string_view topic,
                                             std::string_view source, bool member_times);

}  // namespace headwire::sinks
