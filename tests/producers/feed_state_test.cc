#include "producers/feed_state.h"

#include <gtest/gtest.h>

#include "tests/common/test_dir.h"

namespace headwire::producers {
namespace {

class FeedStateTest : public ::testing::Test {
 protected:
  const testing::TestDir dir_{"feed_state_test"};
};

TEST_F(FeedStateTest, SeenIdsAndRecordsSurviveReopening) {
  {
    auto state = FeedState::Open(dir_.path());
    ASSERT_TRUE(state) << state.error().ToString();
    rocksdb::WriteBatch batch;
    (*state)->MarkSeen(batch, "http://a/rss", "u1", "k1", 1000);
    FeedRecord record;
    record.etag = "\"v1\"";
    record.last_modified = "Wed, 02 Dec 2026 10:00:00 GMT";
    record.http_status = 200;
    record.items_produced = 1;
    (*state)->PutRecord(batch, "http://a/rss", record);
    ASSERT_TRUE((*state)->Write(batch).ok());
  }
  auto state = FeedState::Open(dir_.path());
  ASSERT_TRUE(state);
  auto seen = (*state)->Lookup("http://a/rss", "u1");
  ASSERT_TRUE(seen && *seen);
  EXPECT_EQ((*seen)->last_seen_ms, 1000);
  EXPECT_EQ((*seen)->key, "k1");
  EXPECT_FALSE(*(*state)->Lookup("http://a/rss", "u2"));
  EXPECT_FALSE(*(*state)->Lookup("http://b/rss", "u1"));  // seen sets are per feed
  auto records = (*state)->LoadRecords();
  ASSERT_TRUE(records);
  ASSERT_EQ(records->count("http://a/rss"), 1u);
  EXPECT_EQ(records->at("http://a/rss").etag, "\"v1\"");
  EXPECT_EQ(records->at("http://a/rss").last_modified, "Wed, 02 Dec 2026 10:00:00 GMT");
  EXPECT_EQ(records->at("http://a/rss").http_status, 200);
}

TEST_F(FeedStateTest, NothingIsSeenUntilTheBatchIsWritten) {
  auto state = FeedState::Open(dir_.path());
  ASSERT_TRUE(state);
  rocksdb::WriteBatch batch;
  (*state)->MarkSeen(batch, "http://a/rss", "u1", "k1", 1000);
  EXPECT_FALSE(*(*state)->Lookup("http://a/rss", "u1"));
}

TEST_F(FeedStateTest, IdsExpireOnlyAfterTheyLeftTheFeed) {
  auto state = FeedState::Open(dir_.path());
  ASSERT_TRUE(state);
  rocksdb::WriteBatch first;
  (*state)->MarkSeen(first, "http://a/rss", "old", "k", 1000);
  (*state)->MarkSeen(first, "http://a/rss", "kept", "k", 1000);
  (*state)->MarkSeen(first, "http://b/rss", "other", "k", 1000);
  ASSERT_TRUE((*state)->Write(first).ok());
  // A later poll: "kept" is still in the feed and is marked again after the expiry pass.
  rocksdb::WriteBatch second;
  ASSERT_TRUE((*state)->ForgetBefore(second, "http://a/rss", 5000).ok());
  (*state)->MarkSeen(second, "http://a/rss", "kept", "k", 9000);
  ASSERT_TRUE((*state)->Write(second).ok());
  EXPECT_FALSE(*(*state)->Lookup("http://a/rss", "old"));
  EXPECT_TRUE(*(*state)->Lookup("http://a/rss", "kept"));
  EXPECT_TRUE(*(*state)->Lookup("http://b/rss", "other"));  // another feed's ids are untouched
}

TEST_F(FeedStateTest, StatusReaderOpensBesideTheDaemon) {
  auto state = FeedState::Open(dir_.path());
  ASSERT_TRUE(state);
  rocksdb::WriteBatch batch;
  FeedRecord record;
  record.last_error = "HTTP status 404";
  (*state)->PutRecord(batch, "http://a/rss", record);
  ASSERT_TRUE((*state)->Write(batch).ok());
  auto reader = FeedState::OpenForQueries(dir_.path());
  ASSERT_TRUE(reader) << reader.error().ToString();
  auto records = (*reader)->LoadRecords();
  ASSERT_TRUE(records);
  EXPECT_EQ(records->at("http://a/rss").last_error, "HTTP status 404");
}

// A feed state given to a sink or a query, or another state given to `feed`, is named as what
// it is instead of failing in RocksDB over column families.
TEST_F(FeedStateTest, AnotherKindOfStateIsNamedAndAFeedStateIsNamedToOthers) {
  ASSERT_TRUE(FeedState::Open(dir_.string()).has_value());
  EXPECT_EQ(*common::DetectStateKind(dir_.string()), common::StateKind::kFeed);
  auto as_sink = common::StateStore::OpenForQueries(
      {.path = dir_.string(), .kind = common::StateKind::kSink, .column_families = {"articles"}});
  ASSERT_FALSE(as_sink.has_value());
  EXPECT_EQ(as_sink.error().message(), dir_.string() + " is a feed state, not a sink state");

  const testing::TestDir sink_dir{"feed_state_test_sink"};
  ASSERT_TRUE(common::StateStore::Open({.path = sink_dir.string(),
                                        .kind = common::StateKind::kSink,
                                        .column_families = {"articles"}})
                  .has_value());
  auto as_feed = FeedState::Open(sink_dir.string());
  ASSERT_FALSE(as_feed.has_value());
  EXPECT_EQ(as_feed.error().message(), sink_dir.string() + " is a sink state, not a feed state");
}

}  // namespace
}  // namespace headwire::producers
