#pragma once
// Event-time windows: tumbling windows of a minute, an hour or a day aligned to the Unix epoch
// (UTC), and hopping windows built from them. Pure; never reads the clock. A window is the
// half-open range [start, start + size).

#include <cstdint>
#include <optional>
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

// Starts of the hopping windows of length `size_ms`, advancing by `hop_ms`, that contain
// `event_time_ms`, oldest first. `hop_ms` must divide `size_ms`; a tumbling window is hop = size.
std::vector<int64_t> HoppingWindowStarts(int64_t event_time_ms, int64_t size_ms, int64_t hop_ms);

}  // namespace headwire::core
