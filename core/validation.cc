#include "core/validation.h"

#include <chrono>
#include <cstdio>
#include <string_view>

#include "core/text.h"

namespace headwire::core {
namespace {

std::optional<Rejection> CheckField(std::string_view name, std::string_view value,
                                    size_t max_bytes) {
  if (value.size() > max_bytes) {
    return Rejection{RejectReason::kTooLarge, std::string(name) + " is " +
                                                  std::to_string(value.size()) + " bytes (max " +
                                                  std::to_string(max_bytes) + ")"};
  }
  if (!IsValidUtf8(value)) {
    return Rejection{RejectReason::kInvalidUtf8, std::string(name) + " is not valid UTF-8"};
  }
  return std::nullopt;
}

// `ms` since the epoch as RFC 3339 in UTC (the core's own, as it does not depend on common/),
// or the number with "ms" outside years 0000 to 9999, the years RFC 3339 writes (and
// common/time_format.h parses), so that a time given as RFC 3339 is shown as RFC 3339.
std::string EventTimeText(int64_t ms) {
  constexpr int64_t kYear0Ms = -62167219200000;
  constexpr int64_t kYear10000Ms = 253402300800000;
  if (ms < kYear0Ms || ms >= kYear10000Ms) return std::to_string(ms) + " ms";
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds{ms}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const int64_t of_day = (time - day).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(of_day / 3600000), static_cast<int>(of_day / 60000 % 60),
                static_cast<int>(of_day / 1000 % 60));
  std::string text = buf;
  if (of_day % 1000 != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(of_day % 1000));
    text += buf;
  }
  return text + "Z";
}

}  // namespace

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kInvalidUtf8:
      return "invalid_utf8";
    case RejectReason::kMissingField:
      return "missing_field";
    case RejectReason::kTooLarge:
      return "too_large";
    case RejectReason::kBadEventTime:
      return "bad_event_time";
  }
  return "unknown";
}

size_t MaxRecordBytes(const ValidationOptions& options) {
  return options.max_title_bytes + options.max_body_bytes + 64 * 1024;
}

std::optional<Rejection> Validate(const Article& article, const ValidationOptions& options) {
  const struct {
    std::string_view name;
    const std::string& value;
    size_t max;
  } fields[] = {
      {"id", article.id, options.max_short_field_bytes},
      {"title", article.title, options.max_title_bytes},
      {"body", article.body, options.max_body_bytes},
      {"url", article.url, options.max_url_bytes},
      {"source", article.source, options.max_short_field_bytes},
      {"language", article.language, options.max_short_field_bytes},
  };
  for (const auto& field : fields) {
    if (auto rejection = CheckField(field.name, field.value, field.max)) return rejection;
  }
  if (IsBlankText(article.title)) {
    return Rejection{RejectReason::kMissingField, "title is missing or empty"};
  }
  if (article.published_at_ms == 0 || IsAcceptedEventTime(article.published_at_ms, options)) {
    return std::nullopt;
  }
  if (article.published_at_ms < options.min_event_time_ms) {
    return Rejection{RejectReason::kBadEventTime,
                     "published_at " + EventTimeText(article.published_at_ms) + " is before " +
                         EventTimeText(options.min_event_time_ms) +
                         ", the earliest event time accepted; for an older stream, lower "
                         "--min-event-time on every stage that reads it"};
  }
  return Rejection{RejectReason::kBadEventTime,
                   "published_at " + EventTimeText(article.published_at_ms) + " is not before " +
                       EventTimeText(options.max_event_time_ms) +
                       ", the end of the accepted event times"};
}

}  // namespace headwire::core
