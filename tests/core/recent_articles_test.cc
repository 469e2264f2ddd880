// The near-dup/story window: verdicts, event-time bounds, bounded memory, determinism, and exact
// restoration from its persisted records.

#include "core/recent_articles.h"

#include <gtest/gtest.h>

#include <map>

namespace headwire::core {
namespace {

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;

struct Item {
  std::string id, title, body;
  int64_t time;
};

RecentVerdict Decide(RecentArticles& recent, const Item& item) {
  return recent.Decide(item.id, item.time, ExtractHeadlineFeatures(item.title, item.body));
}

// Persists changes the way the processor does: a key-value map updated batch by batch.
void Apply(std::map<std::string, std::string>& store, std::vector<StateChange> changes) {
  for (auto& change : changes) {
    if (change.value) {
      store[change.key] = *change.value;
    } else {
      store.erase(change.key);
    }
  }
}

std::vector<Item> Stream() {
  return {
      {"a1", "NASA pushes Artemis III moon landing to mid-2028",
       "The agency said delays to the lunar lander and new spacesuits pushed the crewed landing.",
       0},
      {"a2", "UPDATE 1-NASA pushes Artemis III moon landing to mid-2028",
       "The agency said delays to the lunar lander and new spacesuits pushed the crewed landing.",
       kHour},
      {"a3", "NASA delays Artemis moon landing as lander and spacesuits run late", "", 2 * kHour},
      {"b1", "Drone strike kills 12 in eastern Ukraine", "", 3 * kHour},
      {"b2", "Drone strike kills 7 in eastern Ukraine", "", 4 * kHour},
      {"c1", "SpaceX launches 24 Starlink satellites from Vandenberg",
       "A Falcon 9 lifted off on Monday carrying 24 satellites.", 5 * kHour},
      {"c2", "SpaceX launches 24 Starlink satellites from Vandenberg",
       "Another Falcon 9 left the base early on Thursday with 24 more satellites for the network.",
       3 * kDay},
  };
}

TEST(RecentArticlesTest, NearDuplicateTakesItsOriginalAndStory) {
  RecentArticles recent;
  auto items = Stream();
  EXPECT_EQ(Decide(recent, items[0]).story_id, "a1");
  const auto dup = Decide(recent, items[1]);
  EXPECT_NE(dup.near_duplicate, NearDuplicateMatch::kNone);
  EXPECT_EQ(dup.duplicate_of, "a1");
  EXPECT_EQ(dup.story_id, "a1");
  const auto story = Decide(recent, items[2]);
  EXPECT_EQ(story.near_duplicate, NearDuplicateMatch::kNone);
  EXPECT_EQ(story.story_id, "a1");
  EXPECT_GT(story.story_score, RecentArticlesOptions{}.story_threshold);
  EXPECT_EQ(recent.size(), 2u);  // duplicates are not remembered
}

TEST(RecentArticlesTest, TrapsStayApart) {
  RecentArticles recent;
  for (const auto& item : Stream()) {
    const auto verdict = Decide(recent, item);
    if (item.id == "b2" || item.id == "c2") {
      EXPECT_EQ(verdict.near_duplicate, NearDuplicateMatch::kNone) << item.id;
      EXPECT_EQ(verdict.story_id, item.id) << item.id;
    }
  }
}

TEST(RecentArticlesTest, EventTimeBoundsNearDuplicates) {
  RecentArticlesOptions options;
  options.near_duplicate_window_ms = kHour;
  RecentArticles recent(options);
  Decide(recent, {"x1", "Fed holds rates steady", "", 0});
  EXPECT_EQ(Decide(recent, {"x2", "Fed holds rates steady", "", 2 * kHour}).duplicate_of, "");
  EXPECT_EQ(Decide(recent, {"x3", "FED HOLDS RATES STEADY", "", 2 * kHour + 1}).duplicate_of, "x2");
}

TEST(RecentArticlesTest, WindowIsBoundedByRetentionAndSize) {
  RecentArticlesOptions options;
  options.retention_ms = kDay;
  options.max_articles = 50;
  RecentArticles recent(options);
  for (int i = 0; i < 200; ++i) {
    Decide(recent,
           {"id" + std::to_string(i),
            "Headline number " + std::to_string(i) + " about topic " + std::to_string(i % 7), "",
            i * kHour});
    EXPECT_LE(recent.size(), 50u);
  }
  EXPECT_LE(recent.size(), 25u);  // one day of hourly articles, plus the one at the edge
  EXPECT_LE(recent.story_count(), recent.size());
}

TEST(RecentArticlesTest, AnEstimatedTimeDoesNotMoveTheWatermark) {
  RecentArticles recent;
  const auto items = Stream();
  Decide(recent, items[0]);
  const int64_t watermark = recent.watermark();
  // A record stamped with the producer's clock, months after the stream's event time.
  recent.Decide("late-stamp", 200 * kDay, ExtractHeadlineFeatures("Library opens on Sundays", ""),
                /*event_time_estimated=*/true);
  EXPECT_EQ(recent.watermark(), watermark);
  EXPECT_EQ(recent.size(), 2u);
  // The window still holds the stream's articles (a moved watermark would have expired them).
  EXPECT_EQ(Decide(recent, items[2]).story_id, "a1");
  EXPECT_EQ(recent.size(), 3u);
}

TEST(RecentArticlesTest, SameInputGivesSameVerdicts) {
  RecentArticles first, second;
  for (const auto& item : Stream()) {
    const auto a = Decide(first, item);
    const auto b = Decide(second, item);
    EXPECT_EQ(a.story_id, b.story_id);
    EXPECT_EQ(a.duplicate_of, b.duplicate_of);
    EXPECT_EQ(a.story_score, b.story_score);
  }
}

TEST(RecentArticlesTest, RestoredWindowContinuesExactlyLikeAnUninterruptedOne) {
  RecentArticlesOptions options;
  options.retention_ms = 2 * kDay;
  const auto items = Stream();
  for (size_t cut = 0; cut <= items.size(); ++cut) {
    RecentArticles uninterrupted(options), before(options), after(options);
    std::map<std::string, std::string> store;
    std::vector<RecentVerdict> expected, actual;
    for (const auto& item : items) expected.push_back(Decide(uninterrupted, item));
    for (size_t i = 0; i < cut; ++i) {
      actual.push_back(Decide(before, items[i]));
      Apply(store, before.TakeChanges());
    }
    std::vector<std::pair<std::string, std::string>> records(store.begin(), store.end());
    ASSERT_TRUE(after.Restore(records).has_value());
    EXPECT_EQ(after.size(), before.size());
    EXPECT_EQ(after.story_count(), before.story_count());
    for (size_t i = cut; i < items.size(); ++i) actual.push_back(Decide(after, items[i]));
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(actual[i].story_id, expected[i].story_id) << "cut " << cut << " item " << i;
      EXPECT_EQ(actual[i].duplicate_of, expected[i].duplicate_of) << "cut " << cut;
      EXPECT_EQ(actual[i].story_score, expected[i].story_score) << "cut " << cut;
    }
  }
}

TEST(RecentArticlesTest, CorruptRecordsAreReported) {
  RecentArticles recent;
  Decide(recent, Stream()[0]);
  auto changes = recent.TakeChanges();
  std::vector<std::pair<std::string, std::string>> records;
  for (auto& change : changes) {
    if (change.value)
      records.emplace_back(change.key, change.value->substr(0, change.value->size() / 2));
  }
  RecentArticles restored;
  EXPECT_FALSE(restored.Restore(records).has_value());
}

}  // namespace
}  // namespace headwire::core
