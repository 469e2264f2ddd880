#include "producers/feed_novelty.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/state_store.h"
#include "producers/feed_parser.h"
#include "producers/feed_state.h"
#include "tests/common/test_dir.h"

namespace headwire::producers {
namespace {

constexpr const char* kFeedUrl = "https://status.example.com/feed.xml";
constexpr const char* kPage = "https://status.example.com/";
constexpr int64_t kSeenTtlMs = 100'000;

// An item of the feed; implicit from a title, so that a poll reads as the list of its titles.
struct Entry {
  Entry(std::string t, std::string l = kPage, std::string g = "")
      : title(std::move(t)), link(std::move(l)), guid(std::move(g)) {}
  std::string title;
  std::string link;
  std::string guid;  // empty: none
};

std::string Rss(const std::vector<Entry>& entries) {
  std::string rss = "<rss version=\"2.0\"><channel><title>Status</title>";
  for (const Entry& e : entries) {
    rss += "<item><title>" + e.title + "</title><link>" + e.link + "</link>";
    if (!e.guid.empty()) rss += "<guid>" + e.guid + "</guid>";
    rss += "</item>";
  }
  return rss + "</channel></rss>";
}

// Polls of one feed as the daemon runs them (feed_poller.cc): forget what left the feed more than
// the seen TTL ago, judge every item, produce the fresh ones, mark every item seen under the id
// it was judged by with its key, write the batch.
class FeedNoveltyTest : public ::testing::Test {
 protected:
  void SetUp() override { Restart(); }

  void Restart() {
    state_.reset();  // RocksDB's lock: one writer at a time
    auto state = FeedState::Open(dir_.string());
    ASSERT_TRUE(state) << state.error().ToString();
    state_ = std::move(*state);
  }

  // The titles the poll of `entries` at `now_ms` produced, in document order; every title
  // produced so far is counted in `produced_`, and the id each went out under is kept in `ids_`.
  std::vector<std::string> Poll(const std::vector<Entry>& entries, int64_t now_ms) {
    auto feed = ParseFeed(Rss(entries), {kFeedUrl, "", ""});
    EXPECT_TRUE(feed) << feed.error().ToString();
    if (!feed) return {};
    rocksdb::WriteBatch batch;
    EXPECT_TRUE(state_->ForgetBefore(batch, kFeedUrl, now_ms - kSeenTtlMs).ok());
    auto judged = JudgeItems(*state_, kFeedUrl, feed->items);
    EXPECT_TRUE(judged) << judged.error().ToString();
    if (!judged) return {};
    EXPECT_EQ(judged->size(), feed->items.size());
    std::vector<std::string> fresh;
    for (size_t i = 0; i < feed->items.size(); ++i) {
      const FeedItem& item = feed->items[i];
      const ItemNovelty& novelty = (*judged)[i];
      if (novelty.fresh) {
        fresh.push_back(item.title);
        ++produced_[item.title];
        EXPECT_EQ(ids_.count(novelty.id), 0u) << novelty.id << " went out twice";
        ids_[novelty.id] = item.title;
      }
      state_->MarkSeen(batch, kFeedUrl, novelty.id, item.key, now_ms);
    }
    EXPECT_TRUE(state_->Write(batch).ok());
    return fresh;
  }

  // Writes `id` seen at `at_ms` as the version before keys wrote it: the time alone.
  void WriteKeyless(const std::string& id, int64_t at_ms) {
    state_.reset();
    {
      auto store = common::StateStore::Open({.path = dir_.string(),
                                             .kind = common::StateKind::kFeed,
                                             .column_families = {"feed_records", "feed_seen"}});
      ASSERT_TRUE(store) << store.error().ToString();
      std::string value;
      common::AppendBigEndian64(value, static_cast<uint64_t>(at_ms));
      rocksdb::WriteBatch batch;
      batch.Put((*store)->family("feed_seen"), std::string(kFeedUrl) + '\0' + id, value);
      ASSERT_TRUE((*store)->Write(batch).ok());
    }
    Restart();
  }

  // The ids ParseFeed gives `entries` listed together.
  std::vector<FeedItem> Items(const std::vector<Entry>& entries) {
    auto feed = ParseFeed(Rss(entries), {kFeedUrl, "", ""});
    EXPECT_TRUE(feed) << feed.error().ToString();
    return feed ? feed->items : std::vector<FeedItem>{};
  }

  const testing::TestDir dir_{"feed_novelty_test"};
  std::unique_ptr<FeedState> state_;
  std::map<std::string, int> produced_;     // title -> times produced
  std::map<std::string, std::string> ids_;  // id -> the title produced under it
};

using Titles = std::vector<std::string>;

// A status page lists one incident at a time, each linking to the page: every incident has the
// page's id as its usual id, and none is taken for the one before it.
TEST_F(FeedNoveltyTest, StatusPageIncidentsListedOneAtATimeAreEachProducedOnce) {
  EXPECT_EQ(Poll({{"Incident A"}}, 1000), Titles{"Incident A"});
  EXPECT_EQ(Poll({{"Incident A"}}, 2000), Titles{});
  EXPECT_EQ(Poll({{"Incident B"}}, 3000), Titles{"Incident B"});
  EXPECT_EQ(Poll({{"Incident B"}}, 4000), Titles{});
  EXPECT_EQ(Poll({{"Incident C"}}, 5000), Titles{"Incident C"});
  EXPECT_EQ(Poll({{"Incident B"}}, 6000), Titles{});  // back on the page: still B
  EXPECT_EQ(Poll({{"Incident A"}}, 7000), Titles{});
  EXPECT_EQ(Poll({{"Incident D"}, {"Incident C"}}, 8000), Titles{"Incident D"});
  EXPECT_EQ(Poll({{"Incident E"}}, 9000), Titles{"Incident E"});
  EXPECT_EQ(produced_, (std::map<std::string, int>{{"Incident A", 1},
                                                   {"Incident B", 1},
                                                   {"Incident C", 1},
                                                   {"Incident D", 1},
                                                   {"Incident E", 1}}));
}

// Items first listed together get their shared ids; listed alone later, each is still itself.
TEST_F(FeedNoveltyTest, ItemsFirstListedTogetherAreNeverProducedTwice) {
  EXPECT_EQ(Poll({{"Incident A"}, {"Incident B"}}, 1000), (Titles{"Incident A", "Incident B"}));
  EXPECT_EQ(Poll({{"Incident B"}}, 2000), Titles{});
  EXPECT_EQ(Poll({{"Incident A"}}, 3000), Titles{});
  EXPECT_EQ(Poll({{"Incident B"}, {"Incident A"}}, 4000), Titles{});
  EXPECT_EQ(Poll({{"Incident C"}, {"Incident B"}}, 5000), Titles{"Incident C"});
  EXPECT_EQ(Poll({{"Incident C"}}, 6000), Titles{});
  for (const auto& [title, times] : produced_) EXPECT_EQ(times, 1) << title;
  EXPECT_EQ(produced_.size(), 3u);
}

// The direction the earlier rule sent twice: an item first alone, then beside another item with
// its link, keeps the id it went out under.
TEST_F(FeedNoveltyTest, AnItemFirstListedAloneIsNotProducedAgainBesideAnotherWithItsLink) {
  EXPECT_EQ(Poll({{"Incident A"}}, 1000), Titles{"Incident A"});
  EXPECT_EQ(Poll({{"Incident B"}, {"Incident A"}}, 2000), Titles{"Incident B"});
  EXPECT_EQ(Poll({{"Incident A"}}, 3000), Titles{});
  EXPECT_EQ(Poll({{"Incident B"}}, 4000), Titles{});
  const std::vector<FeedItem> alone = Items({{"Incident A"}});
  EXPECT_EQ(ids_.at(alone[0].usual_id), "Incident A");  // a lone item keeps the usual id
}

// A live blog's posts are permalinks that differ by their fragment: one post at a time in the
// feed is still one article each.
TEST_F(FeedNoveltyTest, LiveBlogPostsListedOneAtATimeAreEachProducedOnce) {
  const std::string live = "https://news.example/live";
  const Entry post1{"Polls open", live, live + "#post-1"};
  const Entry post2{"Turnout high", live, live + "#post-2"};
  EXPECT_EQ(Poll({post1}, 1000), Titles{"Polls open"});
  EXPECT_EQ(Poll({post2}, 2000), Titles{"Turnout high"});
  EXPECT_EQ(Poll({post2, post1}, 3000), Titles{});
  EXPECT_EQ(Poll({post1}, 4000), Titles{});
}

// The state is all the daemon knows between polls: closed and opened again before every poll,
// the polls produce what they produce without a restart.
TEST_F(FeedNoveltyTest, ARestartBetweenPollsLosesAndRepeatsNothing) {
  const std::vector<std::vector<Entry>> polls = {
      {{"Incident A"}},
      {{"Incident B"}},
      {{"Incident B"}, {"Incident A"}},
      {{"Incident C"}, {"Incident D"}},
      {{"Incident D"}},
      {{"Incident E"}},
      {{"Incident E"}, {"Incident C"}},
  };
  std::vector<Titles> without_restart;
  int64_t now = 1000;
  for (const auto& entries : polls) without_restart.push_back(Poll(entries, now += 1000));
  const std::map<std::string, int> produced_without_restart = produced_;

  const testing::TestDir other{"feed_novelty_test_restarts"};
  state_.reset();
  auto state = FeedState::Open(other.string());
  ASSERT_TRUE(state) << state.error().ToString();
  state_ = std::move(*state);
  produced_.clear();
  ids_.clear();
  std::vector<Titles> with_restarts;
  now = 1000;
  for (const auto& entries : polls) {
    with_restarts.push_back(Poll(entries, now += 1000));
    state_.reset();
    auto reopened = FeedState::Open(other.string());
    ASSERT_TRUE(reopened) << reopened.error().ToString();
    state_ = std::move(*reopened);
  }
  EXPECT_EQ(with_restarts, without_restart);
  EXPECT_EQ(produced_, produced_without_restart);
  EXPECT_EQ(produced_.size(), 5u);
  for (const auto& [title, times] : produced_) EXPECT_EQ(times, 1) << title;
}

// A usual id belongs to the item it went out for: it is remembered while that item is listed and
// forgotten the seen TTL after it left, even while other items with its link are listed.
TEST_F(FeedNoveltyTest, AUsualIdIsForgottenTheSeenTtlAfterItsOwnItemLeft) {
  const std::string page_id = Items({{"Incident A"}})[0].usual_id;
  Poll({{"Incident A"}}, 0);
  Poll({{"Incident A"}}, 2 * kSeenTtlMs);  // listed at every poll: remembered
  EXPECT_TRUE(*state_->Lookup(kFeedUrl, page_id));
  Poll({{"Incident B"}}, 2 * kSeenTtlMs + 1);
  Poll({{"Incident B"}}, 3 * kSeenTtlMs);
  EXPECT_TRUE(*state_->Lookup(kFeedUrl, page_id));
  Poll({{"Incident B"}}, 3 * kSeenTtlMs + 1);
  EXPECT_FALSE(*state_->Lookup(kFeedUrl, page_id));
  EXPECT_EQ(Poll({{"Incident B"}}, 3 * kSeenTtlMs + 2), Titles{});  // B is still known
  // Forgotten, the page's id is free for the next new item alone on the page, as any forgotten
  // id is (a seen TTL longer than the processor's memory of ids keeps them apart there).
  ids_.erase(page_id);
  EXPECT_EQ(Poll({{"Incident C"}}, 3 * kSeenTtlMs + 3), Titles{"Incident C"});
  EXPECT_EQ(ids_.at(page_id), "Incident C");
}

// A link-only item whose title changes cannot be told from a new item with its link: it goes out
// again under its shared id (the processor judges it a duplicate by URL). A GUID that is not a
// link names one item whatever its title.
TEST_F(FeedNoveltyTest, ARetitledLinkOnlyItemGoesOutAgainAndARetitledGuidItemDoesNot) {
  const Entry story{"Quake hits", "https://news.example/quake"};
  const Entry retitled{"Quake hits coast", "https://news.example/quake"};
  EXPECT_EQ(Poll({story}, 1000), Titles{"Quake hits"});
  EXPECT_EQ(Poll({retitled}, 2000), Titles{"Quake hits coast"});
  EXPECT_EQ(Poll({retitled}, 3000), Titles{});
  const std::vector<FeedItem> items = Items({retitled});
  EXPECT_EQ(ids_.at(items[0].shared_id), "Quake hits coast");

  for (const std::string& title :
       {std::string("Storm nears"), std::string("Storm nears the coast")}) {
    const std::string rss = "<rss><channel><item><title>" + title +
                            "</title><guid isPermaLink=\"false\">tag:news.example,2026:7</guid>"
                            "<link>https://news.example/7</link></item></channel></rss>";
    auto feed = ParseFeed(rss, {kFeedUrl, "", ""});
    ASSERT_TRUE(feed);
    auto judged = JudgeItems(*state_, kFeedUrl, feed->items);
    ASSERT_TRUE(judged);
    rocksdb::WriteBatch batch;
    for (size_t i = 0; i < feed->items.size(); ++i) {
      state_->MarkSeen(batch, kFeedUrl, (*judged)[i].id, feed->items[i].key, 4000);
    }
    ASSERT_TRUE(state_->Write(batch).ok());
    EXPECT_EQ((*judged)[0].fresh, title == "Storm nears") << title;
  }
}

// State written before keys were kept: its ids have no key. An id that no other item of the
// document has is the item's (as the earlier version decided), and from then on kept with its key.
TEST_F(FeedNoveltyTest, IdsWrittenBeforeKeysWereKeptStillCountAsSeen) {
  const std::vector<FeedItem> ordinary =
      Items({{"One", "https://news.example/1"}, {"Two", "https://news.example/2"}});
  const std::vector<FeedItem> together = Items({{"Incident A"}, {"Incident B"}});
  ASSERT_EQ(together.size(), 2u);
  ASSERT_NE(together[0].id, together[0].usual_id);  // listed together: shared ids
  for (const FeedItem& item : ordinary) WriteKeyless(item.usual_id, 1000);
  for (const FeedItem& item : together) WriteKeyless(item.shared_id, 1000);

  EXPECT_EQ(Poll({{"One", "https://news.example/1"}, {"Two", "https://news.example/2"}}, 2000),
            Titles{});
  EXPECT_EQ(Poll({{"Incident A"}, {"Incident B"}}, 2000), Titles{});
  EXPECT_EQ(Poll({{"Incident B"}}, 3000), Titles{});
  for (const FeedItem& item : ordinary) {
    auto seen = state_->Lookup(kFeedUrl, item.usual_id);
    ASSERT_TRUE(seen && *seen);
    EXPECT_EQ((*seen)->key, item.key);  // adopted: from now on it names this item only
    EXPECT_EQ((*seen)->last_seen_ms, 2000);
  }
  EXPECT_EQ(Poll({{"Incident C"}}, 4000), Titles{"Incident C"});
  EXPECT_EQ(Poll({{"Incident D"}}, 5000), Titles{"Incident D"});
}

// Beside another item with its link, a keyless usual id cannot tell which of them it was produced
// for: it decides nothing, and each is judged by its shared id, so that neither is lost.
TEST_F(FeedNoveltyTest, AKeylessUsualIdBesideAnotherItemWithItsLinkLosesNeither) {
  WriteKeyless(Items({{"Incident A"}})[0].usual_id, 1000);
  EXPECT_EQ(Poll({{"Incident B"}, {"Incident A"}}, 2000), (Titles{"Incident B", "Incident A"}));
  EXPECT_EQ(Poll({{"Incident B"}}, 3000), Titles{});
  EXPECT_EQ(Poll({{"Incident A"}}, 4000), Titles{});
}

// A seen id's value is the time alone in state written before keys were kept.
TEST_F(FeedNoveltyTest, AKeylessIdReadsWithItsTimeAndNoKey) {
  WriteKeyless("u1", 1234);
  auto seen = state_->Lookup(kFeedUrl, "u1");
  ASSERT_TRUE(seen) << seen.error().ToString();
  ASSERT_TRUE(*seen);
  EXPECT_EQ((*seen)->last_seen_ms, 1234);
  EXPECT_EQ((*seen)->key, "");
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(state_->ForgetBefore(batch, kFeedUrl, 1235).ok());
  ASSERT_TRUE(state_->Write(batch).ok());
  EXPECT_FALSE(*state_->Lookup(kFeedUrl, "u1"));  // expires by its time as before
}

}  // namespace
}  // namespace headwire::producers
