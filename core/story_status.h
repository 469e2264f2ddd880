#pragma once
// The life-cycle status of a story at an event time `now` (the sink passes the largest event time
// it has seen, which depends on the input only). Pure.
//
//   closed   no member for `close_after_ms` of event time: last_seen + close_after <= now
//   growing  more members in the window (now - window, now] than in the one before it
//   steady   otherwise

#include <cstdint>
#include <string_view>
#include <vector>

namespace headwire::core {

enum class StoryStatus { kGrowing, kSteady, kClosed };

struct StoryStatusOptions {
  // Length of the two windows compared for "growing". Default: 1 hour.
  int64_t window_ms = 60 * 60'000;
  // Quiet period after which a story is closed. Default: 6 hours.
  int64_t close_after_ms = 6 * 60 * 60'000;
};

StoryStatus ClassifyStory(const std::vector<int64_t>& member_times_ms, int64_t last_seen_ms,
                          int64_t now_ms, const StoryStatusOptions& options);

std::string_view StoryStatusName(StoryStatus status);

}  // namespace headwire::core
