#pragma once
// Event-time parsing and formatting: RFC 3339 timestamps and epoch milliseconds, always UTC.
// Pure; never reads the clock.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace headwire::common {

// Parses an RFC 3339 date-time ("2026-03-02T08:15:00Z", "2026-03-02T08:15:00.250+01:00"; a
// space for 'T' and a lower-case 'z' are accepted) into ms since the Unix epoch, within
// [kMinRfc3339Ms, kMaxRfc3339Ms]. Returns InvalidArgument naming the problem otherwise (a time
// that an offset carries outside that range too).
Result<int64_t> ParseRfc3339(std::string_view text);

// The range of times RFC 3339 can write: 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
inline constexpr int64_t kMinRfc3339Ms = -62'167'219'200'000;
inline constexpr int64_t kMaxRfc3339Ms = 253'402'300'799'999;

// Formats ms since the epoch as RFC 3339 UTC with millisecond precision when it has any:
// "2026-03-02T08:15:00Z" or "2026-03-02T08:15:00.250Z". A time outside [kMinRfc3339Ms,
// kMaxRfc3339Ms] has no RFC 3339 form and is written as its decimal milliseconds.
std::string FormatRfc3339(int64_t epoch_ms);

// Milliseconds since the epoch by the wall clock. Only for informational metadata
// (ingested_at, processed_at), never for a result.
int64_t WallClockMs();

}  // namespace headwire::common
