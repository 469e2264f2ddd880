#include "core/dateline.h"

#include <cstddef>

namespace headwire::core {
namespace {

constexpr size_t kMaxSourceStart = 50;
constexpr size_t kMaxSourceBytes = 40;

std::string_view TrimLeadingSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
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
  for (size_t i = 0; i < open; ++i) {
    if (body[i] >= 'a' && body[i] <= 'z') return body;
  }
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
