#include "common/ingest_time.h"

#include <limits>
#include <string>

#include "common/time_format.h"
#include "core/watermark.h"

namespace headwire::common {
namespace {

constexpr int64_t kHourMs = 3600'000;
constexpr int64_t kDayMs = 24 * kHourMs;

// "26754 days" from two days on, else "30 hours" (or "0 hours" below one).
std::string DurationText(int64_t ms) {
  if (ms >= 2 * kDayMs) return std::to_string(ms / kDayMs) + " days";
  return std::to_string(ms / kHourMs) + " hours";
}

}  // namespace

std::optional<RecordError> CheckAheadOfIngest(int64_t published_at_ms, int64_t ingested_at_ms,
                                              int64_t max_ahead_ms) {
  if (published_at_ms == 0 || ingested_at_ms == 0) return std::nullopt;
  if (!core::IsFarAhead(published_at_ms, ingested_at_ms, max_ahead_ms)) return std::nullopt;
  // IsFarAhead held, so published_at_ms > ingested_at_ms: the difference is positive; it can
  // exceed int64_t only for an ingestion time before the epoch, which is then shown as such.
  const bool representable =
      ingested_at_ms >= 0 ||
      published_at_ms <= std::numeric_limits<int64_t>::max() + ingested_at_ms;
  return RecordError{
      "bad_event_time",
      "published_at " + FormatRfc3339(published_at_ms) + " is " +
          (representable ? DurationText(published_at_ms - ingested_at_ms) : "centuries") +
          " after the record was read (" + FormatRfc3339(ingested_at_ms) +
          "): an article is not dated more than " + DurationText(max_ahead_ms) +
          " ahead; a date that far is wrong (a typo, the wrong year or time zone)"};
}

}  // namespace headwire::common
