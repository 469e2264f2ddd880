#include "core/pipeline.h"

#include "core/article_id.h"
#include "core/canonical_url.h"

namespace headwire::core {

std::expected<ArticleVerdict, Rejection> ArticlePipeline::Process(Article& article) {
  if (auto rejection = Validate(article, options_.validation)) {
    return std::unexpected(std::move(*rejection));
  }
  if (article.id.empty()) article.id = DeriveArticleId(article);

  ArticleVerdict verdict;
  if (!article.url.empty()) {
    if (auto canonical = CanonicalizeUrl(article.url))
      verdict.canonical_url = std::move(*canonical);
  }
  verdict.fingerprints.url_hash = UrlHash(verdict.canonical_url);
  verdict.fingerprints.content_hash = ContentHash(article.title, article.body);
  verdict.dedup = deduplicator_.Check(article, verdict.fingerprints);
  if (classifier_ != nullptr) {
    verdict.classification = classifier_->Classify(article.title, article.body);
  }
  return verdict;
}

}  // namespace headwire::core
