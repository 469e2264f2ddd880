#pragma once
// Structured logs: one logfmt line per event on stderr,
//   ts=2026-03-02T08:15:00.123Z level=info stage=process msg="partition assigned" topic=...
// so that operators can grep and ship them without a parser of their own.

#include <string>
#include <string_view>

namespace headwire::common {

// Configures the process-wide logger. `level` is one of trace, debug, info, warn, error, off;
// an unknown level is treated as info.
void InitLogging(std::string_view stage, std::string_view level);

// Quotes a value for logfmt: wraps in double quotes and escapes quotes and newlines.
std::string Quote(std::string_view value);

}  // namespace headwire::common
