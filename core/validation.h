#pragma once
// Validation of articles before any stage decides on them. A rejected article goes to the dead
// letter topic (processor) or an error report (producer, offline filters) with the reason; it is
// never dropped silently. Pure and thread-safe.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/article.h"

namespace headwire::core {

struct ValidationOptions {
  // Longest accepted title, in bytes. Default: 2048.
  size_t max_title_bytes = 2048;
  // Longest accepted body, in bytes. Default: 256 KiB.
  size_t max_body_bytes = 256 * 1024;
  // Longest accepted URL, in bytes. Default: 4096.
  size_t max_url_bytes = 4096;
  // Longest accepted id, source or language, in bytes. Default: 256.
  size_t max_short_field_bytes = 256;
  // Earliest accepted event time, ms since the epoch. Default: 631152000000 (1990-01-01), so
  // that epoch seconds taken for milliseconds (January 1970) are rejected, not filed as ancient
  // news; lower it (--min-event-time) to replay older archives.
  int64_t min_event_time_ms = 631152000000;
  // End of the accepted event times, ms since the epoch: the first one refused. Default:
  // 4102444800000 (2100-01-01T00:00:00Z). A fixed bound, not "now + slack", so that validation
  // never depends on the wall clock.
  int64_t max_event_time_ms = 4102444800000;
};

// True when `event_time_ms` is within the accepted event times of `options`: from
// min_event_time_ms (included) to max_event_time_ms (excluded). The one rule, whether the time
// was written as RFC 3339 or as epoch milliseconds.
inline bool IsAcceptedEventTime(int64_t event_time_ms, const ValidationOptions& options) {
  return event_time_ms >= options.min_event_time_ms && event_time_ms < options.max_event_time_ms;
}

// The longest line (or message) of one article that can be within `options`: its title and body
// at their limits and 64 KiB for the other fields and the JSON around them. A longer one is
// rejected as too large before it is parsed.
size_t MaxRecordBytes(const ValidationOptions& options);

enum class RejectReason {
  kInvalidUtf8,
  kMissingField,
  kTooLarge,
  kBadEventTime,
};

// "invalid_utf8", "missing_field", "too_large", "bad_event_time".
const char* RejectReasonName(RejectReason reason);

struct Rejection {
  RejectReason reason;
  std::string message;  // names the field and the limit, e.g. "title is 5000 bytes (max 2048)"
};

// Returns the first problem found, or nullopt when the article is acceptable. An event time of
// 0 means "unknown" and is accepted.
std::optional<Rejection> Validate(const Article& article, const ValidationOptions& options);

}  // namespace headwire::core
