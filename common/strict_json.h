#pragma once
// Strict parsing of one JSON text from outside input. On top of the JSON grammar it refuses
//   - nesting deeper than a limit: the document model, its printer and its destructor walk the
//     tree recursively, so a value nested 100,000 deep would exhaust the stack;
//   - an object naming the same key twice: parsers disagree on which value wins, so such a record
//     means different things to different readers;
//   - a NUL byte anywhere: the underlying parser would end the text there and ignore the rest.
// Parsing stops at the first problem, so a hostile text costs no more memory than its prefix.
// A number beyond the range of a double (1E400) is valid JSON, which the underlying parser
// refuses: it is read as infinity of its sign, so that a reader that ignores the member can
// accept the text and one that uses it can say what is wrong (dump() writes infinity as null;
// DumpStrictJson writes it as a number beyond a double again). Pure and thread-safe.

#include <cstddef>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace headwire::common {

struct StrictJsonOptions {
  // Deepest accepted nesting of arrays and objects; the top-level value is depth 1.
  // Default: 64.
  size_t max_depth = 64;
};

enum class JsonProblem {
  kNotJson,       // not valid JSON text
  kTooDeep,       // arrays/objects nested deeper than max_depth
  kDuplicateKey,  // an object has the same key twice
};

struct JsonError {
  JsonProblem problem;
  std::string message;  // for people: names the position, the depth or the key
};

// Returns the parsed value (key order preserved) or the first problem found.
std::expected<nlohmann::ordered_json, JsonError> ParseStrictJson(
    std::string_view text, const StrictJsonOptions& options = {});

// Writes `value` as dump() does, except that a number beyond a double (read as infinity) is
// written as one again, 1e999 or -1e999, not as null: ParseStrictJson reads the text back as
// `value`.
std::string DumpStrictJson(const nlohmann::ordered_json& value);

}  // namespace headwire::common
