#include "common/article_json.h"

#include <cmath>
#include <optional>

#include "common/json_lines.h"
#include "common/strict_json.h"
#include "common/time_format.h"
#include "core/text.h"
#include "core/validation.h"

namespace headwire::common {
namespace {

std::unexpected<RecordError> Fail(std::string reason, std::string message) {
  return std::unexpected(RecordError{std::move(reason), std::move(message)});
}

// Reads an optional string field; null and absent are empty.
std::expected<std::string, RecordError> StringField(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  return Fail("wrong_type", std::string(name) + " must be a string, not " + it->type_name());
}

// An event-time bound as its year when it is the start of one ("1990"), else in full.
std::string BoundText(int64_t ms) {
  const std::string text = FormatRfc3339(ms);
  return text.ends_with("-01-01T00:00:00Z") ? text.substr(0, text.size() - 16) : text;
}

// Numbers are epoch milliseconds. One outside the event-time range of validation (by default
// 1990 to 2100) is most likely in another unit:
// 1772439300 as milliseconds is January 1970, as seconds March 2026. The unit is never guessed;
// the message says what the number would mean in seconds or microseconds.
std::optional<RecordError> CheckEpochMillis(int64_t ms, const core::ValidationOptions& validation) {
  const int64_t min_ms = validation.min_event_time_ms;
  const int64_t max_ms = validation.max_event_time_ms;
  if (core::IsAcceptedEventTime(ms, validation)) return std::nullopt;
  const std::string min_year = BoundText(min_ms);
  const std::string max_year = BoundText(max_ms);
  if (ms <= -max_ms * 1000 || ms >= max_ms * 1000) {
    return RecordError{"bad_event_time", "published_at " + std::to_string(ms) +
                                             " is not epoch milliseconds from " + min_year +
                                             " to " + max_year};
  }
  std::string message = "published_at " + std::to_string(ms) + " as epoch milliseconds is " +
                        FormatRfc3339(ms) +
                        (ms < min_ms ? ", before " + min_year : ", in " + max_year + " or later");
  const bool seconds = ms >= min_ms / 1000 && ms < max_ms / 1000;
  const bool micros = ms / 1000 >= min_ms && ms / 1000 < max_ms;
  if (seconds) {
    message += "; if it is epoch seconds (" + FormatRfc3339(ms * 1000) + "), write " +
               std::to_string(ms) + "000 or an RFC 3339 string";
  } else if (micros) {
    message += "; if it is epoch microseconds (" + FormatRfc3339(ms / 1000) + "), write " +
               std::to_string(ms / 1000) + " or an RFC 3339 string";
  }
  return RecordError{"bad_event_time", message};
}

const char* ProblemName(JsonProblem problem) {
  switch (problem) {
    case JsonProblem::kNotJson:
      return "not_json";
    case JsonProblem::kTooDeep:
      return "too_deep";
    case JsonProblem::kDuplicateKey:
      return "duplicate_key";
  }
  return "not_json";
}

// What a JSON value that is not a string or an integer is, for a wrong_type message. A JSON
// parser reads an integer literal as an integer when it fits 64 bits (signed or unsigned) and as
// a floating-point number otherwise, so a floating-point value within that range was written
// with a fraction or an exponent (1.0, 1e3). Beyond that range the parser keeps no trace of how
// the number was written (12345678901234567890123 and 1e30 read alike), so the message fits both.
std::string NonIntegerNumberText(const Json& value) {
  if (!value.is_number_float()) return value.type_name();
  const double number = value.get<double>();
  if (!std::isfinite(number)) return "a number beyond the range of a double";
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (number <= -kTwoTo63 || number >= 2 * kTwoTo63) {
    return "a number beyond 64 bits (an id this large must be a string)";
  }
  return "a number with a fraction or an exponent";
}

}  // namespace

std::expected<std::string, RecordError> IdFieldOf(const Json& object, std::string_view key,
                                                  std::string_view shown) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer() || it->is_number_unsigned()) return it->dump();
  return Fail("wrong_type", std::string(shown) + " must be a string or an integer, not " +
                                NonIntegerNumberText(*it));
}

std::expected<std::string, RecordError> ArticleIdOf(const Json& object) {
  return IdFieldOf(object, "id", "id");
}

std::expected<ArticleRecord, RecordError> ParseArticleJson(
    std::string_view line, const core::ValidationOptions& validation) {
  if (!core::IsValidUtf8(line)) return Fail("invalid_utf8", "the line is not valid UTF-8");
  ArticleRecord record;
  auto parsed = ParseStrictJson(line);
  if (!parsed) return Fail(ProblemName(parsed.error().problem), parsed.error().message);
  record.object = std::move(*parsed);
  if (!record.object.is_object()) {
    return Fail("not_object",
                std::string("the line is a JSON ") + record.object.type_name() + ", not an object");
  }
  const Json& o = record.object;
  core::Article& a = record.article;

  auto id = ArticleIdOf(o);
  if (!id) return std::unexpected(std::move(id.error()));
  a.id = std::move(*id);
  const auto title_it = o.find("title");
  if (title_it == o.end() || title_it->is_null()) return Fail("missing_field", "title is missing");
  struct {
    const char* name;
    std::string* target;
  } fields[] = {{"title", &a.title},
                {"body", &a.body},
                {"url", &a.url},
                {"source", &a.source},
                {"language", &a.language}};
  for (auto& field : fields) {
    auto value = StringField(o, field.name);
    if (!value) return std::unexpected(value.error());
    *field.target = std::move(*value);
  }

  if (const auto it = o.find("published_at"); it != o.end() && !it->is_null()) {
    if (it->is_string()) {
      auto parsed = ParseRfc3339(it->get<std::string>());
      if (!parsed) return Fail("bad_event_time", "published_at: " + parsed.error().message());
      // 0 stands for "no event time" in an article, so the epoch itself cannot be one.
      if (*parsed == 0) {
        return Fail("bad_event_time", "published_at " + it->get<std::string>() +
                                          " is the Unix epoch itself, not a time a story has");
      }
      a.published_at_ms = *parsed;
    } else if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return Fail("bad_event_time", "published_at " + std::to_string(it->get<uint64_t>()) +
                                        " is not epoch milliseconds");
    } else if (it->is_number_integer() || it->is_number_unsigned() ||
               (it->is_number_float() && std::isfinite(it->get<double>()) &&
                std::abs(it->get<double>()) < 9e15)) {
      // A fraction of a millisecond is dropped, as an RFC 3339 string's sub-millisecond digits
      // are, so that one instant written either way is one event time.
      a.published_at_ms = it->is_number_float()
                              ? static_cast<int64_t>(std::floor(it->get<double>()))
                              : it->get<int64_t>();
      // As for the string form: whatever --min-event-time allows, 0 cannot be an event time.
      if (a.published_at_ms == 0) {
        return Fail("bad_event_time", "published_at " + it->dump() +
                                          " is the Unix epoch itself, not a time a story has");
      }
      if (auto error = CheckEpochMillis(a.published_at_ms, validation)) {
        return std::unexpected(*error);
      }
    } else if (it->is_number_float() && !std::isfinite(it->get<double>())) {
      // A number beyond a double (strict_json.h): its digits are gone, but not what it is.
      return Fail("bad_event_time",
                  "published_at is a number beyond the range of a double, not epoch milliseconds");
    } else {
      return Fail("bad_event_time",
                  "published_at must be an RFC 3339 string or epoch milliseconds");
    }
    record.has_event_time = true;
  }
  a.event_time_estimated = !record.has_event_time;
  return record;
}

std::optional<RecordError> CheckLineSize(std::string_view line,
                                         const core::ValidationOptions& validation) {
  const size_t max = core::MaxRecordBytes(validation);
  if (line.size() <= max) return std::nullopt;
  const std::string size = line.size() > kMaxLineBytes
                               ? "longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB"
                               : std::to_string(line.size()) + " bytes";
  return RecordError{"too_large", "the line is " + size + " (max " + std::to_string(max) + ")"};
}

std::expected<ArticleRecord, RecordError> ParseArticleLine(
    std::string_view line, const core::ValidationOptions& validation) {
  if (auto too_large = CheckLineSize(line, validation)) return std::unexpected(*too_large);
  return ParseArticleJson(line, validation);
}

}  // namespace headwire::common
