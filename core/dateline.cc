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

// Length of the separator at the start of `text` ("-", "--", ":", "|", "–", "—"), or 0.
size_t SeparatorAt(std::string_view text) {
  if (text.starts_with("\xE2\x80\x93") || text.starts_with("\xE2\x80\x94")) return 3;
  size_t n = 0;
  while (n < text.size() && (text[n] == '-' || text[n] == ':' || text[n] == '|')) ++n;
  return n;
}

}  // namespace

std::string_view BodyAfterDateline(std::string_view body) {
  const size_t open = body.find('(');
  if (open == std::string_view::npos || open > kMaxSourceStart) return body;
  for (size_t i = 0; i < open; ++i) {
    if (body[i] >= 'a' && body[i] <= 'z') return body;
  }
  const size_t close = body.find(')', open);
  if (close == std::string_view::npos || close - open > kMaxSourceBytes) return body;
  const std::string_view rest = TrimLeadingSpaces(body.substr(close + 1));
  const size_t separator = SeparatorAt(rest);
  if (separator == 0) return body;
  std::string_view after = TrimLeadingSpaces(rest.substr(separator));
  while (!after.empty() && after.back() == ' ') after.remove_suffix(1);
  return after;
}

}  // namespace headwire::core
