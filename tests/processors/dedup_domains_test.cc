// The processor's dedup domains: each raw partition is judged against its own earlier records
// only, its state kept apart in RocksDB.

#include <gtest/gtest.h>

#include "processors/article_decider.h"
#include "processors/domain_snapshots.h"
#include "processors/rocks_dedup_index.h"
#include "tests/common/test_dir.h"
#include "tests/processors/raw_inputs.h"

namespace headwire::processors {
namespace {

using test_support::kEventTime;
using test_support::RawArticleBytes;
using test_support::RawRecord;
using test_support::RulesOnly;
constexpr const char* kRaw = test_support::kRawTopic;

class DedupDomainsTest : public ::testing::Test {
 protected:
  std::unique_ptr<ArticleDecider> Open(const std::string& suffix = "") {
    auto decider = ArticleDecider::Open(dir_.string() + suffix, {}, classifier_);
    EXPECT_TRUE(decider.has_value()) << decider.error().ToString();
    return decider ? std::move(*decider) : nullptr;
  }

  const testing::TestDir dir_{"headwire-domains-test"};
  core::TopicClassifier classifier_ = RulesOnly();
};

TEST(DomainKeyTest, PartitionZeroKeepsTheUnprefixedKeysAndOthersRoundTrip) {
  EXPECT_EQ(DomainKeyPrefix(0), "");
  EXPECT_EQ(SplitDomainKey("iabc"), std::make_pair(0, std::string_view("iabc")));
  for (const int32_t partition : {1, 7, 300, 70000}) {
    const std::string key = DomainKeyPrefix(partition) + "iabc";
    const auto [found, rest] = SplitDomainKey(key);
    EXPECT_EQ(found, partition);
    EXPECT_EQ(rest, "iabc");
  }
}

TEST_F(DedupDomainsTest, TheSameArticleOnTwoPartitionsIsUniqueInEach) {
  auto decider = Open();
  const std::string bytes =
      RawArticleBytes("a1", "Fed holds rates steady", "https://example.com/fed", kEventTime);
  EXPECT_EQ(decider->Decide(RawRecord(bytes, 0, 0))->kind, DecisionKind::kUnique);
  EXPECT_EQ(decider->Decide(RawRecord(bytes, 3, 0))->kind, DecisionKind::kUnique);
  const auto again = decider->Decide(RawRecord(bytes, 3, 1));
  EXPECT_EQ(again->kind, DecisionKind::kDuplicate);
  EXPECT_EQ(again->duplicate_kind, core::DuplicateKind::kSameId);
}

TEST_F(DedupDomainsTest, VerdictsDoNotDependOnHowPartitionsInterleave) {
  // Partition 0 and 1 each carry an original and later copies (same URL, same content, near).
  std::vector<std::vector<std::string>> streams(2);
  for (int p = 0; p < 2; ++p) {
    const std::string tag = std::to_string(p);
    streams[p] = {
        RawArticleBytes("o" + tag, "Storm closes ports along the northern coast",
                        "https://news.example/storm", kEventTime),
        RawArticleBytes("u" + tag, "Ports closed by storm",
                        "https://news.example/storm?utm_source=x", kEventTime + 60'000),
        RawArticleBytes("c" + tag, "Storm closes ports along the northern coast",
                        "https://other.example/" + tag, kEventTime + 120'000),
        RawArticleBytes("n" + tag, "Storm closes ports along the northern coast, officials say",
                        "https://third.example/" + tag, kEventTime + 180'000),
    };
  }
  const auto verdicts = [&](const std::string& suffix, bool interleave) {
    auto decider = Open(suffix);
    std::vector<std::pair<int, core::DuplicateKind>> out;
    std::vector<std::pair<int, int>> order;  // (partition, index)
    for (int i = 0; i < 4; ++i) {
      if (interleave) {
        order.emplace_back(1, i);
        order.emplace_back(0, i);
      }
    }
    if (!interleave) {
      for (int p = 0; p < 2; ++p) {
        for (int i = 0; i < 4; ++i) order.emplace_back(p, i);
      }
    }
    std::map<std::pair<int, int>, core::DuplicateKind> by_record;
    for (const auto& [p, i] : order) {
      auto decision = decider->Decide(RawRecord(streams[p][i], p, i));
      EXPECT_TRUE(decision.has_value());
      by_record[{p, i}] = decision->duplicate_kind;
    }
    return by_record;
  };
  const auto apart = verdicts("/apart", false);
  const auto interleaved = verdicts("/interleaved", true);
  EXPECT_EQ(apart, interleaved);
  // Each partition sees its own original first, so both judge their records alike.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(apart.at({0, i}), apart.at({1, i})) << i;
  EXPECT_EQ(apart.at({0, 0}), core::DuplicateKind::kUnique);
  EXPECT_NE(apart.at({0, 1}), core::DuplicateKind::kUnique);
}

TEST_F(DedupDomainsTest, EachDomainsWindowAndEntriesSurviveReopening) {
  const std::string a = RawArticleBytes("a", "Central bank raises interest rates by half a point",
                                        "https://example.com/a", kEventTime);
  const std::string b = RawArticleBytes("b", "Volcano erupts near the island's main town",
                                        "https://example.com/b", kEventTime);
  {
    auto decider = Open();
    ASSERT_EQ(decider->Decide(RawRecord(a, 0, 0))->kind, DecisionKind::kUnique);
    ASSERT_EQ(decider->Decide(RawRecord(b, 2, 0))->kind, DecisionKind::kUnique);
    ASSERT_TRUE(decider->Commit({{{kRaw, 0}, 1}, {{kRaw, 2}, 1}}).ok());
  }
  auto decider = Open();
  const auto window = decider->window_size();
  EXPECT_EQ(window.domains, 2u);
  EXPECT_EQ(window.articles, 2u);
  // a is known in domain 0 only, b in domain 2 only.
  EXPECT_EQ(decider->Decide(RawRecord(a, 0, 1))->kind, DecisionKind::kDuplicate);
  EXPECT_EQ(decider->Decide(RawRecord(b, 0, 2))->kind, DecisionKind::kUnique);
  EXPECT_EQ(decider->Decide(RawRecord(b, 2, 1))->kind, DecisionKind::kDuplicate);
  EXPECT_EQ(decider->Decide(RawRecord(a, 2, 2))->kind, DecisionKind::kUnique);
}

TEST_F(DedupDomainsTest, ADomainStartedFromASnapshotJudgesAsItsOwnerWould) {
  const std::string a = RawArticleBytes("a", "Central bank raises interest rates by half a point",
                                        "https://example.com/a", kEventTime);
  const std::string b = RawArticleBytes("b", "Volcano erupts near the island's main town",
                                        "https://example.com/b", kEventTime);
  const std::string snapshots = (dir_.path() / "snapshots").string();
  auto owner = Open("/owner");
  ASSERT_EQ(owner->Decide(RawRecord(a, 2, 0))->kind, DecisionKind::kUnique);
  ASSERT_EQ(owner->Decide(RawRecord(b, 0, 0))->kind, DecisionKind::kUnique);
  ASSERT_TRUE(owner->Commit({{{kRaw, 0}, 1}, {{kRaw, 2}, 1}}).ok());
  ASSERT_TRUE(WriteDomainSnapshot(owner->state(), snapshots, {kRaw, 2}).value().has_value());

  auto joiner = Open("/joiner");
  auto restored = joiner->RestoreDomain(snapshots, {kRaw, 2});
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  ASSERT_TRUE(restored->has_value());
  EXPECT_EQ((*restored)->offset, 1);
  EXPECT_EQ(joiner->StoredOffset({kRaw, 2}), 1);
  EXPECT_EQ(joiner->window_size().articles, 1u);
  // Domain 2 knows a (its window and exact entries came along), not b of domain 0.
  for (auto* decider : {owner.get(), joiner.get()}) {
    EXPECT_EQ(decider->Decide(RawRecord(a, 2, 1))->kind, DecisionKind::kDuplicate);
    EXPECT_EQ(decider->Decide(RawRecord(b, 2, 2))->kind, DecisionKind::kUnique);
  }
}

TEST_F(DedupDomainsTest, ASnapshotNewerThanADomainsStateReplacesIt) {
  const std::string a = RawArticleBytes("a", "Central bank raises interest rates by half a point",
                                        "https://example.com/a", kEventTime);
  const std::string b = RawArticleBytes("b", "Volcano erupts near the island's main town",
                                        "https://example.com/b", kEventTime);
  const std::string c = RawArticleBytes("c", "Striker scores twice as the champions win the derby",
                                        "https://example.com/c", kEventTime);
  const std::string snapshots = (dir_.path() / "snapshots").string();
  // The standby decided domain 2 up to offset 1 and domain 0 up to 1, then was away.
  auto standby = Open("/standby");
  ASSERT_EQ(standby->Decide(RawRecord(a, 2, 0))->kind, DecisionKind::kUnique);
  ASSERT_EQ(standby->Decide(RawRecord(c, 0, 0))->kind, DecisionKind::kUnique);
  ASSERT_TRUE(standby->Commit({{{kRaw, 0}, 1}, {{kRaw, 2}, 1}}).ok());
  // Meanwhile the owner went on to offset 2 of domain 2 and wrote a snapshot there.
  auto owner = Open("/owner");
  ASSERT_EQ(owner->Decide(RawRecord(a, 2, 0))->kind, DecisionKind::kUnique);
  ASSERT_EQ(owner->Decide(RawRecord(b, 2, 1))->kind, DecisionKind::kUnique);
  ASSERT_TRUE(owner->Commit({{{kRaw, 2}, 2}}).ok());
  ASSERT_TRUE(WriteDomainSnapshot(owner->state(), snapshots, {kRaw, 2}).value().has_value());

  auto restored = standby->RestoreDomain(snapshots, {kRaw, 2});
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  ASSERT_TRUE(restored->has_value());
  EXPECT_EQ((*restored)->offset, 2);
  EXPECT_EQ(standby->StoredOffset({kRaw, 2}), 2);
  EXPECT_EQ(standby->StoredOffset({kRaw, 0}), 1);  // the other domain is left as it was
  // Domain 2 now knows b, which the standby never read; domain 0 still knows c.
  EXPECT_EQ(standby->Decide(RawRecord(b, 2, 2))->kind, DecisionKind::kDuplicate);
  EXPECT_EQ(standby->Decide(RawRecord(c, 0, 1))->kind, DecisionKind::kDuplicate);
  // The replacement is written: a restart finds the snapshot's domain, not the old one.
  ASSERT_TRUE(standby->Commit({{{kRaw, 0}, 2}, {{kRaw, 2}, 3}}).ok());
  standby.reset();
  auto restarted = Open("/standby");
  EXPECT_EQ(restarted->StoredOffset({kRaw, 2}), 3);
  EXPECT_EQ(restarted->Decide(RawRecord(b, 2, 3))->kind, DecisionKind::kDuplicate);
  EXPECT_EQ(restarted->Decide(RawRecord(a, 2, 4))->kind, DecisionKind::kDuplicate);
}

TEST_F(DedupDomainsTest, ASnapshotNoNewerThanADomainsStateLeavesItAlone) {
  const std::string snapshots = (dir_.path() / "snapshots").string();
  auto owner = Open("/owner");
  ASSERT_TRUE(owner
                  ->Decide(RawRecord(
                      RawArticleBytes("a", "Fed holds rates", "https://e.com/a", kEventTime), 2, 0))
                  .has_value());
  ASSERT_TRUE(owner->Commit({{{kRaw, 2}, 1}}).ok());
  ASSERT_TRUE(WriteDomainSnapshot(owner->state(), snapshots, {kRaw, 2}).value().has_value());
  ASSERT_TRUE(owner
                  ->Decide(RawRecord(
                      RawArticleBytes("b", "Oil prices fall", "https://e.com/b", kEventTime), 2, 1))
                  .has_value());
  ASSERT_TRUE(owner->Commit({{{kRaw, 2}, 2}}).ok());
  const auto older = owner->RestoreDomain(snapshots, {kRaw, 2});
  ASSERT_TRUE(older.has_value());
  EXPECT_FALSE(older->has_value());
  EXPECT_EQ(owner->StoredOffset({kRaw, 2}), 2);
  // No snapshot of domain 3: nothing restored, the domain starts empty.
  auto none = owner->RestoreDomain(snapshots, {kRaw, 3});
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
}

TEST_F(DedupDomainsTest, ADomainWithUnwrittenDecisionsIsNotReplaced) {
  const std::string snapshots = (dir_.path() / "snapshots").string();
  auto owner = Open("/owner");
  ASSERT_TRUE(owner
                  ->Decide(RawRecord(
                      RawArticleBytes("a", "Fed holds rates", "https://e.com/a", kEventTime), 2, 0))
                  .has_value());
  ASSERT_TRUE(owner->Commit({{{kRaw, 2}, 1}}).ok());
  ASSERT_TRUE(WriteDomainSnapshot(owner->state(), snapshots, {kRaw, 2}).value().has_value());
  auto joiner = Open("/joiner");
  ASSERT_TRUE(joiner
                  ->Decide(RawRecord(
                      RawArticleBytes("b", "Oil prices fall", "https://e.com/b", kEventTime), 2, 0))
                  .has_value());
  const auto refused = joiner->RestoreDomain(snapshots, {kRaw, 2});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
}

TEST(ForgottenEntryFilterTest, CutoffsApplyPerDomainAndUnknownDomainsAreKept) {
  ForgottenEntryFilter filter;
  filter.Advance(0, 3000);
  filter.Advance(0, 2000);  // never moves back
  const std::string old_value = EncodeSeenArticle({"old", "old", 1000});
  const std::string new_value = EncodeSeenArticle({"new", "new", 5000});
  std::string unused;
  bool changed = false;
  EXPECT_TRUE(filter.Filter(0, "iold", old_value, &unused, &changed));
  EXPECT_FALSE(filter.Filter(0, "inew", new_value, &unused, &changed));
  // Domain 5 has published no cutoff: its entries stay whatever their age.
  EXPECT_FALSE(filter.Filter(0, DomainKeyPrefix(5) + "iold", old_value, &unused, &changed));
  filter.Advance(5, 500);
  EXPECT_FALSE(filter.Filter(0, DomainKeyPrefix(5) + "iold", old_value, &unused, &changed));
  filter.Advance(5, 1500);
  EXPECT_TRUE(filter.Filter(0, DomainKeyPrefix(5) + "iold", old_value, &unused, &changed));
}

}  // namespace
}  // namespace headwire::processors
