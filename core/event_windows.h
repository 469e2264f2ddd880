#pragma once
// Event-time windows: tumbling windows of a minute, an hour or a day aligned to the Unix epoch
// (UTC), and hopping windows built from them. Pure; never reads the clock. A window is the
// half-open range [start, start + size).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::core {

enum class WindowSize : uint8_t { kMinute = 1, kHour = 2, kDay = 3 };

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;

// Every size the sink keeps counts for, finest first.
inline constexpr WindowSize kAllWindowSizes[] = {WindowSize::kMinute, WindowSize::kHour,
                                                 WindowSize::kDay};

int64_t WindowLengthMs(WindowSize size);
std::string_view WindowName(WindowSize size);
// "minute" | "hour" | "day"; nullopt for anything else.
std::optional<WindowSize> ParseWindowSize(std::string_view name);

// Start of the tumbling window of `size` that contains `event_time_ms` (floor division, so
// times before 1970 land in the right window too).
int64_t WindowStart(int64_t event_time_ms, int64_t size_ms);

// A hopping window and the tumbling windows it holds: those at [first, end) of the list given to
// HoppingWindowsOver.
struct HoppingSpan {
  int64_t start_ms = 0;
  size_t first = 0;
  size_t end = 0;
};

// The hopping windows of length `size_ms`, advancing by `hop_ms`, that hold at least one of the
// tumbling windows of `hop_ms` starting at `starts` (ascending, distinct), oldest first; a window
// holding none is not listed. `hop_ms` must divide `size_ms`; a tumbling window is hop = size.
// Costs one step per window listed and per start, whatever size / hop is.
std::vector<HoppingSpan> HoppingWindowsOver(std::span<const int64_t> starts, int64_t size_ms,
                                            int64_t hop_ms);

}  // namespace headwire::core
