#include "common/strict_json.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "core/ascii.h"
#include "core/text.h"

namespace headwire::common {
namespace {

using Json = nlohmann::ordered_json;

// nlohmann's id of the error "number overflow parsing" (a number beyond a double).
constexpr int kNumberOverflow = 406;

// Per number value of a text, by its place among the text's numbers (0 for the first), the sign
// of each that overflows a double: true for a negative one.
using OverflowingNumbers = std::map<size_t, bool>;

bool IsNumberByte(char c) {
  return core::IsAsciiDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Whether `token` is one whole number of JSON's grammar (RFC 8259, section 6):
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view token) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < token.size() && core::IsAsciiDigit(token[i])) ++i;
    return i > start;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == token.size();
}

// Finds the numbers of `text` that overflow a double and overwrites each in `patched` (a copy of
// `text`) with a 0 padded by spaces, which the parser accepts and which keeps every byte
// position, so that a later error names the byte it would have named. Outside strings, each
// run of number bytes starting with '-' or a digit is one number value of a valid text, in the
// order the parser meets them. A run that is not one whole JSON number ("1e400-") is left as it
// is, so that the parser refuses it again.
OverflowingNumbers PatchOverflowingNumbers(std::string_view text, std::string& patched) {
  OverflowingNumbers overflowing;
  size_t place = 0;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
      continue;
    }
    if (text[i] != '-' && !core::IsAsciiDigit(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsNumberByte(text[end])) ++end;
    const std::string token(text.substr(i, end - i));
    if (IsJsonNumber(token) && std::isinf(std::strtod(token.c_str(), nullptr))) {
      overflowing[place] = token.front() == '-';
      patched.replace(i, token.size(), "0" + std::string(token.size() - 1, ' '));
    }
    ++place;
    i = end;
  }
  return overflowing;
}

// Builds the document with nlohmann's own DOM builder and watches depth and keys on the way.
class StrictHandler {
 public:
  StrictHandler(Json& out, const StrictJsonOptions& options, OverflowingNumbers overflowing = {})
      : dom_(out, false), options_(options), overflowing_(std::move(overflowing)) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(Json::number_integer_t value) {
    return NextOverflowed() ? AddInfinity() : dom_.number_integer(value);
  }
  bool number_unsigned(Json::number_unsigned_t value) {
    return NextOverflowed() ? AddInfinity() : dom_.number_unsigned(value);
  }
  bool number_float(Json::number_float_t value, const Json::string_t& text) {
    return NextOverflowed() ? AddInfinity() : dom_.number_float(value, text);
  }
  bool string(Json::string_t& value) { return dom_.string(value); }
  bool binary(Json::binary_t& value) { return dom_.binary(value); }
  bool start_object(std::size_t size) {
    if (!Enter()) return false;
    keys_.emplace_back();
    return dom_.start_object(size);
  }
  bool key(Json::string_t& name) {
    auto& seen = keys_.back();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      error_ =
          JsonError{JsonProblem::kDuplicateKey,
                    "the key " + Quote(core::RepairUtf8(std::string_view(name).substr(0, 64))) +
                        " appears twice in one object"};
      return false;
    }
    seen.push_back(name);
    return dom_.key(name);
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t size) {
    if (!Enter()) return false;
    return dom_.start_array(size);
  }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& cause) {
    number_overflow_ = cause.id == kNumberOverflow;
    error_ = JsonError{JsonProblem::kNotJson,
                       "not valid JSON (at byte " + std::to_string(position) + ")"};
    return false;
  }

  const std::optional<JsonError>& error() const { return error_; }
  // Whether the parse stopped at a number beyond a double.
  bool number_overflow() const { return number_overflow_; }

 private:
  // Counts the number value met; true when it is one that overflowed a double.
  bool NextOverflowed() {
    const auto it = overflowing_.find(numbers_++);
    if (it == overflowing_.end()) return false;
    negative_ = it->second;
    return true;
  }
  // The infinity that stands for the overflowing number just met.
  bool AddInfinity() {
    constexpr double kInfinity = std::numeric_limits<double>::infinity();
    return dom_.number_float(negative_ ? -kInfinity : kInfinity, "");
  }

  bool Enter() {
    if (++depth_ <= options_.max_depth) return true;
    error_ = JsonError{JsonProblem::kTooDeep,
                       "nested deeper than " + std::to_string(options_.max_depth) + " levels"};
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  const StrictJsonOptions& options_;
  size_t depth_ = 0;
  std::vector<std::vector<std::string>> keys_;  // keys of each open object
  const OverflowingNumbers overflowing_;
  size_t numbers_ = 0;     // number values met so far
  bool negative_ = false;  // the sign of the overflowing number just met
  std::optional<JsonError> error_;
  bool number_overflow_ = false;
};

}  // namespace

std::expected<Json, JsonError> ParseStrictJson(std::string_view text,
                                               const StrictJsonOptions& options) {
  // nlohmann's lexer takes a NUL byte for the end of the input (as in a C string), so whatever
  // followed one would be dropped unread: a second record on the line, say. JSON text has no
  // place for a raw NUL (a string writes it as \u0000).
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return std::unexpected(JsonError{
        JsonProblem::kNotJson, "a NUL byte at byte " + std::to_string(nul + 1) + " is not JSON"});
  }
  Json out;
  StrictHandler handler(out, options);
  if (Json::sax_parse(text.begin(), text.end(), &handler)) return out;
  if (handler.number_overflow()) {
    // Rare, so found and patched only once the parser stopped at one: a second pass over a copy.
    std::string patched(text);
    Json again;
    StrictHandler patched_handler(again, options, PatchOverflowingNumbers(text, patched));
    if (Json::sax_parse(patched.begin(), patched.end(), &patched_handler)) return again;
    if (patched_handler.error()) return std::unexpected(*patched_handler.error());
  }
  if (handler.error()) return std::unexpected(*handler.error());
  return std::unexpected(JsonError{JsonProblem::kNotJson, "not valid JSON"});
}

std::string DumpStrictJson(const Json& value) {
  if (value.is_number_float() && std::isinf(value.get<double>())) {
    return value.get<double>() < 0 ? "-1e999" : "1e999";
  }
  if (value.is_object()) {
    std::string text = "{";
    for (const auto& [key, member] : value.items()) {
      if (text.size() > 1) text += ',';
      text += Json(key).dump() + ':' + DumpStrictJson(member);
    }
    return text + '}';
  }
  if (value.is_array()) {
    std::string text = "[";
    for (const Json& element : value) {
      if (text.size() > 1) text += ',';
      text += DumpStrictJson(element);
    }
    return text + ']';
  }
  return value.dump();
}

}  // namespace headwire::common
