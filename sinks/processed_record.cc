#include "sinks/processed_record.h"

#include <tuple>
#include <unordered_set>

#include "common/proto_convert.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/validation.h"

namespace headwire::sinks {

std::expected<v1::ProcessedArticle, std::string> DecodeProcessedRecord(
    std::optional<std::string_view> type_header, std::optional<std::string_view> version_header,
    std::string_view value) {
  // Header values are outside bytes: repaired so that the reason stays printable UTF-8.
  if (type_header && *type_header != v1::ProcessedArticle::descriptor()->full_name()) {
    return std::unexpected("unexpected type " + core::RepairUtf8(type_header->substr(0, 128)));
  }
  if (version_header && *version_header != common::kSchemaVersion) {
    return std::unexpected("unsupported schema version \"" +
                           core::RepairUtf8(version_header->substr(0, 32)) + "\"");
  }
  if (value.empty()) return std::unexpected("empty value");
  v1::ProcessedArticle article;
  if (!article.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return std::unexpected("undecodable ProcessedArticle");
  }
  if (article.article().id().empty()) return std::unexpected("processed article without id");
  // The processor validated the article against these limits (core::ValidationOptions, which no
  // option changes); a longer field did not come from one, and would make every answer that
  // lists it as large.
  static const core::ValidationOptions kLimits;
  const v1::RawArticle& raw = article.article();
  for (const auto& [name, text, limit] :
       {std::tuple<const char*, const std::string&, size_t>{"id", raw.id(),
                                                            kLimits.max_short_field_bytes},
        {"title", raw.title(), kLimits.max_title_bytes},
        {"body", raw.body(), kLimits.max_body_bytes},
        {"url", raw.url(), kLimits.max_url_bytes},
        {"source", raw.source(), kLimits.max_short_field_bytes},
        {"language", raw.language(), kLimits.max_short_field_bytes},
        {"duplicate_of", article.duplicate_of(), kLimits.max_short_field_bytes}}) {
    if (text.size() > limit) {
      return std::unexpected(std::string(name) + " is " + std::to_string(text.size()) +
                             " bytes, more than a processor lets through (" +
                             std::to_string(limit) + ")");
    }
  }
  // Topics become keys of the state and rows of every count and source: a processor gives at
  // most one per taxonomy topic, each once, so anything else did not come from one.
  if (article.topics_size() > static_cast<int>(core::kMaxTopics)) {
    return std::unexpected(std::to_string(article.topics_size()) + " topics, more than the " +
                           std::to_string(core::kMaxTopics) + " a taxonomy can have");
  }
  std::unordered_set<std::string_view> seen;
  for (const std::string& topic : article.topics()) {
    const std::string shown = core::RepairUtf8(std::string_view(topic).substr(0, 64));
    if (!core::IsValidTopicName(topic)) {
      return std::unexpected("\"" + shown + "\" is not a topic name");
    }
    if (!seen.insert(topic).second) return std::unexpected("topic \"" + shown + "\" given twice");
  }
  return article;
}

}  // namespace headwire::sinks
