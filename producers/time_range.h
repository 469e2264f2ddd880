#pragma once
// The event-time range of a replay (--from-time, --to-time): `from` inclusive, `to` exclusive,
// either bound optional. Pure.

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace headwire::producers {

struct TimeRange {
  std::optional<int64_t> from_ms;  // inclusive; nullopt: unbounded
  std::optional<int64_t> to_ms;    // exclusive; nullopt: unbounded

  bool Contains(int64_t event_ms) const {
    return (!from_ms || event_ms >= *from_ms) && (!to_ms || event_ms < *to_ms);
  }
  // True when no time in [min_ms, max_ms] can be in the range.
  bool Excludes(int64_t min_ms, int64_t max_ms) const {
    return (from_ms && max_ms < *from_ms) || (to_ms && min_ms >= *to_ms);
  }
};

// Parses a bound: RFC 3339 ("2026-03-02T08:00:00Z") or epoch milliseconds ("1772438400000")
// within the years 0000-9999. Returns InvalidArgument naming the text otherwise.
Result<int64_t> ParseTimeBound(std::string_view text);

}  // namespace headwire::producers
