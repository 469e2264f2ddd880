#include "common/json_object_splice.h"

#include <utility>
#include <vector>

namespace headwire::common {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view text, size_t at) {
  while (at < text.size() && IsJsonSpace(text[at])) ++at;
  return at;
}

// The index one past the closing quote of the string that opens at `at` (a '"'), or npos when
// the text ends first.
size_t EndOfString(std::string_view text, size_t at) {
  for (size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The index of the ',' or '}' that ends the value starting at `at`, or npos.
size_t EndOfValue(std::string_view text, size_t at) {
  int depth = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '"') {
      at = EndOfString(text, at);
      if (at == std::string_view::npos) return at;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return c == '}' ? at : std::string_view::npos;
      --depth;
    } else if (c == ',' && depth == 0) {
      return at;
    }
    ++at;
  }
  return std::string_view::npos;
}

RecordError NotAnObject() { return {"not_object", "the record is not a JSON object"}; }

}  // namespace

std::expected<std::string, RecordError> SpliceObjectMembers(std::string_view object_text,
                                                            const Json& fields) {
  // A byte order mark, as a file saved by some editors starts with, is not part of the record.
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (object_text.starts_with(kByteOrderMark)) object_text.remove_prefix(kByteOrderMark.size());
  size_t at = SkipSpace(object_text, 0);
  if (at >= object_text.size() || object_text[at] != '{') return std::unexpected(NotAnObject());
  at = SkipSpace(object_text, at + 1);
  std::vector<std::string_view> kept;
  if (at < object_text.size() && object_text[at] == '}') {
    ++at;
  } else {
    for (;;) {
      if (at >= object_text.size() || object_text[at] != '"') {
        return std::unexpected(NotAnObject());
      }
      const size_t key_end = EndOfString(object_text, at);
      if (key_end == std::string_view::npos) return std::unexpected(NotAnObject());
      const Json key = Json::parse(object_text.substr(at, key_end - at), nullptr, false);
      if (!key.is_string()) return std::unexpected(NotAnObject());
      const size_t colon = SkipSpace(object_text, key_end);
      if (colon >= object_text.size() || object_text[colon] != ':') {
        return std::unexpected(NotAnObject());
      }
      const size_t end = EndOfValue(object_text, colon + 1);
      if (end == std::string_view::npos) return std::unexpected(NotAnObject());
      size_t member_end = end;
      while (IsJsonSpace(object_text[member_end - 1])) --member_end;
      if (!fields.contains(key.get_ref<const std::string&>())) {
        kept.push_back(object_text.substr(at, member_end - at));
      }
      at = SkipSpace(object_text, end + 1);
      if (object_text[end] == '}') break;
    }
  }
  if (SkipSpace(object_text, at) != object_text.size()) return std::unexpected(NotAnObject());

  std::string out = "{";
  for (const auto member : kept) {
    if (out.size() > 1) out += ',';
    out += member;
  }
  for (const auto& [key, value] : fields.items()) {
    if (out.size() > 1) out += ',';
    out += Json(key).dump(-1, ' ', false, Json::error_handler_t::replace);
    out += ':';
    out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  out += '}';
  return out;
}

}  // namespace headwire::common
