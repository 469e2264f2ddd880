#include "common/strict_json.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace headwire::common {
namespace {

using Json = nlohmann::ordered_json;

// Builds the document with nlohmann's own DOM builder and watches depth and keys on the way.
class StrictHandler {
 public:
  StrictHandler(Json& out, const StrictJsonOptions& options)
      : dom_(out, false), options_(options) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(Json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(Json::number_float_t value, const Json::string_t& text) {
    return dom_.number_float(value, text);
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
      error_ = JsonError{JsonProblem::kDuplicateKey,
                         "the key \"" + core::RepairUtf8(std::string_view(name).substr(0, 64)) +
                             "\" appears twice in one object"};
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
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    error_ = JsonError{JsonProblem::kNotJson,
                       "not valid JSON (at byte " + std::to_string(position) + ")"};
    return false;
  }

  const std::optional<JsonError>& error() const { return error_; }

 private:
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
  std::optional<JsonError> error_;
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
  const bool ok = Json::sax_parse(text.begin(), text.end(), &handler);
  if (ok) return out;
  if (handler.error()) return std::unexpected(*handler.error());
  return std::unexpected(JsonError{JsonProblem::kNotJson, "not valid JSON"});
}

}  // namespace headwire::common
