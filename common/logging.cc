#include "common/logging.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/ascii.h"
#include "core/text.h"

namespace headwire::common {
namespace {

constexpr const char* kLogfmtPattern = "ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l stage=%n %v";

bool IsKeyChar(char c) { return core::IsAsciiAlnum(c) || c == '_' || c == '.' || c == '-'; }

// Formats each event as one JSON object per line.
class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string stage) : stage_(std::move(stage)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char ts[32];
    const size_t n = std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(ts + n, sizeof ts - n, ".%03dZ", static_cast<int>(ms % 1000));
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line = LogfmtToJson(ts, std::string_view(level.data(), level.size()), stage_,
                                          std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(stage_);
  }

 private:
  std::string stage_;
};

// protobuf's own diagnostics (e.g. "String field ... contains invalid UTF-8 data" when a record
// is refused) went to stderr raw, outside the log format. The stage that refused the record
// already says why, so they are debug events.
void OnProtobufLog(google::protobuf::LogLevel level, const char* filename, int line,
                   const std::string& message) {
  const auto spd_level =
      level >= google::protobuf::LOGLEVEL_FATAL ? spdlog::level::err : spdlog::level::debug;
  spdlog::log(spd_level, "msg=\"protobuf\" detail={} file={} line={}", Quote(message),
              Quote(filename), line);
}

}  // namespace

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "logfmt") return LogFormat::kLogfmt;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

void InitLogging(std::string_view stage, std::string_view level, LogFormat format) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(std::string(stage), std::move(sink));
  if (format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonFormatter>(std::string(stage)));
  } else {
    logger->set_pattern(kLogfmtPattern, spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(std::move(logger));
  google::protobuf::SetLogHandler(&OnProtobufLog);
}

void LogRegardlessOfLevel(EventLevel level, std::string_view pairs) {
  const auto logger = spdlog::default_logger();
  const spdlog::details::log_msg event(
      logger->name(), level == EventLevel::kError ? spdlog::level::err : spdlog::level::info,
      spdlog::string_view_t(pairs.data(), pairs.size()));
  // The logger's sinks carry its formatter and no level of their own.
  for (const auto& sink : logger->sinks()) {
    sink->log(event);
    sink->flush();
  }
}

std::string Quote(std::string_view value) {
  std::string out = "\"";
  for (char c : core::EscapeForTerminal(value)) {
    if (c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string LogfmtToJson(std::string_view ts, std::string_view level, std::string_view stage,
                         std::string_view pairs) {
  nlohmann::ordered_json event;
  event["ts"] = ts;
  event["level"] = level;
  event["stage"] = stage;
  std::string loose;  // text that is not a key=value pair
  size_t i = 0;
  while (i < pairs.size()) {
    while (i < pairs.size() && pairs[i] == ' ') ++i;
    if (i >= pairs.size()) break;
    size_t k = i;
    while (k < pairs.size() && IsKeyChar(pairs[k])) ++k;
    if (k == i || k >= pairs.size() || pairs[k] != '=') {
      const size_t end = pairs.find(' ', i);
      const size_t stop = end == std::string_view::npos ? pairs.size() : end;
      if (!loose.empty()) loose.push_back(' ');
      loose.append(pairs.substr(i, stop - i));
      i = stop;
      continue;
    }
    const std::string key(pairs.substr(i, k - i));
    std::string value;
    bool quoted = false;
    i = k + 1;
    if (i < pairs.size() && pairs[i] == '"') {
      quoted = true;
      ++i;
      while (i < pairs.size() && pairs[i] != '"') {
        if (pairs[i] == '\\' && i + 1 < pairs.size()) {
          ++i;
          // Quote() writes control characters as \xHH; JSON escapes them by itself.
          unsigned code = 0;
          if (pairs[i] == 'x' && i + 2 < pairs.size() &&
              std::from_chars(pairs.data() + i + 1, pairs.data() + i + 3, code, 16).ptr ==
                  pairs.data() + i + 3 &&
              code < 0x80) {
            value.push_back(static_cast<char>(code));
            i += 2;
          } else {
            value.push_back(pairs[i] == 'n' ? '\n' : pairs[i]);
          }
        } else {
          value.push_back(pairs[i]);
        }
        ++i;
      }
      ++i;  // the closing quote
    } else {
      const size_t end = pairs.find(' ', i);
      const size_t stop = end == std::string_view::npos ? pairs.size() : end;
      value = std::string(pairs.substr(i, stop - i));
      i = stop;
    }
    int64_t number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (!quoted && !value.empty() && ec == std::errc() && end == value.data() + value.size()) {
      event[key] = number;  // offsets, partitions and counts stay numbers
    } else {
      event[key] = value;
    }
  }
  if (!loose.empty()) {
    if (event.contains("msg")) {
      event["text"] = loose;
    } else {
      event["msg"] = loose;
    }
  }
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace headwire::common
