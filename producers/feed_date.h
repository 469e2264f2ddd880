#pragma once
// Feed dates: the date texts of RSS, RDF, Atom and JSON Feed items into ms since the epoch.
// Pure, thread-safe, never reads the clock.
//
// Read: RFC 3339 and the W3C profile of ISO 8601 that RSS 1.0's dc:date uses ("2026-03-02",
// "2026-03-02T08:15Z", "2026-03-02T08:15:00.123+0100", a space for 'T', the basic form
// "20260302T081500Z"), and RFC 822 with its variants (weekday optional and full or abbreviated,
// full month names, two-digit years, "+01:00" or "+0100", the RFC's zone names and common ones
// such as CET, MSK, IST (India), AEST, a zone name with an offset: "GMT+1", and a trailing
// "(CET)" comment), and C's asctime() form ("Tue Jun 10 04:00:00 2003", a zone before the year
// as date(1) writes it). A time without a zone is UTC, as RFC 822 readers take it; a date without a
// time is its midnight.
// Refused rather than guessed: a date that does not exist (31 February, hour 24), a zone that
// is not known or is ambiguous by definition (the military letters other than Z, whose sign
// RFC 822 got backwards), and anything left over after the date.

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace headwire::producers {

// Returns ms since the epoch, or InvalidArgument naming the text when it is no date this reader
// accepts. The epoch itself is refused: an item's 0 means "no date".
Result<int64_t> ParseFeedDate(std::string_view text);

// Whether `text` is a date ParseFeedDate reads but refuses as the epoch itself (a 1970
// placeholder such as "Thu, 01 Jan 1970 00:00:00 GMT"): a date out of range, not an unreadable
// one.
bool IsUnixEpochDate(std::string_view text);

}  // namespace headwire::producers
