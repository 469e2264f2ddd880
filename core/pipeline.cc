#include "core/pipeline.h"

#include "core/article_id.h"
#include "core/canonical_url.h"

namespace headwire::core {

std::expected<ArticleVerdict, Rejection> ArticlePipeline::Process(Article& article) {
  auto verdict = Assess(article);
  if (verdict) Deduplicate(article, *verdict);
  return verdict;
}

std::expected<ArticleVerdict, Rejection> ArticlePipeline::Assess(Article& article) const {
  return AssessArticle(article, options_, classifier_);
}

std::expected<ArticleVerdict, Rejection> AssessArticle(Article& article,
                                                       const PipelineOptions& options,
                                                       const TopicClassifier* classifier) {
  if (auto rejection = Validate(article, options.validation)) {
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
  verdict.dedup.story_id = article.id;
  if (classifier != nullptr) {
    verdict.classification = classifier->Classify(article.title, article.body);
  }
  return verdict;
}

HeadlineFeatures ArticleFeatures(const Article& article, const PipelineOptions& options) {
  return ExtractHeadlineFeatures(article.title, article.body, options.recent.features);
}

void ArticlePipeline::Deduplicate(const Article& article, ArticleVerdict& verdict,
                                  std::optional<HeadlineFeatures> features) {
  verdict.dedup = deduplicator_.Check(article, verdict.fingerprints,
                                      recent_ != nullptr ? recent_->watermark() : kNoWatermark);
  if (verdict.dedup.kind == DuplicateKind::kUnique && recent_ != nullptr) {
    RecentVerdict recent =
        recent_->Decide(article.id, article.published_at_ms,
                        features ? std::move(*features) : ArticleFeatures(article, options_),
                        article.event_time_estimated, article.ingested_at_ms);
    verdict.near_duplicate = recent.near_duplicate;
    verdict.story_score = recent.story_score;
    if (recent.near_duplicate != NearDuplicateMatch::kNone) {
      verdict.dedup = DedupVerdict{DuplicateKind::kNear, recent.duplicate_of, recent.story_id};
      deduplicator_.Remember(article, verdict.fingerprints,
                             {recent.duplicate_of, recent.story_id, article.published_at_ms});
    } else if (recent.story_id != article.id) {
      verdict.dedup.story_id = recent.story_id;
      deduplicator_.Remember(article, verdict.fingerprints,
                             {article.id, recent.story_id, article.published_at_ms});
    }
  }
}

}  // namespace headwire::core
