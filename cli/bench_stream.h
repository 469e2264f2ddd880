#pragma once
// The input of `headwire bench`: a JSON Lines stream repeated until it holds the records asked
// for, each repetition ("copy") a stream of new articles, decided as a live stream of new articles
// would be, deterministically. The input's lines are first put in event order (a stable sort; the
// lines without an event time, and those that are not JSON objects, last), as a live stream
// arrives about, so that each copy's first record follows the copy before's last by `gap`.
// Copy k of C (k = 0 .. C-1) is every input line in that order with
//   - "id", when there is one, suffixed "-r<k>" (a number becomes a string),
//   - "url", when it is a string, with "/r<k>" added to the end of its path (before any query or
//     fragment, which the canonicaliser may strip),
//   - "published_at", when the producer reads an event time from it (common::ParseArticleJson:
//     an RFC 3339 string, or epoch milliseconds whose fraction it drops, of a line that is an
//     article), moved (C - 1 - k) * (span + gap) earlier, written as whole epoch milliseconds;
//     span is the input's event-time span.
// So the last copy keeps the input's own times (an input dated before now stays so: the producer
// refuses times ahead of ingestion), and each copy starts `gap` after the one before ends: past
// every window in which an article can match an earlier one, but not so far ahead that the
// watermark would take it for a mistaken date and hold still. A record without an event time
// keeps none: the producer stamps it at ingestion, so its later copies repeat its first, as a
// resend would. A line that is not a JSON object is repeated as written and stays invalid.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace headwire::cli {

struct BenchStreamOptions {
  // Records in the stream; the last copy is cut short to fit. Default: 10,000.
  uint64_t records = 10000;
  // Event time between the end of one copy and the start of the next. Must exceed the content
  // (12 h), near-duplicate (24 h), story-member (72 h) and story retention (72 h) windows and stay
  // below the watermark's max-ahead (7 days). URLs and ids differ between copies, so the URL
  // window (7 days) has nothing to match. Default: 4 days.
  int64_t gap_ms = 4LL * 24 * 3600 * 1000;
};

// The stream of `options.records` lines built from `lines` (the input's non-blank lines) as
// above. Returns InvalidArgument for an empty input, and for copies so many, or an input spanning
// so long, that the first copy would start before the earliest event time validation accepts
// (core::ValidationOptions::min_event_time_ms, 1990): its records would be invalid, not measured.
Result<std::vector<std::string>> BuildBenchStream(const std::vector<std::string>& lines,
                                                  const BenchStreamOptions& options);

}  // namespace headwire::cli
