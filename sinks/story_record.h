#pragma once
// StoryRecord: one story of the sink's "stories" family as ArticleStore changes it within a batch,
// typed, and its stored JSON. The stored form is the JSON object the store has always written
// (docs/state.md): keys in byte order, no spaces, strings escaped as nlohmann::json's dump()
// escapes them, so a story read and written again is byte for byte what it was. Reading and
// writing it costs one pass over its text, where a JSON tree cost an allocation per member.
// Pure; thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace headwire::sinks {

struct StoryMember {
  int64_t time_ms = 0;
  std::string id;
  bool estimated = false;  // stored as a third element, true, when set
  // The order of the stored members: time, then id, then dated before estimated.
  auto operator<=>(const StoryMember&) const = default;
};

struct StoryRecord {
  uint64_t size = 0;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  // Absent in stories stored before members could be estimated: such a story is dated, and stays
  // without the field until something sets it.
  std::optional<bool> dated;
  std::string headline;
  std::string headline_id;
  int64_t headline_ms = 0;
  std::vector<StoryMember> members = {};  // sorted (StoryMember's order)
  // Members per source, for at most as many sources as the store keeps per story
  // (StoreOptions::max_story_sources): the first ones in byte order.
  std::map<std::string, int64_t> sources = {};
  // Members of the sources left out of `sources` (the story has as many names before theirs as
  // it keeps), so that `size` is still the sum of every count. Stored as "other_sources" when above
  // zero: a story without it is stored as it was before the field existed.
  uint64_t other_sources = 0;
  std::map<std::string, int64_t> topics = {};
  // The input partition whose records the story's members came from (a story never spans
  // domains, and one partition carries each domain), by whose own horizon it expires. Absent in
  // stories stored before it was kept: such a story expires by the global horizon.
  std::optional<std::string> partition = std::nullopt;
};

// Reads a stored story. Corruption when `stored` is not such a JSON object: not JSON, another
// key or another type for one, or a member that is not [time, id] or [time, id, true].
Result<StoryRecord> ParseStoryRecord(std::string_view stored);

// The last_seen_ms of a stored story (its expiry time) as a full JSON parse of `stored` reads it:
// nullopt when `stored` is not a JSON object, has no such field or holds anything but an integer
// there; of repeated fields the last counts, and an unsigned integer beyond int64 wraps as
// nlohmann::json's get<int64_t>() wraps it. The compaction filter and the digest read it from
// every story, so it is read from the parser's events (SAX) without building the tree.
std::optional<int64_t> StoredLastSeenMs(std::string_view stored);

// What a stored story expires by: StoredLastSeenMs, and the top-level "partition" when it is a
// string (nullopt otherwise), read in the same single pass.
struct StoredStoryExpiry {
  std::optional<int64_t> last_seen_ms;
  std::optional<std::string> partition;
};
StoredStoryExpiry ReadStoredStoryExpiry(std::string_view stored);

// The stored JSON of `story`. Its strings must be UTF-8, as every string of a ProcessedArticle
// and of a parsed story is.
std::string StoryRecordJson(const StoryRecord& story);

}  // namespace headwire::sinks
