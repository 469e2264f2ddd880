#include "core/event_windows.h"

namespace headwire::core {

int64_t WindowLengthMs(WindowSize size) {
  switch (size) {
    case WindowSize::kMinute:
      return kMinuteMs;
    case WindowSize::kHour:
      return kHourMs;
    case WindowSize::kDay:
      return kDayMs;
  }
  return kHourMs;
}

std::string_view WindowName(WindowSize size) {
  switch (size) {
    case WindowSize::kMinute:
      return "minute";
    case WindowSize::kHour:
      return "hour";
    case WindowSize::kDay:
      return "day";
  }
  return "hour";
}

std::optional<WindowSize> ParseWindowSize(std::string_view name) {
  for (const WindowSize size : kAllWindowSizes) {
    if (WindowName(size) == name) return size;
  }
  return std::nullopt;
}

int64_t WindowStart(int64_t event_time_ms, int64_t size_ms) {
  int64_t quotient = event_time_ms / size_ms;
  if (event_time_ms % size_ms != 0 && event_time_ms < 0) --quotient;
  return quotient * size_ms;
}

std::vector<HoppingSpan> HoppingWindowsOver(std::span<const int64_t> starts, int64_t size_ms,
                                            int64_t hop_ms) {
  std::vector<HoppingSpan> spans;
  size_t first = 0;  // the oldest tumbling window that the next hopping window holds
  size_t end = 0;    // the first tumbling window past those the last hopping window held
  int64_t start = 0;
  while (first < starts.size()) {
    // Every tumbling window so far is behind: no hopping window before the first one to reach
    // the next tumbling window holds any.
    if (first == end) start = starts[end] - size_ms + hop_ms;
    while (end < starts.size() && starts[end] < start + size_ms) ++end;
    spans.push_back({start, first, end});
    start += hop_ms;
    while (first < end && starts[first] < start) ++first;
  }
  return spans;
}

}  // namespace headwire::core
