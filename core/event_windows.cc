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

std::vector<int64_t> HoppingWindowStarts(int64_t event_time_ms, int64_t size_ms, int64_t hop_ms) {
  std::vector<int64_t> starts;
  const int64_t last = WindowStart(event_time_ms, hop_ms);
  for (int64_t start = last - size_ms + hop_ms; start <= last; start += hop_ms) {
    starts.push_back(start);
  }
  return starts;
}

}  // namespace headwire::core
