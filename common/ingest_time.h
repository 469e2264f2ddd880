#pragma once
// The check of an article's event time against the time its record was read
// (RawArticle.ingested_at_ms, set by the producer): an article dated far past the moment it was
// read carries a wrong date (a typo, a wrong century or time zone). It guards what the stream's
// own bound (core/watermark.h, IsFarAhead) cannot: the first record of a partition has nothing
// before it to be ahead of, so a date like 2099 there would make every later record late and
// expire the state. Both times are fields of the record, never the clock, so the verdict is the
// same live and replayed from the raw topic or an archive. Pure; thread-safe.

#include <cstdint>
#include <optional>

#include "common/article_json.h"

namespace headwire::common {

// A bad_event_time error when `published_at_ms` lies more than `max_ahead_ms` after
// `ingested_at_ms`; nullopt otherwise, and when either time is 0 (unknown). Never overflows.
std::optional<RecordError> CheckAheadOfIngest(int64_t published_at_ms, int64_t ingested_at_ms,
                                              int64_t max_ahead_ms);

}  // namespace headwire::common
