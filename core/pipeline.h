#pragma once
// The article pipeline of the processor: validate -> canonicalise the URL -> fingerprint ->
// exact dedup -> near dedup and story (RecentArticles) -> classify. The processor daemon and the
// offline filters run this same code, so an article gets the same verdict live, replayed or
// offline. Not thread-safe (the dedup memory is shared state); deterministic for a given order of
// articles. AssessArticle and ArticleFeatures, the steps that depend on the article alone, are
// safe from many threads at once.

#include <expected>
#include <optional>
#include <string>

#include "core/article.h"
#include "core/exact_dedup.h"
#include "core/fingerprint.h"
#include "core/recent_articles.h"
#include "core/topic_classifier.h"
#include "core/validation.h"

namespace headwire::core {

struct PipelineOptions {
  ValidationOptions validation;
  ExactDedupOptions dedup;
  // Options of the RecentArticles the caller constructs; the pipeline uses its feature options.
  RecentArticlesOptions recent;
};

struct ArticleVerdict {
  std::string canonical_url;  // empty when the article has no usable URL
  Fingerprints fingerprints;
  DedupVerdict dedup;
  NearDuplicateMatch near_duplicate = NearDuplicateMatch::kNone;  // how a near duplicate matched
  double story_score = 0;  // cosine with the story joined; 0 for a new story or a duplicate
  Classification classification;
};

// Assess's work without a pipeline: validation, id, canonical URL, fingerprints and, with a
// `classifier`, classification. Safe from many threads (TopicClassifier::Classify is).
std::expected<ArticleVerdict, Rejection> AssessArticle(Article& article,
                                                       const PipelineOptions& options,
                                                       const TopicClassifier* classifier);

// The features the near-duplicate and story stage reads of `article` (options.recent.features).
HeadlineFeatures ArticleFeatures(const Article& article, const PipelineOptions& options);

class ArticlePipeline {
 public:
  // `index`, `recent` and `classifier` must outlive the pipeline. Without a classifier
  // (nullptr) the verdicts carry no classification; without `recent` (nullptr) only exact
  // duplicates are found and every unique article is a story of its own.
  ArticlePipeline(const PipelineOptions& options, const TopicClassifier* classifier,
                  DedupIndex& index, RecentArticles* recent)
      : options_(options),
        classifier_(classifier),
        deduplicator_(options.dedup, index),
        recent_(recent) {}

  // Decides on one article: Assess, then Deduplicate. Fills in `article.id` (DeriveArticleId)
  // when it is empty. Returns the Rejection when the article is invalid; an invalid article
  // leaves no trace in the dedup memory. A URL that cannot be parsed is not a rejection: the
  // article simply has no canonical URL.
  std::expected<ArticleVerdict, Rejection> Process(Article& article);

  // The first step of Process: what depends on the article alone (validation, id, canonical
  // URL, fingerprints, classification), with a unique dedup verdict. Leaves the dedup memory
  // untouched, so a caller may still drop the article without a trace (the processor does, for
  // an article whose output would not fit the broker). Returns the Rejection as Process does.
  std::expected<ArticleVerdict, Rejection> Assess(Article& article) const;

  // The second step: completes `verdict`, Assess's verdict of the same `article`, with the exact
  // dedup, near-duplicate and story verdicts, and remembers the article for those that follow.
  // `features` are ArticleFeatures of the article computed ahead (on another thread), or nullopt
  // to compute them here when the article is not an exact duplicate; the verdict is the same.
  void Deduplicate(const Article& article, ArticleVerdict& verdict,
                   std::optional<HeadlineFeatures> features = std::nullopt);

 private:
  PipelineOptions options_;
  const TopicClassifier* classifier_;
  ExactDeduplicator deduplicator_;
  RecentArticles* recent_;
};

}  // namespace headwire::core
