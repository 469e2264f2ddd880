#include "processors/rocks_dedup_index.h"

#include <gtest/gtest.h>

#include "tests/common/test_dir.h"

namespace headwire::processors {
namespace {

class RocksDedupIndexTest : public ::testing::Test {
 protected:
  std::unique_ptr<common::StateStore> Open(std::shared_ptr<ForgottenEntryFilter> filter = nullptr) {
    common::StateStoreOptions options{.path = dir_.string(),
                                      .kind = common::StateKind::kProcessor,
                                      .column_families = {kDedupFamily}};
    if (filter) options.compaction_filters = {{kDedupFamily, filter}};
    auto store = common::StateStore::Open(options);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return std::move(*store);
  }

  const testing::TestDir dir_{"headwire-dedup-test"};
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

TEST_F(RocksDedupIndexTest, EncodingKeepsTheSpanOfTheCopies) {
  const core::SeenArticle seen{"article-1", "story-9", 1772438400000, 13 * 3600 * 1000};
  auto decoded = DecodeSeenArticle(EncodeSeenArticle(seen));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->id, "article-1");
  EXPECT_EQ(decoded->story_id, "story-9");
  EXPECT_EQ(decoded->published_at_ms, 1772438400000);
  EXPECT_EQ(decoded->span_ms, 13 * 3600 * 1000);
}

TEST_F(RocksDedupIndexTest, EntriesWrittenBeforeSpansExistedReadAsASingleTime) {
  // The layout before spans: event time, id length, id, story id.
  std::string stored("\x00\x00\x01\x9c\xad\x8f\xac\x00\x00\x01", 10);
  stored += "as";
  auto decoded = DecodeSeenArticle(stored);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->published_at_ms, 1772438400000);  // 0x19cad8fac00
  EXPECT_EQ(decoded->span_ms, 0);
  EXPECT_EQ(decoded->id, "a");
  EXPECT_EQ(decoded->story_id, "s");
  // And an entry of a single time is still written in that layout.
  EXPECT_EQ(EncodeSeenArticle(*decoded), stored);
}

TEST_F(RocksDedupIndexTest, ATruncatedSpanIsUndecodable) {
  std::string stored = EncodeSeenArticle({"a", "s", 1000, 500});
  EXPECT_FALSE(DecodeSeenArticle(std::string_view(stored).substr(0, 14)).has_value());
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
  index.SealChanges(batch);
  ASSERT_TRUE(store->Write(batch).ok());
  RocksDedupIndex fresh(*store);
  EXPECT_EQ(fresh.Find("k2")->id, "b");
  EXPECT_TRUE(fresh.status().ok());
}

TEST_F(RocksDedupIndexTest, SealedEntriesStayVisibleUntilWrittenAndForgotten) {
  auto store = Open();
  RocksDedupIndex index(*store);
  index.Remember("k1", {"a", "a", 1});
  rocksdb::WriteBatch first;
  const uint64_t sealed = index.SealChanges(first);
  index.Remember("k2", {"b", "b", 2});
  rocksdb::WriteBatch second;
  index.SealChanges(second);
  EXPECT_EQ(index.Find("k1")->id, "a");  // sealed, not written: answered from memory
  EXPECT_FALSE(RocksDedupIndex(*store).Find("k1").has_value());
  ASSERT_TRUE(store->Write(first).ok());
  index.ForgetSealed(sealed);
  EXPECT_EQ(index.Find("k1")->id, "a");  // now from RocksDB
  EXPECT_EQ(index.Find("k2")->id, "b");  // the later sealed batch is still in memory
  index.DiscardChanges();
  EXPECT_FALSE(index.Find("k2").has_value());
  EXPECT_EQ(index.Find("k1")->id, "a");
}

TEST_F(RocksDedupIndexTest, StateAndOffsetsSurviveReopen) {
  {
    auto store = Open();
    RocksDedupIndex index(*store);
    core::ExactDeduplicator dedup({}, index);
    core::Article a;
    a.id = "a";
    a.title = "Fed holds rates steady";
    dedup.Check(a, {0, 42}, core::kNoWatermark);
    rocksdb::WriteBatch batch;
    index.SealChanges(batch);
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
  const auto verdict = dedup.Check(b, {0, 42}, core::kNoWatermark);
  EXPECT_EQ(verdict.kind, core::DuplicateKind::kSameContent);
  EXPECT_EQ(verdict.duplicate_of, "a");
}

TEST_F(RocksDedupIndexTest, CompactionDropsOnlyForgottenExactEntries) {
  auto filter = std::make_shared<ForgottenEntryFilter>();
  auto store = Open(filter);
  RocksDedupIndex index(*store);
  const std::string old_url_key("u\0\0\0\0\0\0\0\x07", 9);
  index.Remember("iold", {"old", "old", 1000});
  index.Remember(old_url_key, {"old", "old", 1000});
  index.Remember("inew", {"new", "new", 5000});
  rocksdb::WriteBatch batch;
  index.SealChanges(batch);
  // A story-window record (another owner of the family) with an old-looking value stays.
  const std::string window_key("A\0\0\0\0\0\0\0\x01", 9);
  batch.Put(store->family(kDedupFamily), window_key, EncodeSeenArticle({"w", "w", 1000}));
  ASSERT_TRUE(store->Write(batch).ok());

  filter->Advance(0, 3000);
  filter->Advance(0, 2000);  // never moves back
  ASSERT_TRUE(store->CompactAll().ok());
  RocksDedupIndex after(*store);
  EXPECT_FALSE(after.Find("iold").has_value());
  EXPECT_FALSE(after.Find(old_url_key).has_value());
  EXPECT_EQ(after.Find("inew")->id, "new");
  std::string value;
  EXPECT_TRUE(store->db()
                  ->Get(rocksdb::ReadOptions(), store->family(kDedupFamily), window_key, &value)
                  .ok());
  EXPECT_TRUE(after.status().ok());
}

}  // namespace
}  // namespace headwire::processors
