#include "producers/feed_date.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/ascii.h"

namespace headwire::producers {
namespace {

// A date and time of day as written, before its zone is applied.
struct Fields {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  int offset_minutes = 0;  // east of UTC
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (core::AsciiLower(a[i]) != core::AsciiLower(b[i])) return false;
  }
  return true;
}

// Reads exactly `width` digits at `pos` and moves past them.
bool ReadDigits(std::string_view s, size_t& pos, size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < width; ++i) {
    if (!core::IsAsciiDigit(s[pos + i])) return false;
    value = value * 10 + (s[pos + i] - '0');
  }
  out = value;
  pos += width;
  return true;
}

bool Consume(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

void SkipSpaces(std::string_view s, size_t& pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
}

// A numeric offset at `pos` of `s`: "+01:00", "+0100", "+01" or, after a zone name, "+1".
// `short_hours` allows the one-digit hour of "GMT+1".
std::optional<int> ReadOffset(std::string_view s, size_t& pos, bool short_hours) {
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
  const int sign = s[pos] == '-' ? -1 : 1;
  size_t at = pos + 1;
  int hours = 0;
  int minutes = 0;
  if (!ReadDigits(s, at, 2, hours)) {
    if (!short_hours || !ReadDigits(s, at, 1, hours)) return std::nullopt;
  } else if (Consume(s, at, ':')) {
    if (!ReadDigits(s, at, 2, minutes)) return std::nullopt;
  } else if (at < s.size() && core::IsAsciiDigit(s[at]) && !ReadDigits(s, at, 2, minutes)) {
    return std::nullopt;
  }
  if (hours > 23 || minutes > 59) return std::nullopt;
  pos = at;
  return sign * (hours * 60 + minutes);
}

// The zones a feed names, as minutes east of UTC: RFC 822's, and the abbreviations news sites
// in those zones write. IST is India's: the feeds that write it are Indian publishers'.
std::optional<int> NamedZone(std::string_view name) {
  struct Zone {
    std::string_view name;
    int minutes;
  };
  static constexpr std::array<Zone, 41> kZones = {{
      {"UT", 0},      {"UTC", 0},     {"GMT", 0},    {"Z", 0},      {"EST", -300}, {"EDT", -240},
      {"CST", -360},  {"CDT", -300},  {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
      {"AKST", -540}, {"AKDT", -480}, {"HST", -600}, {"AST", -240}, {"ADT", -180}, {"NST", -210},
      {"NDT", -150},  {"WET", 0},     {"WEST", 60},  {"BST", 60},   {"CET", 60},   {"CEST", 120},
      {"MET", 60},    {"MEST", 120},  {"EET", 120},  {"EEST", 180}, {"MSK", 180},  {"IST", 330},
      {"HKT", 480},   {"SGT", 480},   {"AWST", 480}, {"JST", 540},  {"KST", 540},  {"ACST", 570},
      {"ACDT", 630},  {"AEST", 600},  {"AEDT", 660}, {"NZST", 720}, {"NZDT", 780},
  }};
  for (const Zone& zone : kZones) {
    if (EqualsIgnoreCase(zone.name, name)) return zone.minutes;
  }
  return std::nullopt;
}

// The zone at `pos` up to the end of `s`: an offset, a name, or a name with an offset ("GMT+1",
// "UTC-05:00"). Nothing at all is UTC.
std::optional<int> ReadZone(std::string_view s, size_t& pos) {
  if (pos == s.size()) return 0;
  if (auto offset = ReadOffset(s, pos, false)) return offset;
  size_t end = pos;
  while (end < s.size() && core::IsAsciiAlpha(s[end])) ++end;
  auto named = NamedZone(s.substr(pos, end - pos));
  if (!named) return std::nullopt;
  pos = end;
  if (*named == 0 && pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    return ReadOffset(s, pos, true);
  }
  return named;
}

// Reads ".123456" as whole milliseconds.
bool ReadFraction(std::string_view s, size_t& pos, int& millis) {
  if (!Consume(s, pos, '.') && !Consume(s, pos, ',')) return true;
  const size_t start = pos;
  int scale = 100;
  while (pos < s.size() && core::IsAsciiDigit(s[pos])) {
    millis += (s[pos] - '0') * scale;
    scale /= 10;
    ++pos;
  }
  return pos > start;
}

// W3CDTF / ISO 8601: "2026-03-02", "2026-03-02T08:15Z", "2026-03-02 08:15:00.5 +0100",
// "20260302T081500Z".
std::optional<Fields> ReadIso8601(std::string_view s) {
  Fields f;
  size_t pos = 0;
  if (!ReadDigits(s, pos, 4, f.year)) return std::nullopt;
  const bool extended = Consume(s, pos, '-');
  if (!ReadDigits(s, pos, 2, f.month) || (extended && !Consume(s, pos, '-')) ||
      !ReadDigits(s, pos, 2, f.day)) {
    return std::nullopt;
  }
  if (pos == s.size()) return f;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  if (!ReadDigits(s, pos, 2, f.hour) || (extended && !Consume(s, pos, ':')) ||
      !ReadDigits(s, pos, 2, f.minute)) {
    return std::nullopt;
  }
  if ((extended && Consume(s, pos, ':')) ||
      (!extended && pos < s.size() && core::IsAsciiDigit(s[pos]))) {
    if (!ReadDigits(s, pos, 2, f.second) || !ReadFraction(s, pos, f.millis)) return std::nullopt;
  }
  SkipSpaces(s, pos);
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (auto offset = ReadOffset(s, pos, false)) {
    f.offset_minutes = *offset;
  }
  if (pos != s.size()) return std::nullopt;
  return f;
}

// 1-12 for an English month name, full or abbreviated to three letters.
int MonthNumber(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (EqualsIgnoreCase(word, kMonths[i]) || EqualsIgnoreCase(word, kMonths[i].substr(0, 3))) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

bool IsWeekday(std::string_view word) {
  static constexpr std::array<std::string_view, 7> kDays = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  for (std::string_view day : kDays) {
    if (EqualsIgnoreCase(word, day) || EqualsIgnoreCase(word, day.substr(0, 3))) return true;
  }
  return false;
}

// The words of `s` split at spaces, and at the comma after a weekday.
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < s.size()) {
    if (s[pos] == ' ' || s[pos] == ',') {
      ++pos;
      continue;
    }
    const size_t start = pos;
    while (pos < s.size() && s[pos] != ' ' && s[pos] != ',') ++pos;
    words.push_back(s.substr(start, pos - start));
  }
  return words;
}

// "h:mm" or "hh:mm:ss".
bool ReadTimeOfDay(std::string_view word, Fields& f) {
  size_t pos = 0;
  if (!ReadDigits(word, pos, 2, f.hour) && !ReadDigits(word, pos, 1, f.hour)) return false;
  if (!Consume(word, pos, ':') || !ReadDigits(word, pos, 2, f.minute)) return false;
  if (Consume(word, pos, ':') && !ReadDigits(word, pos, 2, f.second)) return false;
  return pos == word.size();
}

// RFC 822 and its variants: "[Mon[day],] 02 Mar[ch] [20]26 [08:15[:00]] [zone] [(comment)]".
std::optional<Fields> ReadRfc822(std::string_view s) {
  if (const auto comment = s.find('('); comment != std::string_view::npos) {
    if (!s.ends_with(')')) return std::nullopt;
    s = s.substr(0, comment);
  }
  std::vector<std::string_view> words = Words(s);
  if (!words.empty() && IsWeekday(words.front())) words.erase(words.begin());
  if (words.size() < 3 || words.size() > 5) return std::nullopt;
  Fields f;
  size_t pos = 0;
  if (!ReadDigits(words[0], pos, words[0].size(), f.day) || words[0].size() > 2) {
    return std::nullopt;
  }
  f.month = MonthNumber(words[1]);
  pos = 0;
  if (f.month == 0 || (words[2].size() != 2 && words[2].size() != 4) ||
      !ReadDigits(words[2], pos, words[2].size(), f.year)) {
    return std::nullopt;
  }
  // RFC 2822 section 4.3: a two-digit year below 50 is in this century.
  if (words[2].size() == 2) f.year += f.year < 50 ? 2000 : 1900;
  if (words.size() >= 4 && !ReadTimeOfDay(words[3], f)) return std::nullopt;
  if (words.size() == 5) {
    pos = 0;
    auto zone = ReadZone(words[4], pos);
    if (!zone || pos != words[4].size()) return std::nullopt;
    f.offset_minutes = *zone;
  }
  return f;
}

// C's asctime() and Unix date(1): "Tue Jun 10 04:00:00 2003", "Tue Jun  3 04:00:00 PST 2003"
// (weekday optional; without a zone, UTC).
std::optional<Fields> ReadAsctime(std::string_view s) {
  std::vector<std::string_view> words = Words(s);
  if (!words.empty() && IsWeekday(words.front())) words.erase(words.begin());
  if (words.size() != 4 && words.size() != 5) return std::nullopt;
  Fields f;
  f.month = MonthNumber(words[0]);
  size_t pos = 0;
  if (f.month == 0 || words[1].size() > 2 || !ReadDigits(words[1], pos, words[1].size(), f.day) ||
      !ReadTimeOfDay(words[2], f)) {
    return std::nullopt;
  }
  pos = 0;
  if (words.back().size() != 4 || !ReadDigits(words.back(), pos, 4, f.year)) return std::nullopt;
  if (words.size() == 5) {
    pos = 0;
    auto zone = ReadZone(words[3], pos);
    if (!zone || pos != words[3].size()) return std::nullopt;
    f.offset_minutes = *zone;
  }
  return f;
}

// The instant of `f`, or nothing when that date or time does not exist.
std::optional<int64_t> EpochMs(const Fields& f) {
  using namespace std::chrono;
  const year_month_day date{year(f.year), month(static_cast<unsigned>(f.month)),
                            day(static_cast<unsigned>(f.day))};
  if (!date.ok() || f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  const int64_t days = sys_days(date).time_since_epoch().count();
  // A leap second is the last second of its minute.
  const int64_t seconds = days * 86400 + f.hour * 3600 + f.minute * 60 + std::min(f.second, 59) -
                          int64_t{f.offset_minutes} * 60;
  return seconds * 1000 + f.millis;
}

}  // namespace

namespace {

// ParseFeedDate without its refusal of the epoch.
Result<int64_t> ReadFeedDate(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Err(Status::InvalidArgument("empty date"));
  const auto last = text.find_last_not_of(" \t\r\n");
  const std::string_view trimmed = text.substr(first, last - first + 1);
  const std::string quoted = "\"" + std::string(trimmed) + "\"";
  std::optional<Fields> fields = ReadIso8601(trimmed);
  if (!fields) fields = ReadRfc822(trimmed);
  if (!fields) fields = ReadAsctime(trimmed);
  if (!fields) return Err(Status::InvalidArgument("not a date: " + quoted));
  const std::optional<int64_t> ms = EpochMs(*fields);
  if (!ms) return Err(Status::InvalidArgument("no such date or time: " + quoted));
  return *ms;
}

}  // namespace

Result<int64_t> ParseFeedDate(std::string_view text) {
  auto ms = ReadFeedDate(text);
  if (ms && *ms == 0) {
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    return Err(Status::InvalidArgument("the Unix epoch: \"" +
                                       std::string(text.substr(first, last - first + 1)) + "\""));
  }
  return ms;
}

bool IsUnixEpochDate(std::string_view text) {
  const auto ms = ReadFeedDate(text);
  return ms && *ms == 0;
}

}  // namespace headwire::producers
