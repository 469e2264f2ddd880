#include "sinks/processed_record.h"

#include "common/proto_convert.h"
#include "core/text.h"

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
  return article;
}

}  // namespace headwire::sinks
