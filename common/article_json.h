#pragma once
// JSON Lines records of articles, the input of `headwire produce` and of the offline filters:
// {"id", "title", "body", "url", "source", "language", "published_at"}, only "title" required,
// "published_at" RFC 3339 or epoch milliseconds within the validation's event-time range (by
// default 1990 to 2100; a number outside it is rejected, as it is most likely epoch seconds or
// microseconds). Unknown fields are kept (the
// offline filters echo them) and otherwise ignored, whatever their value (a number beyond a
// double too). Parsing is strict (common/strict_json.h): nesting is capped and a key given twice
// refuses the record.

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/article.h"
#include "core/validation.h"

namespace headwire::common {

// Key order of the input is preserved on output, so filter output is byte-stable.
using Json = nlohmann::ordered_json;

struct ArticleRecord {
  Json object;            // the record as read
  core::Article article;  // its article fields; published_at_ms 0 when absent
  bool has_event_time = false;
};

// Why a line is not an article. `reason` is a stable machine-readable word ("not_json",
// "not_object", "too_deep", "duplicate_key", "invalid_utf8", "missing_field", "wrong_type",
// "bad_event_time"); `message`
// explains it to a person.
struct RecordError {
  std::string reason;
  std::string message;
};

// The field `key` of `object` read as an id: a string as it is, an integer as its digits, empty
// when absent or null; any other type is a wrong_type error ("<shown> must be a string or an
// integer, not ..."). For every reader of ids and of labels that name records by id, so that an
// id is read alike wherever it appears.
std::expected<std::string, RecordError> IdFieldOf(const Json& object, std::string_view key,
                                                  std::string_view shown);

// The record's "id" as ParseArticleJson reads it (IdFieldOf). For other readers of records by id
// (labels files), so that both read an id alike.
std::expected<std::string, RecordError> ArticleIdOf(const Json& object);

// Parses one JSON Lines record; a numeric published_at must lie in the event-time range of
// `validation`. Never throws.
std::expected<ArticleRecord, RecordError> ParseArticleJson(
    std::string_view line, const core::ValidationOptions& validation = {});

// A too_large error when `line` is longer than core::MaxRecordBytes(validation): the check before
// ParseArticleJson. A line cut by the reader (longer than kMaxLineBytes, json_lines.h) is named
// as longer than that.
std::optional<RecordError> CheckLineSize(std::string_view line,
                                         const core::ValidationOptions& validation);

// One line of article input: CheckLineSize, then ParseArticleJson. How every reader of article
// lines (produce, replay, the offline filters, eval dedup) parses one.
std::expected<ArticleRecord, RecordError> ParseArticleLine(
    std::string_view line, const core::ValidationOptions& validation);

}  // namespace headwire::common
