#include "core/dateline.h"

#include <algorithm>
#include <cstddef>

namespace headwire::core {
namespace {

constexpr size_t kMaxDatelineBytes = 64;
constexpr int kMaxPlaceWords = 5;

constexpr std::string_view kEnDash = "\xE2\x80\x93";
constexpr std::string_view kEmDash = "\xE2\x80\x94";

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// The length of the dash that starts at `pos` ("-", "--", an en or an em dash), or 0.
size_t DashAt(std::string_view text, size_t pos) {
  const std::string_view rest = text.substr(pos);
  if (rest.starts_with("--")) return 2;
  if (rest.starts_with('-')) return 1;
  if (rest.starts_with(kEnDash) || rest.starts_with(kEmDash)) return 3;
  return 0;
}

// True when `place` looks like the place of a dateline; `needs_capitals`: every ASCII letter of
// the words before the first comma must be upper case.
bool IsPlace(std::string_view place, bool needs_capitals) {
  if (place.empty() || !IsAsciiUpper(place.front())) return false;
  int words = 1;
  bool before_comma = true, has_letter = false;
  for (size_t i = 0; i < place.size(); ++i) {
    const char c = place[i];
    if (c == ' ') {
      if (i > 0 && place[i - 1] != ' ') ++words;
      continue;
    }
    if (c == ',') {
      before_comma = false;
      continue;
    }
    if (c == '.' || c == '\'' || c == '&' || IsAsciiDigit(c)) continue;
    if (static_cast<unsigned char>(c) >= 0x80) continue;  // a letter outside ASCII ("SÃO")
    if (!IsAsciiUpper(c) && !IsAsciiLower(c)) return false;
    has_letter = true;
    if (needs_capitals && before_comma && IsAsciiLower(c)) return false;
  }
  return has_letter && words <= kMaxPlaceWords;
}

}  // namespace

std::string_view BodyAfterDateline(std::string_view body) {
  const size_t limit = std::min(body.size(), kMaxDatelineBytes);
  for (size_t pos = 1; pos < limit; ++pos) {
    const size_t dash = DashAt(body, pos);
    if (dash == 0) continue;
    const char before = body[pos - 1];
    const size_t after = pos + dash;
    if ((before != ' ' && before != ')') || after >= body.size() || body[after] != ' ') {
      pos += dash - 1;
      continue;
    }
    std::string_view head = Trim(body.substr(0, pos));
    bool has_source = false;
    if (head.ends_with(')')) {
      const size_t open = head.rfind('(');
      if (open == std::string_view::npos || open + 2 >= head.size()) return body;
      has_source = true;
      head = Trim(head.substr(0, open));
    }
    if (!IsPlace(head, !has_source)) return body;
    std::string_view rest = body.substr(after);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return rest;
  }
  return body;
}

}  // namespace headwire::core
