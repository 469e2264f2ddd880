#pragma once
// Structured logs: one line per event on stderr, in logfmt (the default) or JSON Lines:
//   ts=2026-03-02T08:15:00.123Z level=info stage=process msg="partition assigned" topic=t ...
//   {"ts":"2026-03-02T08:15:00.123Z","level":"info","stage":"process","msg":"partition
//    assigned","topic":"t","partition":0,...}
// Call sites write the event as logfmt pairs (`msg="..." key=value`); the JSON format turns
// those pairs into fields, so every call site serves both. librdkafka's own log lines are routed
// here too (common/kafka_config.h), with stage, `client` and `facility` fields, and so are
// protobuf's (msg="protobuf", at debug level: the stage that refused a record says why).
//
// Thread-safe: the logger writes through spdlog's multi-threaded stderr sink, so the HTTP and
// librdkafka threads may log beside the daemon's loop.

#include <optional>
#include <string>
#include <string_view>

namespace headwire::common {

enum class LogFormat { kLogfmt, kJson };

// "logfmt" or "json"; nullopt for anything else.
std::optional<LogFormat> ParseLogFormat(std::string_view name);

// Configures the process-wide logger. `level` is one of trace, debug, info, warn, error, off;
// an unknown level is treated as info.
void InitLogging(std::string_view stage, std::string_view level,
                 LogFormat format = LogFormat::kLogfmt);

enum class EventLevel { kInfo, kError };

// Writes one event (logfmt pairs, as a call site writes them) through the process-wide logger,
// whatever its level: for a command's closing line (its summary or error), which the person or
// the log shipper reading stderr must see in the configured format even under --log-level off.
void LogRegardlessOfLevel(EventLevel level, std::string_view pairs);

// Quotes a value for logfmt: wraps in double quotes and escapes quotes, backslashes, control
// characters (a newline as \x0A) and invalid UTF-8 (core::EscapeForTerminal), so outside text
// cannot forge log lines or reach a terminal raw.
std::string Quote(std::string_view value);

// The JSON object of one logfmt event line: `ts`, `level` and `stage` first, then each
// `key=value` or `key="quoted value"` pair of `pairs` in order; an unquoted integer becomes a
// JSON number. Text that is not a pair is kept under "msg". Exposed for tests.
std::string LogfmtToJson(std::string_view ts, std::string_view level, std::string_view stage,
                         std::string_view pairs);

}  // namespace headwire::common
