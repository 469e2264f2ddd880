// The story window persisted in real RocksDB: a processor that restarts from its state makes
// the decisions an uninterrupted one makes.

#include "processors/recent_state.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "processors/rocks_dedup_index.h"
#include "tests/common/test_dir.h"

namespace headwire::processors {
namespace {

constexpr int64_t kHour = 3600 * 1000;

struct Item {
  const char* id;
  const char* title;
  int64_t time;
};

const Item kItems[] = {
    {"a", "NASA pushes Artemis III moon landing to mid-2028", 0},
    {"b", "Drone strike kills 12 in eastern Ukraine", kHour},
    {"c", "UPDATE 1-NASA pushes Artemis III moon landing to mid-2028", 2 * kHour},
    {"d", "NASA delays Artemis III moon landing to 2028 over lander", 3 * kHour},
    {"e", "Drone strike kills 7 in eastern Ukraine", 4 * kHour},
    {"f", "DRONE STRIKE KILLS 12 IN EASTERN UKRAINE", 5 * kHour},
};

core::RecentVerdict Decide(core::RecentArticles& recent, const Item& item) {
  return recent.Decide(item.id, item.time, core::ExtractHeadlineFeatures(item.title, ""));
}

TEST(RecentStateTest, RestartFromRocksDbContinuesLikeAnUninterruptedRun) {
  const testing::TestDir dir{"headwire-recent-state"};
  const common::StateStoreOptions options{.path = dir.string(),
                                          .kind = common::StateKind::kProcessor,
                                          .column_families = {kDedupFamily}};

  core::RecentArticles uninterrupted;
  std::vector<core::RecentVerdict> expected;
  for (const Item& item : kItems) expected.push_back(Decide(uninterrupted, item));

  for (size_t cut = 1; cut < std::size(kItems); ++cut) {
    std::filesystem::remove_all(dir.path());
    {
      auto store = common::StateStore::Open(options);
      ASSERT_TRUE(store.has_value()) << store.error().ToString();
      core::RecentArticles recent;
      for (size_t i = 0; i < cut; ++i) {
        Decide(recent, kItems[i]);
        rocksdb::WriteBatch batch;  // one batch per record, as with --max-batch 1
        TakeRecentChanges(**store, recent, batch);
        ASSERT_TRUE((*store)->Write(batch).ok());
      }
    }
    auto store = common::StateStore::Open(options);
    ASSERT_TRUE(store.has_value());
    core::RecentArticles restored;
    ASSERT_TRUE(RestoreRecentArticles(**store, restored).ok());
    for (size_t i = cut; i < std::size(kItems); ++i) {
      const auto verdict = Decide(restored, kItems[i]);
      EXPECT_EQ(verdict.story_id, expected[i].story_id) << "cut " << cut << " item " << i;
      EXPECT_EQ(verdict.duplicate_of, expected[i].duplicate_of) << "cut " << cut;
    }
  }
  EXPECT_EQ(expected[2].duplicate_of, "a");
  EXPECT_EQ(expected[3].story_id, "a");
  EXPECT_EQ(expected[4].story_id, "e");
  EXPECT_EQ(expected[5].duplicate_of, "b");
}

TEST(RecentStateTest, UndecodableRecordIsCorruption) {
  const testing::TestDir dir{"headwire-recent-corrupt"};
  auto store = common::StateStore::Open({.path = dir.string(),
                                         .kind = common::StateKind::kProcessor,
                                         .column_families = {kDedupFamily}});
  ASSERT_TRUE(store.has_value());
  rocksdb::WriteBatch batch;
  batch.Put((*store)->family(kDedupFamily), std::string("A") + std::string(8, '\0'), "\x01junk");
  ASSERT_TRUE((*store)->Write(batch).ok());
  core::RecentArticles recent;
  const Status status = RestoreRecentArticles(**store, recent);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace headwire::processors
