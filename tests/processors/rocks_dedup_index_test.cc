#include "processors/rocks_dedup_index.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace headwire::processors {
namespace {

class RocksDedupIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("headwire-dedup-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<common::StateStore> Open() {
    auto store =
        common::StateStore::Open({.path = dir_.string(), .column_families = {kDedupFamily}});
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return std::move(*store);
  }

  std::filesystem::path dir_;
};

TEST_F(RocksDedupIndexTest, EncodingRoundTrips) {
  const core::SeenArticle seen{"article-1", "story-9", -1234567};
  auto decoded = DecodeSeenArticle(EncodeSeenArticle(seen));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->id, "article-1");
  EXPECT_EQ(decoded->story_id, "story-9");
  EXPECT_EQ(decoded->published_at_ms, -1234567);
  EXPECT_FALSE(DecodeSeenArticle("short").has_value());
}

TEST_F(RocksDedupIndexTest, PendingEntriesAreVisibleButOnlyPersistedWhenTaken) {
  auto store = Open();
  RocksDedupIndex index(*store);
  index.Remember("k1", {"a", "a", 1});
  EXPECT_EQ(index.Find("k1")->id, "a");
  index.DiscardChanges();
  EXPECT_FALSE(index.Find("k1").has_value());

  index.Remember("k2", {"b", "b", 2});
  rocksdb::WriteBatch batch;
  index.TakeChanges(batch);
  ASSERT_TRUE(store->Write(batch).ok());
  RocksDedupIndex fresh(*store);
  EXPECT_EQ(fresh.Find("k2")->id, "b");
  EXPECT_TRUE(fresh.status().ok());
}

TEST_F(RocksDedupIndexTest, StateAndOffsetsSurviveReopen) {
  {
    auto store = Open();
    RocksDedupIndex index(*store);
    core::ExactDeduplicator dedup({}, index);
    core::Article a;
    a.id = "a";
    a.title = "Fed holds rates steady";
    dedup.Check(a, {0, 42});
    rocksdb::WriteBatch batch;
    index.TakeChanges(batch);
    store->PutOffset(batch, {"headwire.articles.raw", 3}, 17);
    ASSERT_TRUE(store->Write(batch).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->LoadOffset({"headwire.articles.raw", 3}), 17);
  EXPECT_FALSE(store->LoadOffset({"headwire.articles.raw", 2}).has_value());
  EXPECT_EQ(store->LoadOffsets().size(), 1u);
  RocksDedupIndex index(*store);
  core::ExactDeduplicator dedup({}, index);
  core::Article b;
  b.id = "b";
  b.title = "Fed holds rates steady";
  const auto verdict = dedup.Check(b, {0, 42});
  EXPECT_EQ(verdict.kind, core::DuplicateKind::kSameContent);
  EXPECT_EQ(verdict.duplicate_of, "a");
}

}  // namespace
}  // namespace headwire::processors
