#include "common/article_json.h"

#include <cmath>

#include "common/time_format.h"
#include "core/text.h"

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

}  // namespace

std::expected<ArticleRecord, RecordError> ParseArticleJson(std::string_view line) {
  if (!core::IsValidUtf8(line)) return Fail("invalid_utf8", "the line is not valid UTF-8");
  ArticleRecord record;
  record.object = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (record.object.is_discarded()) return Fail("not_json", "the line is not valid JSON");
  if (!record.object.is_object()) {
    return Fail("not_object",
                std::string("the line is a JSON ") + record.object.type_name() + ", not an object");
  }
  const Json& o = record.object;
  core::Article& a = record.article;

  if (const auto it = o.find("id"); it != o.end() && !it->is_null()) {
    if (it->is_string()) {
      a.id = it->get<std::string>();
    } else if (it->is_number_integer() || it->is_number_unsigned()) {
      a.id = it->dump();
    } else {
      return Fail("wrong_type",
                  std::string("id must be a string or an integer, not ") + it->type_name());
    }
  }
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
      a.published_at_ms = *parsed;
    } else if (it->is_number_integer() || it->is_number_unsigned()) {
      a.published_at_ms = it->get<int64_t>();
    } else if (it->is_number_float() && std::isfinite(it->get<double>()) &&
               std::abs(it->get<double>()) < 9e15) {
      a.published_at_ms = static_cast<int64_t>(std::llround(it->get<double>()));
    } else {
      return Fail("bad_event_time",
                  "published_at must be an RFC 3339 string or epoch milliseconds");
    }
    record.has_event_time = true;
  }
  a.event_time_estimated = !record.has_event_time;
  return record;
}

}  // namespace headwire::common
