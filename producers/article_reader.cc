#include "producers/article_reader.h"

#include "common/ingest_time.h"
#include "common/proto_convert.h"
#include "core/article_id.h"
#include "core/watermark.h"

namespace headwire::producers {

std::expected<v1::RawArticle, common::RecordError> ReadArticleLine(
    std::string_view line, const core::ValidationOptions& validation, int64_t ingested_at_ms) {
  auto record = common::ParseArticleLine(line, validation);
  if (!record) return std::unexpected(record.error());
  core::Article& article = record->article;
  if (auto rejection = core::Validate(article, validation)) {
    return std::unexpected(
        common::RecordError{core::RejectReasonName(rejection->reason), rejection->message});
  }
  article.id = core::DeriveArticleId(article);
  if (article.language.empty()) article.language = "en";
  const bool estimated = !record->has_event_time;
  if (estimated) article.published_at_ms = ingested_at_ms;
  if (auto error = common::CheckAheadOfIngest(article.published_at_ms, ingested_at_ms,
                                              core::kDefaultMaxAheadMs)) {
    return std::unexpected(*error);
  }

  v1::RawArticle raw = common::ToRawArticle(article);
  raw.set_ingested_at_ms(ingested_at_ms);
  raw.set_event_time_estimated(estimated);
  return raw;
}

}  // namespace headwire::producers
