#include "core/story_status.h"

namespace headwire::core {

StoryStatus ClassifyStory(const std::vector<int64_t>& member_times_ms, int64_t last_seen_ms,
                          int64_t now_ms, const StoryStatusOptions& options) {
  if (last_seen_ms + options.close_after_ms <= now_ms) return StoryStatus::kClosed;
  int recent = 0;
  int before = 0;
  for (const int64_t t : member_times_ms) {
    if (t > now_ms - options.window_ms && t <= now_ms) {
      ++recent;
    } else if (t > now_ms - 2 * options.window_ms && t <= now_ms - options.window_ms) {
      ++before;
    }
  }
  return recent > before ? StoryStatus::kGrowing : StoryStatus::kSteady;
}

std::string_view StoryStatusName(StoryStatus status) {
  switch (status) {
    case StoryStatus::kGrowing:
      return "growing";
    case StoryStatus::kSteady:
      return "steady";
    case StoryStatus::kClosed:
      return "closed";
  }
  return "steady";
}

}  // namespace headwire::core
