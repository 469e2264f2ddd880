#include "core/validation.h"

#include <string_view>

#include "core/text.h"

namespace headwire::core {
namespace {

std::optional<Rejection> CheckField(std::string_view name, std::string_view value,
                                    size_t max_bytes) {
  if (value.size() > max_bytes) {
    return Rejection{RejectReason::kTooLarge, std::string(name) + " is " +
                                                  std::to_string(value.size()) + " bytes (max " +
                                                  std::to_string(max_bytes) + ")"};
  }
  if (!IsValidUtf8(value)) {
    return Rejection{RejectReason::kInvalidUtf8, std::string(name) + " is not valid UTF-8"};
  }
  return std::nullopt;
}

}  // namespace

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kInvalidUtf8:
      return "invalid_utf8";
    case RejectReason::kMissingField:
      return "missing_field";
    case RejectReason::kTooLarge:
      return "too_large";
    case RejectReason::kBadEventTime:
      return "bad_event_time";
  }
  return "unknown";
}

size_t MaxRecordBytes(const ValidationOptions& options) {
  return options.max_title_bytes + options.max_body_bytes + 64 * 1024;
}

std::optional<Rejection> Validate(const Article& article, const ValidationOptions& options) {
  const struct {
    std::string_view name;
    const std::string& value;
    size_t max;
  } fields[] = {
      {"id", article.id, options.max_short_field_bytes},
      {"title", article.title, options.max_title_bytes},
      {"body", article.body, options.max_body_bytes},
      {"url", article.url, options.max_url_bytes},
      {"source", article.source, options.max_short_field_bytes},
      {"language", article.language, options.max_short_field_bytes},
  };
  for (const auto& field : fields) {
    if (auto rejection = CheckField(field.name, field.value, field.max)) return rejection;
  }
  if (IsBlankText(article.title)) {
    return Rejection{RejectReason::kMissingField, "title is missing or empty"};
  }
  if (article.published_at_ms != 0 && (article.published_at_ms < options.min_event_time_ms ||
                                       article.published_at_ms > options.max_event_time_ms)) {
    return Rejection{RejectReason::kBadEventTime,
                     "published_at " + std::to_string(article.published_at_ms) +
                         " ms is outside the accepted range [" +
                         std::to_string(options.min_event_time_ms) + ", " +
                         std::to_string(options.max_event_time_ms) + "]"};
  }
  return std::nullopt;
}

}  // namespace headwire::core
