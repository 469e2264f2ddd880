#include "common/time_format.h"

#include <chrono>
#include <cstdio>

#include "common/logging.h"
#include "core/text.h"

namespace headwire::common {
namespace {

// Reads exactly `width` decimal digits at `pos`.
bool ReadDigits(std::string_view s, size_t pos, size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < width; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

Result<int64_t> ParseRfc3339(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return Err(Status::InvalidArgument("not an RFC 3339 date-time (" + std::string(why) +
                                       "): " + Quote(core::RepairUtf8(text.substr(0, 64)))));
  };
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, month) || text[7] != '-' || !ReadDigits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ReadDigits(text, 11, 2, hour) ||
      text[13] != ':' || !ReadDigits(text, 14, 2, minute) || text[16] != ':' ||
      !ReadDigits(text, 17, 2, second)) {
    return invalid("expected YYYY-MM-DDTHH:MM:SS");
  }
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return invalid("no such date");
  if (hour > 23 || minute > 59 || second > 60) return invalid("no such time");

  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100;
    const size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return invalid("empty fraction");
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!ReadDigits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return invalid("bad UTC offset");
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return invalid("missing time zone ('Z' or +HH:MM)");
  }
  if (pos != text.size()) return invalid("trailing characters");

  const int64_t days = sys_days(date).time_since_epoch().count();
  const int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + std::min(second, 59) - offset_minutes * 60;
  const int64_t ms = seconds * 1000 + millis;
  // An offset can carry year 0000 or 9999 past the years RFC 3339 writes: a valid date-time, but
  // one that would have no RFC 3339 form in UTC to be shown in.
  const auto outside = [&](std::string_view why) {
    return Err(Status::InvalidArgument("an RFC 3339 date-time outside years 0000-9999 (" +
                                       std::string(why) +
                                       "): " + Quote(core::RepairUtf8(text.substr(0, 64)))));
  };
  if (ms < kMinRfc3339Ms) return outside("before 0000-01-01T00:00:00Z in UTC");
  if (ms > kMaxRfc3339Ms) return outside("after 9999-12-31T23:59:59.999Z in UTC");
  return ms;
}

std::string FormatRfc3339(int64_t epoch_ms) {
  if (epoch_ms < kMinRfc3339Ms || epoch_ms > kMaxRfc3339Ms) return std::to_string(epoch_ms);
  using namespace std::chrono;
  const int64_t floor_seconds = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
  const int64_t ms = epoch_ms - floor_seconds * 1000;
  const int64_t day_count =
      floor_seconds >= 0 ? floor_seconds / 86400 : -((-floor_seconds + 86399) / 86400);
  const int64_t second_of_day = floor_seconds - day_count * 86400;
  const year_month_day date{sys_days{days{day_count}}};
  char buf[48];
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                  static_cast<int>(second_of_day % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(second_of_day / 3600),
                  static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60),
                  static_cast<int>(ms));
  }
  return buf;
}

int64_t WallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace headwire::common
