#include "core/pipeline.h"

#include <gtest/gtest.h>

#include "tests/core/event_times.h"
#include "tests/core/taxonomy_test_data.h"

namespace headwire::core {
namespace {

using testing::kHour;
using testing::kT0;

constexpr std::string_view kTinyTaxonomy = R"(
name = "pipeline-test"
version = 1
[topics.space]
description = "spaceflight"
[topics.space.terms]
"rocket" = 1.0
[topics.business]
description = "companies"
[topics.business.terms]
"shares" = 1.0
)";

TopicClassifier TinyClassifier() {
  return TopicClassifier(std::nullopt, testing::RulesFromToml(kTinyTaxonomy));
}

Article Make(std::string id, std::string title, std::string url) {
  Article a;
  a.id = std::move(id);
  a.title = std::move(title);
  a.url = std::move(url);
  a.published_at_ms = kT0;
  return a;
}

TEST(PipelineTest, UniqueArticleGetsCanonicalUrlFingerprintsAndTopics) {
  const TopicClassifier classifier = TinyClassifier();
  InMemoryDedupIndex index;
  ArticlePipeline pipeline({}, &classifier, index, nullptr);
  Article a = Make("a", "Rocket maker shares soar", "https://www.x.example/r/?utm_source=t");
  auto v = pipeline.Process(a);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->canonical_url, "x.example/r");
  EXPECT_NE(v->fingerprints.url_hash, 0u);
  EXPECT_NE(v->fingerprints.content_hash, 0u);
  EXPECT_EQ(v->dedup.kind, DuplicateKind::kUnique);
  EXPECT_EQ(v->classification.topics, (std::vector<std::string>{"space", "business"}));
}

// Assess judges what depends on the article alone; only Deduplicate touches the memory, so an
// article assessed and then dropped leaves no trace.
TEST(PipelineTest, AssessLeavesTheDedupMemoryUntouched) {
  const TopicClassifier classifier = TinyClassifier();
  InMemoryDedupIndex index;
  RecentArticles recent;
  ArticlePipeline pipeline({}, &classifier, index, &recent);
  Article a = Make("a", "Rocket maker shares soar", "https://x.example/r");
  auto assessed = pipeline.Assess(a);
  ASSERT_TRUE(assessed.has_value());
  EXPECT_EQ(assessed->dedup.kind, DuplicateKind::kUnique);
  EXPECT_EQ(assessed->dedup.story_id, "a");
  EXPECT_EQ(assessed->classification.topics, (std::vector<std::string>{"space", "business"}));
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(recent.size(), 0u);
  EXPECT_EQ(recent.watermark(), kNoWatermark);
  pipeline.Deduplicate(a, *assessed);
  EXPECT_EQ(assessed->dedup.kind, DuplicateKind::kUnique);
  EXPECT_EQ(recent.size(), 1u);
  Article copy = Make("copy", "Rocket maker shares soar", "https://x.example/r");
  auto v = pipeline.Process(copy);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->dedup.kind, DuplicateKind::kSameUrl);
  EXPECT_EQ(v->dedup.duplicate_of, "a");
}

TEST(PipelineTest, DuplicateIsMarkedAndStillClassified) {
  const TopicClassifier classifier = TinyClassifier();
  InMemoryDedupIndex index;
  ArticlePipeline pipeline({}, &classifier, index, nullptr);
  Article a = Make("a", "Rocket lifts off", "https://x.example/r");
  Article b = Make("b", "Rocket lifts off again", "http://x.example/r/amp/");
  ASSERT_TRUE(pipeline.Process(a).has_value());
  auto v = pipeline.Process(b);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->dedup.kind, DuplicateKind::kSameUrl);
  EXPECT_EQ(v->dedup.duplicate_of, "a");
  EXPECT_EQ(v->classification.topics, std::vector<std::string>{"space"});
}

// A copy 13 hours from the original is outside the 12-hour content window, so the near-duplicate
// stage decides it (a near duplicate of the original, within 24 hours). A third copy 30 minutes
// after the original is within the content window of the original, so it is a same_content
// duplicate of it, whether the copy in between was dated before or after the original.
TEST(PipelineTest, AnExactCopyIsSameContentWhateverOrderEarlierCopiesArrivedIn) {
  for (const int64_t between : {-13 * kHour, 13 * kHour}) {
    SCOPED_TRACE(between);
    InMemoryDedupIndex index;
    RecentArticles recent;
    ArticlePipeline pipeline({}, nullptr, index, &recent);
    const std::string title = "Volcano erupts near Reykjavik as the airport closes";
    Article original = Make("original", title, "");
    Article out_of_window = Make("out-of-window", title, "");
    out_of_window.published_at_ms = kT0 + between;
    Article third = Make("third", title, "");
    third.published_at_ms = kT0 + kHour / 2;

    ASSERT_EQ(pipeline.Process(original)->dedup.kind, DuplicateKind::kUnique);
    const auto second = pipeline.Process(out_of_window);
    ASSERT_EQ(second->dedup.kind, DuplicateKind::kNear);
    ASSERT_EQ(second->dedup.duplicate_of, "original");
    const auto verdict = pipeline.Process(third);
    EXPECT_EQ(verdict->dedup.kind, DuplicateKind::kSameContent);
    EXPECT_EQ(verdict->dedup.duplicate_of, "original");
    EXPECT_EQ(verdict->dedup.story_id, "original");
  }
}

TEST(PipelineTest, MissingIdIsDerivedStably) {
  InMemoryDedupIndex index1, index2;
  ArticlePipeline p1({}, nullptr, index1, nullptr), p2({}, nullptr, index2, nullptr);
  Article a = Make("", "Rocket lifts off", "https://x.example/r");
  Article b = Make("", "Rocket lifts off", "http://www.x.example/r/");
  ASSERT_TRUE(p1.Process(a).has_value());
  ASSERT_TRUE(p2.Process(b).has_value());
  EXPECT_EQ(a.id.size(), 33u);
  EXPECT_EQ(a.id, b.id);  // same canonical URL, same id
}

TEST(PipelineTest, InvalidArticleIsRejectedAndLeavesNoTrace) {
  InMemoryDedupIndex index;
  ArticlePipeline pipeline({}, nullptr, index, nullptr);
  Article bad = Make("a", "", "https://x.example/r");
  auto v = pipeline.Process(bad);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().reason, RejectReason::kMissingField);
  EXPECT_EQ(index.size(), 0u);
  Article good = Make("a", "Title", "https://x.example/r");
  auto w = pipeline.Process(good);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->dedup.kind, DuplicateKind::kUnique);
}

TEST(PipelineTest, UnparseableUrlIsNotARejection) {
  InMemoryDedupIndex index;
  ArticlePipeline pipeline({}, nullptr, index, nullptr);
  Article a = Make("a", "Title", "not a url at all");
  auto v = pipeline.Process(a);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->canonical_url, "");
  EXPECT_EQ(v->fingerprints.url_hash, 0u);
}

}  // namespace
}  // namespace headwire::core
