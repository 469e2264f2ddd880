#include "sinks/article_store.h"

#include <gtest/gtest.h>

#include "tests/common/test_dir.h"

namespace headwire::sinks {
namespace {

v1::ProcessedArticle Make(const std::string& id, int64_t t, std::vector<std::string> topics,
                          const std::string& duplicate_of = "", int64_t raw_offset = 0) {
  v1::ProcessedArticle a;
  a.mutable_article()->set_id(id);
  a.mutable_article()->set_title("Title " + id);
  a.mutable_article()->set_published_at_ms(t);
  for (auto& topic : topics) a.add_topics(topic);
  a.set_duplicate_of(duplicate_of);
  a.set_story_id(duplicate_of.empty() ? id : duplicate_of);
  a.mutable_processing()->mutable_source()->set_partition(0);
  a.mutable_processing()->mutable_source()->set_offset(raw_offset);
  return a;
}

class ArticleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ArticleStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  void Apply(const std::vector<v1::ProcessedArticle>& articles, int64_t next_offset) {
    ArticleStore::Batch batch;
    for (const auto& a : articles) ASSERT_TRUE(store_->Stage(batch, a).has_value());
    ASSERT_TRUE(store_->Commit(batch, {{{"processed", 0}, next_offset}}).ok());
  }

  const testing::TestDir dir_{"headwire-store-test"};
  std::unique_ptr<ArticleStore> store_;
};

TEST_F(ArticleStoreTest, LatestIsNewestFirstPerTopic) {
  Apply({Make("old", 1000, {"ai"}), Make("new", 3000, {"ai", "business"}),
         Make("mid", 2000, {"ai"}), Make("none", 2500, {})},
        4);
  auto latest = store_->Latest("ai", 10);
  ASSERT_TRUE(latest.has_value());
  ASSERT_EQ(latest->size(), 3u);
  EXPECT_EQ((*latest)[0].article().id(), "new");
  EXPECT_EQ((*latest)[1].article().id(), "mid");
  EXPECT_EQ((*latest)[2].article().id(), "old");
  EXPECT_EQ(store_->Latest("ai", 2)->size(), 2u);
  EXPECT_EQ(store_->Latest("business", 10)->size(), 1u);
  EXPECT_EQ((*store_->Latest(kOtherTopic, 10))[0].article().id(), "none");
  EXPECT_TRUE(store_->Latest("space", 10)->empty());
}

TEST_F(ArticleStoreTest, NegativeEventTimesSortBeforePositive) {
  Apply({Make("before-1970", -5000, {"ai"}), Make("after", 5000, {"ai"})}, 2);
  auto latest = store_->Latest("ai", 10);
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].article().id(), "after");
}

TEST_F(ArticleStoreTest, ApplyingTheSameRecordsTwiceChangesNothing) {
  const std::vector<v1::ProcessedArticle> batch = {Make("a", 1000, {"space"}),
                                                   Make("b", 1100, {"space"}, "a", 7)};
  Apply(batch, 2);
  Apply(batch, 2);  // a redelivery after a crash
  Apply({batch[0]}, 2);
  auto counts = store_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->articles, 1u);
  EXPECT_EQ(counts->duplicates, 1u);
  EXPECT_EQ((*store_->TopicCounts())["space"], 1u);
}

TEST_F(ArticleStoreTest, FirstVerdictForAnIdWins) {
  Apply({Make("a", 1000, {"space"})}, 1);
  Apply({Make("a", 1000, {"space"}, "a", 5)}, 2);  // a resend flagged as duplicate of itself
  auto latest = store_->Latest("space", 10);
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].duplicate_of(), "");
}

TEST_F(ArticleStoreTest, OffsetsAreStoredWithTheBatch) {
  Apply({Make("a", 1000, {"space"})}, 41);
  EXPECT_EQ(store_->StoredOffset({"processed", 0}), 41);
  EXPECT_FALSE(store_->StoredOffset({"processed", 1}).has_value());
}

TEST_F(ArticleStoreTest, QueriesWorkBesideAWriter) {
  Apply({Make("a", 1000, {"space"})}, 1);
  auto reader = ArticleStore::Open(dir_.string(), /*for_queries=*/true);
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  auto latest = (*reader)->Latest("space", 10);
  ASSERT_TRUE(latest.has_value()) << latest.error().ToString();
  EXPECT_EQ(latest->size(), 1u);
}

TEST_F(ArticleStoreTest, QueryOnMissingStateIsNotFound) {
  auto reader = ArticleStore::Open((dir_.path() / "nothing-here").string(), /*for_queries=*/true);
  ASSERT_FALSE(reader.has_value());
  EXPECT_TRUE(reader.error().IsNotFound());
}

TEST_F(ArticleStoreTest, WindowCountsAddUpAcrossBatchesAndARestartForWriterAndQueries) {
  Apply({Make("a", 1000, {"space"}), Make("b", 1100, {"space"}, "a", 7)}, 2);
  Apply({Make("c", 1200, {"space"})}, 3);
  store_.reset();  // a restart: the counts stored so far are merge operands and values on disk
  auto reopened = ArticleStore::Open(dir_.string(), false);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  store_ = std::move(*reopened);
  Apply({Make("d", 1300, {"space"}), Make("e", 1400, {"space"}, "d", 8)}, 5);
  const std::string key = WindowKey(core::WindowSize::kMinute, 0, "space", "");
  auto query_store = ArticleStore::Open(dir_.string(), /*for_queries=*/true);
  ASSERT_TRUE(query_store.has_value()) << query_store.error().ToString();
  for (const bool for_queries : {false, true}) {
    const auto& state = for_queries ? (*query_store)->state() : store_->state();
    std::string value;
    const auto s = state.db()->Get({}, state.family(kWindowsFamily), key, &value);
    ASSERT_TRUE(s.ok()) << s.ToString();
    const WindowCounts counts = DecodeWindowCounts(value);
    EXPECT_EQ(counts.articles, 3u) << "for queries: " << for_queries;
    EXPECT_EQ(counts.duplicates, 2u) << "for queries: " << for_queries;
  }
}

TEST_F(ArticleStoreTest, RejectsAreCounted) {
  ArticleStore::Batch batch;
  store_->StageReject(batch, {"processed", 0}, 9, "undecodable");
  ASSERT_TRUE(store_->Commit(batch, {{{"processed", 0}, 10}}).ok());
  EXPECT_EQ(store_->Counts()->rejects, 1u);
}

}  // namespace
}  // namespace headwire::sinks
