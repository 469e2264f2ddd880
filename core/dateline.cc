#include "core/dateline.h"

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "core/ascii.h"

namespace headwire::core {
namespace {

constexpr size_t kMaxSourceStart = 50;
constexpr size_t kMaxSourceBytes = 40;

std::string_view TrimLeadingSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
}

bool HasLowerCase(std::string_view text) { return std::ranges::any_of(text, IsAsciiLower); }

// English month names and their wire abbreviations, which may follow a place: "BEIJING, Oct 5".
bool IsMonthWord(std::string_view word) {
  static constexpr std::string_view kMonths[] = {
      "jan",  "january",   "feb",  "february", "mar",  "march",    "apr",    "april",
      "may",  "jun",       "june", "jul",      "july", "aug",      "august", "sep",
      "sept", "september", "oct",  "october",  "nov",  "november", "dec",    "december"};
  return std::ranges::any_of(kMonths, [&](std::string_view month) {
    return std::ranges::equal(word, month, {}, AsciiLower);
  });
}

bool IsNumber(std::string_view word) {
  return !word.empty() && std::ranges::all_of(word, IsAsciiDigit);
}

// The abbreviations that datelines give a US state or Canadian province ("Fla.", "W.Va.");
// those in capitals alone ("N.Y.", "D.C.") need no list.
bool IsRegionAbbreviation(std::string_view word) {
  static constexpr std::string_view kRegions[] = {
      "Ala",  "Ariz", "Ark", "Calif", "Colo", "Conn", "Del",  "Fla",  "Ga",   "Ill",
      "Ind",  "Kan",  "Ky",  "La",    "Md",   "Mass", "Mich", "Minn", "Miss", "Mo",
      "Mont", "Neb",  "Nev", "Okla",  "Ore",  "Pa",   "Tenn", "Tex",  "Va",   "Vt",
      "Wash", "W.Va", "Wis", "Wyo",   "Alta", "Man",  "Ont",  "Que",  "Sask"};
  return std::ranges::find(kRegions, word) != std::end(kRegions);
}

// What may stand before the source: a place without lower-case letters ("NEW YORK"), optionally
// followed after a comma by words without lower-case letters, a month next to a number ("Oct 5",
// "March 3, 2025", "5 OCT") or a state's abbreviation with its full stop ("Fla."). Prose ("Apple
// Inc", "Athens, Greece", "APPLE, Inc. (AAPL)", "UK, May (Conservative)") is not a dateline.
bool IsDatelinePlace(std::string_view prefix) {
  const size_t comma = prefix.find(',');
  if (HasLowerCase(prefix.substr(0, comma))) return false;
  if (comma == std::string_view::npos) return true;
  constexpr size_t kMaxWords = 16;
  std::string_view words[kMaxWords];
  size_t count = 0;
  std::string_view rest = prefix.substr(comma + 1);
  while (!rest.empty()) {
    const size_t end = std::min(rest.find_first_of(" ,"), rest.size());
    if (end > 0) {
      if (count == kMaxWords) return false;
      words[count++] = rest.substr(0, end);
    }
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  for (size_t i = 0; i < count; ++i) {
    if (!HasLowerCase(words[i])) continue;
    std::string_view core = words[i];
    const bool abbreviated = core.ends_with('.');
    if (abbreviated) core.remove_suffix(1);
    const bool beside_number =
        (i > 0 && IsNumber(words[i - 1])) || (i + 1 < count && IsNumber(words[i + 1]));
    if (IsMonthWord(core) && beside_number) continue;
    if (abbreviated && IsRegionAbbreviation(core)) continue;
    return false;
  }
  return true;
}

}  // namespace

size_t WireSeparatorLength(std::string_view text) {
  if (text.starts_with("\xE2\x80\x93") || text.starts_with("\xE2\x80\x94")) return 3;
  size_t n = 0;
  while (n < text.size() && (text[n] == '-' || text[n] == ':' || text[n] == '|')) ++n;
  return n;
}

std::string_view BodyAfterDateline(std::string_view body) {
  // Only the opening can hold a dateline: search it, not the whole body (this runs per article).
  const size_t open = body.substr(0, kMaxSourceStart + 1).find('(');
  if (open == std::string_view::npos) return body;
  if (!IsDatelinePlace(body.substr(0, open))) return body;
  const size_t close = body.substr(0, open + kMaxSourceBytes + 1).find(')', open);
  if (close == std::string_view::npos) return body;
  const std::string_view rest = TrimLeadingSpaces(body.substr(close + 1));
  const size_t separator = WireSeparatorLength(rest);
  if (separator == 0) return body;
  std::string_view after = TrimLeadingSpaces(rest.substr(separator));
  while (!after.empty() && after.back() == ' ') after.remove_suffix(1);
  return after;
}

}  // namespace headwire::core
