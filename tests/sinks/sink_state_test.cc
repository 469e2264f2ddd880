// The sink state over real RocksDB: windows, lateness, stories, trending, retention, digest and
// checkpoints, observed through the query API that the CLI and HTTP serve.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/time_format.h"
#include "core/event_windows.h"
#include "core/text.h"
#include "sinks/article_store.h"
#include "sinks/query_api.h"
#include "sinks/state_digest.h"
#include "tests/common/test_dir.h"

namespace headwire::sinks {
namespace {

constexpr int64_t kT0 = 1772409600000;  // 2026-03-02T00:00:00Z
constexpr int64_t kMin = core::kMinuteMs;
constexpr int64_t kHour = core::kHourMs;
constexpr int64_t kDay = core::kDayMs;

struct Spec {
  std::string id = "";
  int64_t t = 0;
  std::vector<std::string> topics = {};
  std::string source = "Wire";
  std::string title = "";
  std::string duplicate_of = "";
  std::string story = "";
  int64_t raw_offset = 0;
  bool estimated = false;
  std::vector<std::string> taxonomy = {};  // topics scored
  int64_t ingested_at = 0;
};

v1::ProcessedArticle Make(const Spec& s) {
  v1::ProcessedArticle a;
  a.mutable_article()->set_id(s.id);
  a.mutable_article()->set_title(s.title.empty() ? "Headline " + s.id : s.title);
  a.mutable_article()->set_source(s.source);
  a.mutable_article()->set_published_at_ms(s.t);
  a.mutable_article()->set_event_time_estimated(s.estimated);
  a.mutable_article()->set_ingested_at_ms(s.ingested_at);
  for (const auto& topic : s.topics) a.add_topics(topic);
  for (const auto& topic : s.taxonomy) a.add_scores()->set_topic(topic);
  a.set_duplicate_of(s.duplicate_of);
  a.set_story_id(!s.story.empty() ? s.story : (s.duplicate_of.empty() ? s.id : s.duplicate_of));
  a.mutable_processing()->mutable_source()->set_offset(s.raw_offset);
  return a;
}

class SinkStateTest : public ::testing::Test {
 protected:
  std::unique_ptr<ArticleStore> Open(const std::string& name, StoreOptions options = {}) {
    options.memory_budget_bytes = 16 << 20;
    auto store = ArticleStore::Open((base_.path() / name).string(), false, options);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  // Applies records of partition "p0" in batches of `batch_size`; returns the outcomes.
  std::vector<StageOutcome> Apply(ArticleStore& store, const std::vector<Spec>& specs,
                                  size_t batch_size = 1000, const std::string& partition = "p0") {
    std::vector<StageOutcome> outcomes;
    ArticleStore::Batch batch;
    for (size_t i = 0; i < specs.size(); ++i) {
      auto outcome = store.Stage(batch, Make(specs[i]), partition);
      EXPECT_TRUE(outcome.has_value());
      outcomes.push_back(*outcome);
      if ((i + 1) % batch_size == 0 || i + 1 == specs.size()) {
        EXPECT_TRUE(store.Commit(batch, {{{"in", 0}, offset_ += batch_size}}).ok());
      }
    }
    return outcomes;
  }

  static QueryKind KindNamed(const std::string& name) {
    for (const QueryKind kind : kQueryKinds) {
      if (QueryKindName(kind) == name) return kind;
    }
    ADD_FAILURE() << "no query kind " << name;
    return QueryKind::kLatest;
  }

  common::Json Query(const ArticleStore& store, std::map<std::string, std::string> params,
                     const std::string& kind) {
    auto request = ParseQueryRequest(KindNamed(kind), params);
    EXPECT_TRUE(request.has_value()) << request.error().ToString();
    auto response = RunQuery(store, *request);
    EXPECT_TRUE(response.has_value()) << response.error().ToString();
    return response ? *response : common::Json();
  }

  // The settings of the expiry tests: a watermark that waits only for an hour's grace, and two
  // days of retention.
  static StoreOptions TwoDayRetention() {
    return {.watermark = {.max_out_of_order_ms = 0, .grace_ms = kHour}, .retention_ms = 2 * kDay};
  }

  // The rejects the counts query shows.
  common::Json ShownRejects(const ArticleStore& store) {
    return Query(store, {{"window", "day"}}, "counts")["totals"]["rejects"];
  }

  // `n` rejects shown by queries, then, after a full compaction, `n` stored.
  void ExpectRejectsShownThenStored(ArticleStore& store, uint64_t n) {
    EXPECT_EQ(ShownRejects(store), n);
    ASSERT_TRUE(store.state().CompactAll().ok());
    EXPECT_EQ(store.Counts()->rejects, n);
  }

  std::string Digest(const ArticleStore& store) {
    auto digest = DigestState(store);
    EXPECT_TRUE(digest.has_value());
    return digest->digest;
  }

  const testing::TestDir base_{"headwire-state-test"};
  int64_t offset_ = 0;
};

std::vector<Spec> SampleDay() {
  return {
      {.id = "a1", .t = kT0 + 10 * kMin, .topics = {"space"}, .source = "Orbit"},
      {.id = "a2", .t = kT0 + 20 * kMin, .topics = {"space", "business"}, .source = "Ledger"},
      {.id = "a3", .t = kT0 + 70 * kMin, .topics = {}, .source = "Orbit"},
      {.id = "d1",
       .t = kT0 + 75 * kMin,
       .topics = {"space"},
       .source = "Copycat",
       .duplicate_of = "a1",
       .raw_offset = 9},
      {.id = "a4", .t = kT0 + kDay + 5 * kMin, .topics = {"ai"}, .source = "Ledger"},
  };
}

TEST_F(SinkStateTest, TumblingWindowsCountArticlesAndDuplicatesPerTopic) {
  auto store = Open("s");
  Apply(*store, SampleDay());
  const auto hours = Query(*store, {{"window", "hour"}, {"topic", "space"}}, "counts");
  ASSERT_EQ(hours["items"].size(), 2u) << hours.dump();
  EXPECT_EQ(hours["items"][0]["window_start"], "2026-03-02T00:00:00Z");
  EXPECT_EQ(hours["items"][0]["articles"], 2);
  EXPECT_EQ(hours["items"][1]["window_start"], "2026-03-02T01:00:00Z");
  EXPECT_EQ(hours["items"][1]["articles"], 0);
  EXPECT_EQ(hours["items"][1]["duplicates"], 1);
  const auto days = Query(*store, {{"window", "day"}, {"topic", "all"}}, "counts");
  ASSERT_EQ(days["items"].size(), 2u);
  EXPECT_EQ(days["items"][0]["articles"], 3);  // a2 counted once although it has two topics
  EXPECT_EQ(days["totals"]["articles"], 4);
  EXPECT_EQ(days["totals"]["duplicates"], 1);
  const auto other = Query(*store, {{"window", "day"}, {"topic", "other"}}, "counts");
  ASSERT_EQ(other["items"].size(), 1u);
  EXPECT_EQ(other["items"][0]["articles"], 1);
  const auto minutes = Query(*store, {{"window", "minute"}, {"source", "Orbit"}}, "counts");
  // a1 (space, all) and a3 (other, all): four rows in two minutes.
  EXPECT_EQ(minutes["items"].size(), 4u);
}

TEST_F(SinkStateTest, HoppingCountsSumTheFinerWindows) {
  auto store = Open("s");
  Apply(*store, SampleDay());
  // Hour-long windows hopping by a minute: the one starting 00:15 holds a2 (00:20) only,
  // the one starting 00:10 holds a1 and a2.
  const auto hop = Query(*store,
                         {{"window", "hour"},
                          {"hop", "minute"},
                          {"topic", "space"},
                          {"from", "2026-03-02T00:10:00Z"},
                          {"to", "2026-03-02T00:16:00Z"},
                          {"limit", "1000"}},
                         "counts");
  std::map<std::string, int> by_start;
  for (const auto& item : hop["items"]) by_start[item["window_start"]] = item["articles"];
  EXPECT_EQ(by_start["2026-03-02T00:10:00Z"], 2);
  EXPECT_EQ(by_start["2026-03-02T00:15:00Z"], 1);
  EXPECT_EQ(by_start.size(), 6u);  // starts 00:10 .. 00:15
  EXPECT_EQ(hop["hop"], "minute");
}

TEST_F(SinkStateTest, HoppingCountsPageByStartThenTopicAsShown) {
  auto store = Open("s");
  Apply(*store, {{.id = "x1", .t = kT0 + 10 * kMin, .topics = {"ai"}},
                 {.id = "x2", .t = kT0 + 20 * kMin, .topics = {"space"}}});
  // Starts 00:06 .. 00:12 (the first at or after `from`, which is not on a minute) with all and
  // space, those up to 00:10 with ai too; "all" sorted by its name, not by the stored "*".
  const std::map<std::string, std::string> range = {{"window", "hour"},
                                                    {"hop", "minute"},
                                                    {"from", "2026-03-02T00:05:30Z"},
                                                    {"to", "2026-03-02T00:13:00Z"}};
  auto all = range;
  all["limit"] = "1000";
  const auto whole = Query(*store, all, "counts");
  ASSERT_EQ(whole["items"].size(), 19u) << whole.dump();
  EXPECT_EQ(whole["items"][0]["window_start"], "2026-03-02T00:06:00Z");
  EXPECT_EQ(whole["items"][0]["topic"], "ai");
  EXPECT_EQ(whole["items"][1]["topic"], "all");
  EXPECT_EQ(whole["items"][1]["articles"], 2);
  EXPECT_EQ(whole["items"][2]["topic"], "space");
  EXPECT_EQ(whole["items"][15]["window_start"], "2026-03-02T00:11:00Z");
  EXPECT_EQ(whole["items"][15]["topic"], "all");
  EXPECT_EQ(whole["items"][18]["window_start"], "2026-03-02T00:12:00Z");
  EXPECT_EQ(whole["items"][18]["topic"], "space");
  // Pages of 4 list the same windows in the same order, each once.
  common::Json paged = common::Json::array();
  auto request = range;
  request["limit"] = "4";
  for (int page = 0; page < 10; ++page) {
    const auto answer = Query(*store, request, "counts");
    for (const auto& item : answer["items"]) paged.push_back(item);
    if (answer["next_cursor"].is_null()) break;
    request["cursor"] = answer["next_cursor"];
  }
  EXPECT_EQ(paged, whole["items"]);
}

TEST_F(SinkStateTest, HoppingCountsListNoWindowBetweenStoredOnes) {
  auto store = Open("s");
  Apply(*store, {{.id = "x1", .t = kT0 + 10 * kMin, .topics = {"ai"}},
                 {.id = "x2", .t = kT0 + 3 * kHour, .topics = {"ai"}}});
  const auto hop =
      Query(*store, {{"window", "hour"}, {"hop", "minute"}, {"topic", "ai"}, {"limit", "1000"}},
            "counts");
  // 60 windows hold x1 (starting 23:11 the day before .. 00:10), 60 hold x2 (02:01 .. 03:00).
  ASSERT_EQ(hop["items"].size(), 120u) << hop.dump();
  EXPECT_EQ(hop["items"][0]["window_start"], "2026-03-01T23:11:00Z");
  EXPECT_EQ(hop["items"][59]["window_start"], "2026-03-02T00:10:00Z");
  EXPECT_EQ(hop["items"][60]["window_start"], "2026-03-02T02:01:00Z");
  EXPECT_EQ(hop["items"][119]["window_start"], "2026-03-02T03:00:00Z");
  for (const auto& item : hop["items"]) EXPECT_EQ(item["articles"], 1);
}

TEST_F(SinkStateTest, LateRecordsAreCountedAndNotApplied) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 5 * kMin, .grace_ms = 10 * kMin}});
  const auto outcomes = Apply(*store, {{.id = "new", .t = kT0 + kHour, .topics = {"ai"}},
                                       {.id = "ok", .t = kT0 + 45 * kMin, .topics = {"ai"}},
                                       {.id = "late", .t = kT0 + 44 * kMin, .topics = {"ai"}}});
  EXPECT_EQ(outcomes, (std::vector<StageOutcome>{StageOutcome::kApplied, StageOutcome::kApplied,
                                                 StageOutcome::kLate}));
  const auto counts = Query(*store, {{"window", "day"}, {"topic", "ai"}}, "counts");
  EXPECT_EQ(counts["totals"]["late"], 1);
  EXPECT_EQ(counts["items"][0]["articles"], 2);
  // Another partition far behind has its own watermark: not late.
  ArticleStore::Batch batch;
  EXPECT_EQ(*store->Stage(batch, Make({.id = "p1", .t = kT0, .topics = {"ai"}}), "p1"),
            StageOutcome::kApplied);
}

TEST_F(SinkStateTest, RedeliveredLateRecordsAreCountedOnce) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = 10 * kMin}});
  Apply(*store, {{.id = "new", .t = kT0 + kHour}});
  const std::vector<Spec> late = {
      {.id = "late", .t = kT0},
      {.id = "late-dup", .t = kT0, .duplicate_of = "late", .raw_offset = 3}};
  EXPECT_EQ(Apply(*store, late),
            (std::vector<StageOutcome>{StageOutcome::kLate, StageOutcome::kLate}));
  const std::string digest = Digest(*store);
  // A second processor group re-delivers the same records, in this batch and the next one.
  EXPECT_EQ(Apply(*store, {late[0], late[1], late[0]}),
            (std::vector<StageOutcome>{StageOutcome::kRedelivery, StageOutcome::kRedelivery,
                                       StageOutcome::kRedelivery}));
  EXPECT_EQ(Query(*store, {{"window", "day"}}, "counts")["totals"]["late"], 2);
  EXPECT_EQ(Digest(*store), digest);
}

TEST_F(SinkStateTest, ARecordFarAheadNeitherAppliesNorMovesTheWatermark) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = kHour}});
  const auto outcomes = Apply(*store, {{.id = "a", .t = kT0},
                                       {.id = "y2099", .t = 4'070'908'800'000},
                                       {.id = "max", .t = INT64_MAX},
                                       {.id = "b", .t = kT0 + kMin}});
  EXPECT_EQ(outcomes, (std::vector<StageOutcome>{StageOutcome::kApplied, StageOutcome::kFarAhead,
                                                 StageOutcome::kFarAhead, StageOutcome::kApplied}));
  const auto counts = Query(*store, {{"window", "day"}}, "counts");
  EXPECT_EQ(counts["watermark"], "2026-03-02T00:01:00Z");
  EXPECT_EQ(counts["totals"]["articles"], 2);
  EXPECT_EQ(counts["totals"]["late"], 0);
}

// A partition that began with a stale record (a feed's pinned post from months ago) keeps taking
// current records: each one's ingestion time vouches for its event time.
TEST_F(SinkStateTest, CurrentRecordsAfterAStaleFirstRecordAreAppliedWhenTheirIngestionVouches) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = kHour}});
  const int64_t today = kT0 + 60 * 24 * kHour;
  const auto outcomes =
      Apply(*store, {{.id = "pinned", .t = kT0, .ingested_at = today},
                     {.id = "today", .t = today, .ingested_at = today},
                     {.id = "unvouched", .t = today + 30 * 24 * kHour},
                     {.id = "later", .t = today + kMin, .ingested_at = today + kMin}});
  EXPECT_EQ(outcomes, (std::vector<StageOutcome>{StageOutcome::kApplied, StageOutcome::kApplied,
                                                 StageOutcome::kFarAhead, StageOutcome::kApplied}));
  EXPECT_EQ(Query(*store, {{"window", "day"}}, "counts")["watermark"], "2026-05-01T00:01:00Z");
}

// A feed that writes local time as UTC dates an article hours after it was read.
TEST_F(SinkStateTest, ARecordDatedHoursAfterItWasReadMakesNoCurrentRecordLate) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = kHour}});
  const int64_t now = kT0 + 60 * 24 * kHour;
  const auto outcomes =
      Apply(*store, {{.id = "mis-zoned", .t = now + 3 * kHour, .ingested_at = now},
                     {.id = "50 minutes old", .t = now - 50 * kMin, .ingested_at = now + kMin},
                     {.id = "fresh", .t = now, .ingested_at = now + 2 * kMin}});
  EXPECT_EQ(outcomes, (std::vector<StageOutcome>{StageOutcome::kApplied, StageOutcome::kApplied,
                                                 StageOutcome::kApplied}));
  EXPECT_EQ(Query(*store, {{"window", "day"}}, "counts")["watermark"], "2026-05-01T00:05:00Z");
}

// A window (a day at most) holding a bound in year 0000 would start, and one holding a bound on
// 9999-12-31 would end, where RFC 3339 has no form for it.
TEST_F(SinkStateTest, TimeParametersWhoseWindowsRfc3339CannotWriteAreRefused) {
  for (const char* value :
       {"9223372036854775807", "99999999999999999999", "-9223372036854775808", "253402300800000",
        "253402300799999", "9999-12-31T00:00:00Z", "0000-01-01T00:00:00Z",
        "0000-12-31T23:59:59.999Z", "-62135596800001"}) {
    for (const char* name : {"from", "to"}) {
      auto request = ParseQueryRequest(QueryKind::kCounts, {{name, value}});
      ASSERT_FALSE(request.has_value()) << name << "=" << value;
      EXPECT_EQ(request.error().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_TRUE(ParseQueryRequest(QueryKind::kTrending, {{"to", "253402213599999"}}).has_value());
  auto store = Open("s");
  const auto last =
      Query(*store, {{"window", "day"}, {"to", "9999-12-30T23:59:59.999Z"}}, "trending");
  EXPECT_EQ(last["window_end"], "9999-12-31T00:00:00Z") << last.dump();
  EXPECT_TRUE(
      ParseQueryRequest(QueryKind::kTrending, {{"to", "0001-01-01T00:00:00Z"}}).has_value());
  EXPECT_TRUE(ParseQueryRequest(QueryKind::kTrending, {{"to", "-62135596800000"}}).has_value());
}

TEST_F(SinkStateTest, ParametersThatAreNotUtf8AreRefusedNotACrash) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"topic",
                                                         "sp\xFF\xFF"
                                                         "ace"},
                                                        {"source", "\xC3"},
                                                        {"cursor", "o\xFF"},
                                                        {"\xFF", "1"}}) {
    auto request = ParseQueryRequest(QueryKind::kLatest, {{name, value}});
    ASSERT_FALSE(request.has_value()) << name;
    EXPECT_EQ(request.error().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(core::IsValidUtf8(request.error().message()));
  }
}

TEST_F(SinkStateTest, LatenessSurvivesARestart) {
  const StoreOptions options{.watermark = {.max_out_of_order_ms = 0, .grace_ms = kMin}};
  {
    auto store = Open("s", options);
    Apply(*store, {{.id = "new", .t = kT0 + kHour}});
  }
  auto store = Open("s", options);
  ArticleStore::Batch batch;
  EXPECT_EQ(*store->Stage(batch, Make({.id = "old", .t = kT0}), "p0"), StageOutcome::kLate);
}

TEST_F(SinkStateTest, WindowsBecomeFinalWhenTheWatermarkPassesEndPlusGrace) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = 30 * kMin}});
  Apply(*store, {{.id = "a", .t = kT0 + 5 * kMin}, {.id = "b", .t = kT0 + kHour + 29 * kMin}});
  auto counts = Query(*store, {{"window", "hour"}, {"topic", "all"}}, "counts");
  EXPECT_FALSE(counts["items"][0]["final"].get<bool>());  // watermark 01:29 < 01:00 + 30 min
  Apply(*store, {{.id = "c", .t = kT0 + kHour + 30 * kMin}});
  counts = Query(*store, {{"window", "hour"}, {"topic", "all"}}, "counts");
  EXPECT_TRUE(counts["items"][0]["final"].get<bool>());
  EXPECT_FALSE(counts["items"][1]["final"].get<bool>());
}

TEST_F(SinkStateTest, IdlePartitionsDoNotHoldTheWatermarkBack) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = 0}});
  Apply(*store, {{.id = "slow", .t = kT0}}, 1000, "p1");
  Apply(*store, {{.id = "fast", .t = kT0 + 3 * kHour}}, 1000, "p0");
  auto counts = Query(*store, {{"window", "hour"}, {"topic", "all"}}, "counts");
  EXPECT_EQ(counts["watermark"], "2026-03-02T00:00:00Z");  // p1 holds it back
  ASSERT_TRUE(store->AdvanceWatermark({"p1"}).ok());
  counts = Query(*store, {{"window", "hour"}, {"topic", "all"}}, "counts");
  EXPECT_EQ(counts["watermark"], "2026-03-02T03:00:00Z");
  EXPECT_TRUE(counts["items"][0]["final"].get<bool>());
}

TEST_F(SinkStateTest, StoriesKeepMembersSourcesAndTheEarliestHeadline) {
  auto store = Open("s", {.stories = {.window_ms = kHour, .close_after_ms = 6 * kHour}});
  Apply(*store, {{.id = "lonely", .t = kT0 - 8 * kHour, .title = "Old news"},
                 {.id = "b",
                  .t = kT0 + 30 * kMin,
                  .topics = {"space"},
                  .source = "Two",
                  .title = "Second",
                  .story = "launch"},
                 {.id = "a",
                  .t = kT0 + 10 * kMin,
                  .topics = {"space"},
                  .source = "One",
                  .title = "First",
                  .story = "launch"},
                 {.id = "c",
                  .t = kT0 + 50 * kMin,
                  .topics = {"business"},
                  .source = "Two",
                  .title = "Third",
                  .story = "launch"}});
  const auto stories = Query(*store, {}, "stories");
  ASSERT_EQ(stories["items"].size(), 2u) << stories.dump();
  const auto& launch = stories["items"][0];
  EXPECT_EQ(launch["story_id"], "launch");
  EXPECT_EQ(launch["size"], 3);
  EXPECT_EQ(launch["headline"], "First");
  EXPECT_EQ(launch["members"], (common::Json{"a", "b", "c"}));
  EXPECT_EQ(launch["sources"], (common::Json{"One", "Two"}));
  EXPECT_EQ(launch["topics"], (common::Json{"business", "space"}));
  EXPECT_EQ(launch["first_seen"], "2026-03-02T00:10:00Z");
  EXPECT_EQ(launch["last_seen"], "2026-03-02T00:50:00Z");
  EXPECT_EQ(stories["items"][1]["status"], "closed");
  const auto business = Query(*store, {{"topic", "business"}}, "stories");
  EXPECT_EQ(business["items"].size(), 1u);
  // "all" means every topic, as for the other kinds: not a topic named "all".
  EXPECT_EQ(Query(*store, {{"topic", "all"}}, "stories")["items"], stories["items"]);
  const auto by_source = Query(*store, {{"source", "One"}}, "stories");
  EXPECT_EQ(by_source["items"].size(), 1u);
}

TEST_F(SinkStateTest, AStoryGrowsWhenTheLastWindowAddedMoreThanTheOneBefore) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = kHour},
                          .stories = {.window_ms = kHour, .close_after_ms = 6 * kHour}});
  Apply(*store, {{.id = "y1", .t = kT0 + 30 * kMin, .story = "y"},
                 {.id = "x1", .t = kT0 + 60 * kMin, .story = "x"},
                 {.id = "x2", .t = kT0 + 90 * kMin, .story = "x"},
                 {.id = "x3", .t = kT0 + 100 * kMin, .story = "x"},
                 {.id = "z1", .t = kT0 + 2 * kHour, .story = "z"}});
  const auto stories = Query(*store, {{"limit", "10"}}, "stories");
  EXPECT_EQ(stories["as_of"], "2026-03-02T02:00:00Z");
  std::map<std::string, std::string> status;
  for (const auto& s : stories["items"]) status[s["story_id"]] = s["status"];
  EXPECT_EQ(status["x"], "growing");  // 2 in (01:00, 02:00] against 1 in (00:00, 01:00]
  EXPECT_EQ(status["y"], "steady");   // 0 against 1
  EXPECT_EQ(status["z"], "growing");  // a new story: 1 against 0
  const auto growing = Query(*store, {{"status", "growing"}}, "stories");
  ASSERT_EQ(growing["items"].size(), 2u) << growing.dump();
  EXPECT_EQ(growing["items"][0]["story_id"], "z");
  EXPECT_EQ(growing["items"][1]["story_id"], "x");
}

TEST_F(SinkStateTest, StoriesThatTieOnLastSeenAreListedBySizeThenIdAcrossPages) {
  auto store = Open("s");
  Apply(*store, {{.id = "b1", .t = kT0, .story = "b"},
                 {.id = "b2", .t = kT0 + 30 * kMin, .story = "b"},
                 {.id = "c1", .t = kT0 + 30 * kMin, .story = "c"},
                 {.id = "a1", .t = kT0 + 30 * kMin, .story = "a"},
                 {.id = "e1", .t = kT0 + 40 * kMin, .story = "e"},
                 {.id = "u1", .t = kT0 + 200 * kDay, .story = "u", .estimated = true}});
  std::vector<std::string> ids;
  std::map<std::string, std::string> request = {{"limit", "2"}};
  for (int page = 0; page < 5; ++page) {
    const auto answer = Query(*store, request, "stories");
    for (const auto& item : answer["items"]) ids.push_back(item["story_id"]);
    if (answer["next_cursor"].is_null()) break;
    request["cursor"] = answer["next_cursor"];
  }
  // Newest first; at one last_seen the larger story, then the smaller id; estimated ones last.
  EXPECT_EQ(ids, (std::vector<std::string>{"e", "b", "a", "c", "u"}));
}

TEST_F(SinkStateTest, TrendingFindsATermHighAgainstItsBaseline) {
  auto store = Open("s", {.watermark = {.max_out_of_order_ms = 0, .grace_ms = kDay}});
  std::vector<Spec> specs;
  int n = 0;
  // "tariff" once an hour for six hours, then "Artemis Moon" names burst in the seventh.
  for (int h = 0; h < 6; ++h) {
    specs.push_back({.id = "t" + std::to_string(n++),
                     .t = kT0 + h * kHour,
                     .topics = {"business"},
                     .title = "tariffs weigh on exporters"});
  }
  for (int i = 0; i < 4; ++i) {
    specs.push_back({.id = "t" + std::to_string(n++),
                     .t = kT0 + 6 * kHour + i * kMin,
                     .topics = {"space"},
                     .title = "NASA Artemis Moon rocket rolls out"});
  }
  specs.push_back({.id = "t" + std::to_string(n++),
                   .t = kT0 + 6 * kHour + 9 * kMin,
                   .topics = {"business"},
                   .title = "tariffs again"});
  Apply(*store, specs);
  const auto trending = Query(*store, {{"window", "hour"}}, "trending");
  EXPECT_EQ(trending["window_start"], "2026-03-02T06:00:00Z");
  ASSERT_FALSE(trending["items"].empty()) << trending.dump();
  std::set<std::string> terms;
  for (const auto& t : trending["items"]) terms.insert(t["term"]);
  EXPECT_TRUE(terms.contains("NASA Artemis Moon"));
  EXPECT_TRUE(terms.contains("rocket"));
  EXPECT_FALSE(terms.contains("tariffs"));  // 1 now against a baseline of 1 per hour
  EXPECT_DOUBLE_EQ(trending["items"][0]["score"].get<double>(), 5.0);  // (4 + 1) / (0 + 1)
  const auto business = Query(*store, {{"window", "hour"}, {"topic", "business"}}, "trending");
  EXPECT_TRUE(business["items"].empty());
  // ParseQueryRequest refuses a minute window (BadParametersAreNamed); so does the query itself.
  EXPECT_FALSE(RunQuery(*store, {.kind = QueryKind::kTrending, .window = core::WindowSize::kMinute})
                   .has_value());
}

TEST_F(SinkStateTest, SourcesAggregateArticlesDuplicatesAndTopics) {
  auto store = Open("s");
  Apply(*store, SampleDay());
  const auto sources = Query(*store, {{"window", "day"}}, "sources");
  ASSERT_EQ(sources["items"].size(), 3u) << sources.dump();
  EXPECT_EQ(sources["items"][0]["source"], "Ledger");  // 2 articles; Orbit has 2 too: by name
  EXPECT_EQ(sources["items"][0]["articles"], 2);
  EXPECT_EQ(sources["items"][0]["topics"],
            (common::Json{{"ai", 1}, {"business", 1}, {"space", 1}}));
  EXPECT_EQ(sources["items"][2]["source"], "Copycat");
  EXPECT_EQ(sources["items"][2]["duplicates"], 1);
  const auto ai = Query(*store, {{"window", "day"}, {"topic", "ai"}}, "sources");
  ASSERT_EQ(ai["items"].size(), 1u);
  EXPECT_EQ(ai["items"][0]["source"], "Ledger");
}

TEST_F(SinkStateTest, LatestPagesThroughEveryArticleOnceNewestFirst) {
  auto store = Open("s");
  std::vector<Spec> specs;
  for (int i = 0; i < 7; ++i) specs.push_back({.id = "n" + std::to_string(i), .t = kT0 + i * kMin});
  Apply(*store, specs);
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::map<std::string, std::string> params{{"limit", "3"}};
    if (!cursor.empty()) params["cursor"] = cursor;
    const auto response = Query(*store, params, "latest");
    for (const auto& item : response["items"]) seen.push_back(item["id"]);
    if (response["next_cursor"].is_null()) break;
    cursor = response["next_cursor"];
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"n6", "n5", "n4", "n3", "n2", "n1", "n0"}));
  const auto ranged = Query(
      *store, {{"from", std::to_string(kT0 + 2 * kMin)}, {"to", std::to_string(kT0 + 4 * kMin)}},
      "latest");
  ASSERT_EQ(ranged["items"].size(), 2u);
  EXPECT_EQ(ranged["items"][0]["id"], "n3");
}

// An offset cursor past the end (however large: offset + limit must not wrap) is an empty last
// page, never a cursor back to earlier pages.
TEST_F(SinkStateTest, AnOffsetCursorPastTheEndIsAnEmptyLastPage) {
  auto store = Open("s");
  Apply(*store, SampleDay());
  // 2^64 - 1000 + a limit of 1000 wraps to 0: a cursor back to the first page.
  for (const std::string cursor : {"o5", "o18446744073709551615", "o18446744073709550616"}) {
    const auto page = Query(*store, {{"cursor", cursor}, {"limit", "1000"}}, "sources");
    EXPECT_TRUE(page["items"].empty()) << cursor << ": " << page.dump();
    EXPECT_TRUE(page["next_cursor"].is_null()) << cursor << ": " << page.dump();
  }
}

TEST_F(SinkStateTest, BadParametersAreNamed) {
  auto store = Open("s");
  for (const auto& [params, name] :
       std::vector<std::pair<std::map<std::string, std::string>, std::string>>{
           {{{"limit", "0"}}, "limit"},
           {{{"limit", "1001"}}, "limit"},
           {{{"limit", "x"}}, "limit"},
           {{{"window", "week"}}, "window"},
           {{{"from", "yesterday"}}, "from"},
           {{{"to", "0"}}, "to"},
           {{{"to", "1970-01-01T00:00:00Z"}}, "to"},
           {{{"colour", "red"}}, "colour"},
           {{{"from", "2026-03-02T00:00:00Z"}, {"to", "2026-03-02T00:00:00Z"}}, "from"},
           {{{"window", "hour"}, {"hop", "hour"}}, "hop"},
           {{{"window", "minute"}, {"hop", "hour"}}, "hop"}}) {
    auto request = ParseQueryRequest(QueryKind::kCounts, params);
    ASSERT_FALSE(request.has_value()) << name;
    EXPECT_TRUE(request.error().IsInvalidArgument());
    EXPECT_TRUE(request.error().message().starts_with(name)) << request.error().message();
  }
  // What the request alone rules out is refused before the state is opened, so that
  // `headwire query` reports it as a usage error (exit 2), as it does a limit out of range.
  auto minute_trending = ParseQueryRequest(QueryKind::kTrending, {{"window", "minute"}});
  ASSERT_FALSE(minute_trending.has_value());
  EXPECT_TRUE(minute_trending.error().message().starts_with("window: trending keeps hour and day"))
      << minute_trending.error().message();
  EXPECT_FALSE(RunQuery(*store, {.kind = QueryKind::kStories, .cursor = "zz"}).has_value());
  EXPECT_FALSE(RunQuery(*store, {.kind = QueryKind::kLatest, .cursor = "k00"}).has_value());
  EXPECT_FALSE(
      RunQuery(*store, {.kind = QueryKind::kCounts, .from_ms = 5, .to_ms = 5}).has_value());
}

TEST_F(SinkStateTest, AParameterAKindDoesNotTakeIsNamed) {
  for (const auto& [kind, name] :
       std::vector<std::pair<QueryKind, std::string>>{{QueryKind::kLatest, "window"},
                                                      {QueryKind::kLatest, "hop"},
                                                      {QueryKind::kStories, "window"},
                                                      {QueryKind::kTrending, "source"},
                                                      {QueryKind::kTrending, "from"},
                                                      {QueryKind::kSources, "hop"}}) {
    auto request = ParseQueryRequest(kind, {{name, "day"}});
    ASSERT_FALSE(request.has_value()) << QueryKindName(kind) << " " << name;
    EXPECT_TRUE(request.error().IsInvalidArgument());
    EXPECT_EQ(request.error().message().rfind(
                  name + ": not a parameter of " + std::string(QueryKindName(kind)), 0),
              0u)
        << request.error().message();
  }
  EXPECT_TRUE(ParseQueryRequest(QueryKind::kCounts, {{"window", "day"}, {"hop", "hour"}}));
  EXPECT_TRUE(ParseQueryRequest(QueryKind::kStories, {{"status", "growing"}}));
}

TEST_F(SinkStateTest, AnUnknownTopicIsAnErrorNamingTheKnownOnes) {
  auto store = Open("s");
  // Before any record the state knows no taxonomy, and takes any topic.
  EXPECT_TRUE(RunQuery(*store, {.kind = QueryKind::kLatest, .topic = "spcae"}).has_value());
  Apply(*store, {{.id = "a1",
                  .t = kT0,
                  .topics = {"space"},
                  .taxonomy = {"space", "ai", "geopolitics", "business"}}});
  for (const QueryKind kind : kQueryKinds) {
    auto response = RunQuery(*store, {.kind = kind, .topic = "spcae"});
    ASSERT_FALSE(response.has_value()) << QueryKindName(kind);
    EXPECT_TRUE(response.error().IsInvalidArgument());
    EXPECT_EQ(response.error().message(),
              "topic: unknown topic \"spcae\"; known topics: ai, business, geopolitics, space, "
              "other, all");
  }
  // Known topics, including one without any article yet, and other and all, are fine.
  for (const char* topic : {"space", "business", "other", "all"}) {
    EXPECT_TRUE(RunQuery(*store, {.kind = QueryKind::kLatest, .topic = topic}).has_value())
        << topic;
  }
  // The taxonomy survives a reopen, and a query beside the writer sees it.
  auto reader = ArticleStore::Open((base_.path() / "s").string(), true);
  ASSERT_TRUE(reader.has_value());
  EXPECT_FALSE(RunQuery(**reader, {.kind = QueryKind::kLatest, .topic = "spcae"}).has_value());
}

TEST_F(SinkStateTest, AnUnknownTopicErrorNamesAtMost32OfTheKnownOnes) {
  auto store = Open("s");
  std::vector<std::string> taxonomy;
  for (int i = 0; i < 100; ++i) taxonomy.push_back("t" + std::to_string(100 + i));
  Apply(*store, {{.id = "a1", .t = kT0, .topics = {"t100"}, .taxonomy = taxonomy}});
  auto response = RunQuery(*store, {.kind = QueryKind::kLatest, .topic = "nope"});
  ASSERT_FALSE(response.has_value());
  const std::string& message = response.error().message();
  EXPECT_NE(message.find("t131, and 68 more, other, all"), std::string::npos) << message;
  EXPECT_EQ(message.find("t132"), std::string::npos) << message;
}

TEST_F(SinkStateTest, CountTotalsAreThoseOfTheTopicAsked) {
  auto store = Open("s");
  Apply(*store, SampleDay());
  const auto space = Query(*store, {{"window", "day"}, {"topic", "space"}}, "counts");
  EXPECT_EQ(space["topic"], "space");
  EXPECT_EQ(space["totals"]["articles"], 2);  // a1, a2
  EXPECT_EQ(space["totals"]["duplicates"], 1);
  const auto ai = Query(*store, {{"window", "day"}, {"topic", "ai"}}, "counts");
  EXPECT_EQ(ai["totals"]["articles"], 1);
  EXPECT_EQ(ai["totals"]["duplicates"], 0);
  const auto orbit = Query(*store, {{"window", "day"}, {"source", "Orbit"}}, "counts");
  EXPECT_EQ(orbit["topic"], "all");
  EXPECT_EQ(orbit["totals"]["articles"], 2);  // a1, a3
  const auto all = Query(*store, {{"window", "day"}}, "counts");
  EXPECT_EQ(all["totals"]["articles"], 4);
}

TEST_F(SinkStateTest, AnEstimatedEventTimeNeverLeadsLatestOrStories) {
  auto store = Open("s");
  // u1 has no published_at: the producer's clock, months after the dated records, stands in.
  Apply(*store,
        {{.id = "d1", .t = kT0, .topics = {"space"}},
         {.id = "u1", .t = kT0 + 200 * kDay, .topics = {"space"}, .source = "", .estimated = true},
         {.id = "d2", .t = kT0 + kHour, .topics = {"space"}}});
  const auto latest = Query(*store, {{"topic", "space"}}, "latest");
  ASSERT_EQ(latest["items"].size(), 3u) << latest.dump();
  EXPECT_EQ(latest["items"][0]["id"], "d2");
  EXPECT_EQ(latest["items"][0]["published_at_estimated"], false);
  EXPECT_EQ(latest["items"][1]["id"], "d1");
  EXPECT_EQ(latest["items"][2]["id"], "u1");
  EXPECT_EQ(latest["items"][2]["published_at_estimated"], true);
  // Paging crosses from the dated articles to the estimated ones without losing one.
  const auto first = Query(*store, {{"topic", "space"}, {"limit", "2"}}, "latest");
  ASSERT_FALSE(first["next_cursor"].is_null());
  const auto second = Query(
      *store, {{"topic", "space"}, {"limit", "2"}, {"cursor", first["next_cursor"]}}, "latest");
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_EQ(second["items"][0]["id"], "u1");
  // A range holding the estimated time still finds it.
  const auto ranged = Query(*store, {{"from", std::to_string(kT0 + 100 * kDay)}}, "latest");
  ASSERT_EQ(ranged["items"].size(), 1u);
  EXPECT_EQ(ranged["items"][0]["id"], "u1");

  const auto stories = Query(*store, {}, "stories");
  ASSERT_EQ(stories["items"].size(), 3u);
  EXPECT_EQ(stories["items"][0]["story_id"], "d2");
  EXPECT_EQ(stories["items"][2]["story_id"], "u1");
  EXPECT_EQ(stories["items"][2]["time_estimated"], true);
  EXPECT_EQ(stories["items"][2]["sources"], common::Json::array());  // no empty source name
  EXPECT_EQ(stories["items"][0]["time_estimated"], false);
  EXPECT_EQ(stories["as_of"], common::FormatRfc3339(kT0 + kHour));
}

TEST_F(SinkStateTest, AStoryTakesItsTimesFromDatedMembersInAnyOrder) {
  const std::vector<Spec> records = {
      {.id = "u1", .t = kT0 + 200 * kDay, .title = "Undated", .story = "s", .estimated = true},
      {.id = "d1", .t = kT0 + kHour, .title = "Later", .story = "s"},
      {.id = "d0", .t = kT0, .title = "Earliest", .story = "s"}};
  for (const bool reversed : {false, true}) {
    auto store = Open(reversed ? "r" : "f");
    std::vector<Spec> order = records;
    if (reversed) std::reverse(order.begin(), order.end());
    Apply(*store, order);
    const auto stories = Query(*store, {}, "stories");
    ASSERT_EQ(stories["items"].size(), 1u);
    const auto& story = stories["items"][0];
    EXPECT_EQ(story["size"], 3);
    EXPECT_EQ(story["headline"], "Earliest");
    EXPECT_EQ(story["first_seen"], common::FormatRfc3339(kT0));
    EXPECT_EQ(story["last_seen"], common::FormatRfc3339(kT0 + kHour));
    EXPECT_EQ(story["time_estimated"], false);
  }
}

// The value of story `id` as the store wrote it.
std::string StoredStory(const ArticleStore& store, const std::string& id) {
  std::string value;
  const auto s = store.state().db()->Get(rocksdb::ReadOptions(),
                                         store.state().family(kStoriesFamily), id, &value);
  EXPECT_TRUE(s.ok()) << id << ": " << s.ToString();
  return value;
}

// Story "big": 12 members from 8 sources, some of them with several members, in no order of
// their names.
std::vector<Spec> ManySourcedStory() {
  const char* const sources[] = {"S5", "S2", "S7", "S0", "S5", "S3",
                                 "S6", "S1", "S4", "S7", "S2", "S7"};
  std::vector<Spec> specs;
  for (size_t i = 0; i < std::size(sources); ++i) {
    specs.push_back({.id = "m" + std::to_string(i),
                     .t = kT0 + static_cast<int64_t>(i) * kMin,
                     .source = sources[i],
                     .story = "big"});
  }
  return specs;
}

TEST_F(SinkStateTest, AStoryNamesAtMostMaxStorySourcesAndCountsTheOthersSoSizeIsTheSum) {
  auto store = Open("s", {.max_story_sources = 3});
  Apply(*store, ManySourcedStory());
  const auto story = ParseStoryRecord(StoredStory(*store, "big"));
  ASSERT_TRUE(story.has_value()) << story.error().ToString();
  // The three smallest names, each with every one of its members.
  EXPECT_EQ(story->sources, (std::map<std::string, int64_t>{{"S0", 1}, {"S1", 1}, {"S2", 2}}));
  EXPECT_EQ(story->other_sources, 8u);
  EXPECT_EQ(story->size, 12u);
  uint64_t named = 0;
  for (const auto& [name, count] : story->sources) named += static_cast<uint64_t>(count);
  EXPECT_EQ(named + story->other_sources, story->size);

  const auto stories = Query(*store, {}, "stories");
  ASSERT_EQ(stories["items"].size(), 1u) << stories.dump();
  const auto& item = stories["items"][0];
  EXPECT_EQ(item["sources"], (common::Json{"S0", "S1", "S2"}));
  EXPECT_EQ(item["other_source_members"], 8);
  EXPECT_EQ(item["size"], 12);
  // The source filter finds a story by the names it keeps only.
  EXPECT_EQ(Query(*store, {{"source", "S2"}}, "stories")["items"].size(), 1u);
  EXPECT_EQ(Query(*store, {{"source", "S7"}}, "stories")["items"].size(), 0u);
}

TEST_F(SinkStateTest, AStoryWithinTheSourceBoundIsStoredByteForByteAsBefore) {
  const std::vector<Spec> specs = {
      {.id = "b", .t = kT0 + kMin, .topics = {"space"}, .source = "Two", .story = "launch"},
      {.id = "a",
       .t = kT0,
       .topics = {"space"},
       .source = "One",
       .title = "First",
       .story = "launch"},
      {.id = "c", .t = kT0 + 2 * kMin, .source = "One", .story = "launch"}};
  // As the store wrote it before it bounded sources: no "other_sources".
  const std::string before =
      R"({"dated":true,"first_seen_ms":1772409600000,"headline":"First","headline_id":"a",)"
      R"("headline_ms":1772409600000,"last_seen_ms":1772409720000,"members":)"
      R"([[1772409600000,"a"],[1772409660000,"b"],[1772409720000,"c"]],"partition":"p0",)"
      R"("size":3,"sources":{"One":2,"Two":1},"topics":{"other":1,"space":2}})";
  // The default bound, and one the story's sources just fill.
  for (const size_t bound : {StoreOptions{}.max_story_sources, size_t{2}}) {
    auto store = Open("s" + std::to_string(bound), {.max_story_sources = bound});
    Apply(*store, specs);
    EXPECT_EQ(StoredStory(*store, "launch"), before) << bound;
  }
}

TEST_F(SinkStateTest, AStorysNamedSourcesAreTheSameWhateverTheBatchingRedeliveryOrOrder) {
  const StoreOptions options{.max_story_sources = 3};
  const std::vector<Spec> specs = ManySourcedStory();
  auto one = Open("one", options);
  Apply(*one, specs, 1000);
  auto two = Open("two", options);
  Apply(*two, specs, 2);
  Apply(*two, specs, 3);  // a redelivery of everything
  auto three = Open("three", options);
  std::vector<Spec> reversed(specs.rbegin(), specs.rend());
  Apply(*three, reversed, 5);
  const std::string stored = StoredStory(*one, "big");
  EXPECT_NE(stored.find(R"("other_sources":8,)"), std::string::npos) << stored;
  EXPECT_EQ(StoredStory(*two, "big"), stored);
  EXPECT_EQ(StoredStory(*three, "big"), stored);
  EXPECT_EQ(Digest(*two), Digest(*one));
  EXPECT_EQ(Digest(*three), Digest(*one));
}

TEST_F(SinkStateTest, DigestIsTheSameForTheSameInputWhateverTheBatchingOrRedelivery) {
  std::vector<Spec> specs = SampleDay();
  auto one = Open("one");
  Apply(*one, specs, 1000);
  auto two = Open("two");
  Apply(*two, specs, 2);
  Apply(*two, specs, 3);  // a redelivery of everything
  EXPECT_EQ(Digest(*one), Digest(*two));
  for (size_t i = 0; i < std::size(kLogicalFamilies); ++i) {
    EXPECT_EQ(DigestState(*one)->families[i].digest, DigestState(*two)->families[i].digest)
        << kLogicalFamilies[i];
  }
  auto three = Open("three");
  specs[1].title = "A different headline";
  Apply(*three, specs);
  EXPECT_NE(Digest(*one), Digest(*three));
  auto digest = DigestState(*one);
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(digest->families.size(), std::size(kLogicalFamilies));
  EXPECT_EQ(digest->families[0].family, "articles");
  EXPECT_EQ(digest->families[0].entries, 4u);
}

TEST_F(SinkStateTest, DigestIgnoresTheProducersWallClockButNotTheEventTime) {
  auto digest_of = [&](const std::string& name, int64_t ingested, int64_t published) {
    auto store = Open(name);
    auto article = Make({.id = "a", .t = published});
    article.mutable_article()->set_ingested_at_ms(ingested);
    article.mutable_article()->mutable_producer()->set_host(name);
    ArticleStore::Batch batch;
    EXPECT_TRUE(store->Stage(batch, article, "p0").has_value());
    EXPECT_TRUE(store->Commit(batch, {{{"in", 0}, 1}}).ok());
    return Digest(*store);
  };
  const std::string first = digest_of("first", 111, kT0);
  EXPECT_EQ(first, digest_of("second", 222, kT0));
  EXPECT_NE(first, digest_of("third", 111, kT0 + 1));
}

TEST_F(SinkStateTest, ExpiredStateDisappearsAfterCompactionAndSizeStaysBounded) {
  const StoreOptions options = TwoDayRetention();
  auto store = Open("s", options);
  auto count_entries = [&]() {
    uint64_t total = 0;
    for (const char* family : kLogicalFamilies) {
      std::unique_ptr<rocksdb::Iterator> it(
          store->state().db()->NewIterator({}, store->state().family(family)));
      for (it->SeekToFirst(); it->Valid(); it->Next()) ++total;
    }
    return total;
  };
  std::vector<uint64_t> entries_after_day;
  int n = 0;
  for (int day = 0; day < 12; ++day) {
    std::vector<Spec> specs;
    for (int i = 0; i < 48; ++i) {
      const std::string id = "x" + std::to_string(n++);
      specs.push_back({.id = id,
                       .t = kT0 + day * kDay + i * 30 * kMin,
                       .topics = {i % 2 == 0 ? "ai" : "space"},
                       .source = "S" + std::to_string(i % 3),
                       .title = "Headline number " + std::to_string(i) + " about chips"});
    }
    Apply(*store, specs);
    ASSERT_TRUE(store->state().CompactAll().ok());
    entries_after_day.push_back(count_entries());
  }
  std::string value;
  EXPECT_TRUE(store->state()
                  .db()
                  ->Get({}, store->state().family(kArticlesFamily), "x0", &value)
                  .IsNotFound());
  EXPECT_TRUE(
      store->state()
          .db()
          ->Get({}, store->state().family(kArticlesFamily), "x" + std::to_string(n - 1), &value)
          .ok());
  // Growing for the first days, then flat: the retention bounds it, not the stream length.
  EXPECT_GT(entries_after_day[2], entries_after_day[0]);
  EXPECT_EQ(entries_after_day[11], entries_after_day[6]);
  const auto latest = Query(*store, {{"limit", "1000"}}, "latest");
  for (const auto& item : latest["items"]) {
    EXPECT_GE(item["published_at"].get<std::string>(), "2026-03-11") << item.dump();
  }
}

// Compaction removes a story past the horizon in the background, at a time of its own: until it
// has, the story must be gone all the same, or a new member would continue it or start it afresh
// depending on when compaction ran.
TEST_F(SinkStateTest, AStoryPastTheHorizonStartsAfreshWhetherCompactedOrNot) {
  const StoreOptions options = TwoDayRetention();
  std::vector<std::string> digests;
  for (const bool compacted : {false, true}) {
    auto store = Open(compacted ? "compacted" : "not-compacted", options);
    Apply(*store, {{.id = "a", .t = kT0, .story = "s"}});
    Apply(*store, {{.id = "b", .t = kT0 + 3 * kDay}});  // the horizon passes story s
    if (compacted) {
      ASSERT_TRUE(store->state().CompactAll().ok());
    }
    Apply(*store, {{.id = "c", .t = kT0 + 3 * kDay, .story = "s"}});
    const auto stories = Query(*store, {}, "stories");
    bool found = false;
    for (const auto& story : stories["items"]) {
      if (story["story_id"] != "s") continue;
      found = true;
      EXPECT_EQ(story["size"], 1) << compacted << " " << story.dump();
      EXPECT_EQ(story["first_seen"], "2026-03-05T00:00:00Z") << compacted << " " << story.dump();
    }
    EXPECT_TRUE(found) << stories.dump();
    digests.push_back(Digest(*store));
  }
  EXPECT_EQ(digests[0], digests[1]);
}

// A story belongs to the one partition that carries its domain, and whether it is gone is
// judged by that partition's own horizon. The global one jumps ahead when a partition that runs
// far ahead leaves the other idle (a backfill beside a live domain, or two `sink -e` runs): a
// story of the lagging partition must still continue, compacted, restarted or not.
TEST_F(SinkStateTest, AStoryOfAPartitionFarBehindTheOthersContinuesWhateverTheIdleRuleDid) {
  const StoreOptions options = TwoDayRetention();
  const Spec y1{.id = "y1", .t = kT0, .story = "y"};
  const Spec y2{.id = "y2", .t = kT0 + kDay, .story = "y"};
  // With both partitions idle the global watermark is x1's: the horizon passes y1 but not y2.
  const Spec x1{.id = "x1", .t = kT0 + 2 * kDay + 12 * kHour};
  std::vector<std::string> digests;
  for (const std::string run : {"one-run", "two-runs", "compacted", "restarted"}) {
    auto store = Open(run, options);
    if (run == "one-run") {
      Apply(*store, {y1, y2}, 1000, "fr");
      Apply(*store, {x1}, 1000, "en");
      ASSERT_TRUE(store->AdvanceWatermark({"en", "fr"}).ok());
    } else {
      Apply(*store, {y1}, 1000, "fr");
      Apply(*store, {x1}, 1000, "en");
      ASSERT_TRUE(store->AdvanceWatermark({"en", "fr"}).ok());  // the first run's end
      if (run == "restarted") {
        store.reset();
        store = Open(run, options);
      }
      if (run != "two-runs") {
        ASSERT_TRUE(store->state().CompactAll().ok());
      }
      Apply(*store, {y2}, 1000, "fr");
      ASSERT_TRUE(store->AdvanceWatermark({"en", "fr"}).ok());
    }
    const auto stories = Query(*store, {}, "stories");
    bool found = false;
    for (const auto& story : stories["items"]) {
      if (story["story_id"] != "y") continue;
      found = true;
      EXPECT_EQ(story["size"], 2) << run << " " << story.dump();
      EXPECT_EQ(story["first_seen"], "2026-03-02T00:00:00Z") << run << " " << story.dump();
      EXPECT_EQ(story["headline"], "Headline y1") << run << " " << story.dump();
      EXPECT_EQ(story["members"], common::Json::array({"y1", "y2"})) << run << " " << story.dump();
    }
    EXPECT_TRUE(found) << run << " " << stories.dump();
    digests.push_back(Digest(*store));
  }
  for (size_t i = 1; i < digests.size(); ++i) EXPECT_EQ(digests[i], digests[0]) << i;
}

// A reject has no event time: it counts until its own partition has moved on by the retention,
// also when it came before that partition's first valid record (alone in a batch, or before
// that record in one) and when the other partitions are ahead by more than the retention (up to
// two, where the bound on a quiet partition's hold takes over).
TEST_F(SinkStateTest, ARejectCountsUntilItsOwnPartitionHasMovedOnByTheRetention) {
  const StoreOptions options = TwoDayRetention();
  auto store = Open("s", options);
  ArticleStore::Batch batch;
  store->StageReject(batch, {"in", 0}, 0, "garbage before any record");
  ASSERT_TRUE(store->Commit(batch, {}).ok());
  store->StageReject(batch, {"in", 0}, 1, "garbage before the partition's first record");
  ASSERT_TRUE(store->Stage(batch, Make({.id = "a", .t = kT0}), "in/0").has_value());
  ASSERT_TRUE(store->Commit(batch, {}).ok());
  // Far ahead, then both idle: the global horizon passes the partition's watermark.
  Apply(*store, {{.id = "b", .t = kT0 + 3 * kDay}}, 1000, "in/1");
  ASSERT_TRUE(store->AdvanceWatermark({"in/0", "in/1"}).ok());
  store->StageReject(batch, {"in", 0}, 3, "garbage behind the global horizon");
  ASSERT_TRUE(store->Commit(batch, {}).ok());
  EXPECT_EQ(ShownRejects(*store), 3);
  ASSERT_TRUE(store->state().CompactAll().ok());
  EXPECT_EQ(ShownRejects(*store), 3);
  EXPECT_EQ(store->Counts()->rejects, 3u);
  // Its partition moves on by more than the retention: they expire, so rejects stay bounded.
  Apply(*store, {{.id = "c", .t = kT0 + 2 * kDay + kHour}}, 1000, "in/0");
  ExpectRejectsShownThenStored(*store, 0);
}

// A partition that carries no dated record (only rejects, or estimated event times) never gets
// a watermark of its own: its rejects are dated by the sink's watermark instead, and expire.
TEST_F(SinkStateTest, ARejectOfAPartitionWithoutDatedRecordsExpiresByTheSinksWatermark) {
  const StoreOptions options = TwoDayRetention();
  auto store = Open("s", options);
  Apply(*store, {{.id = "a", .t = kT0}}, 1000, "in/0");
  ArticleStore::Batch batch;
  store->StageReject(batch, {"in", 2}, 0, "garbage on a partition with no dated record");
  ASSERT_TRUE(store->Commit(batch, {}).ok());
  EXPECT_EQ(ShownRejects(*store), 1);
  Apply(*store, {{.id = "c", .t = kT0 + 3 * kDay}}, 1000, "in/0");
  ExpectRejectsShownThenStored(*store, 0);
}

// A reject that arrives before its partition's first dated record is provisional, whether it
// was stamped with the sink's global watermark (committed without that record) or waited for
// it (committed with it): that record's watermark replaces the stamp, so the count and the
// digest do not depend on where the batches end.
TEST_F(SinkStateTest, ARejectBeforeItsPartitionsFirstRecordCountsTheSameInAnyBatching) {
  const StoreOptions options = TwoDayRetention();
  struct Outcome {
    common::Json rejects;
    std::string digest;
  };
  int runs = 0;
  // Stages x on in/0, a reject on in/1, then a and b on in/1, committing after the steps
  // `commits` lists (1-based; the last is 4), then lets both partitions go idle.
  const auto run = [&](int64_t x_time, int64_t b_time, const std::vector<size_t>& commits) {
    auto store = Open("run" + std::to_string(runs++), options);
    ArticleStore::Batch batch;
    const auto stage = [&](const std::string& partition, const Spec& spec) {
      ASSERT_TRUE(store->Stage(batch, Make(spec), partition).has_value());
    };
    const auto commit_after = [&](size_t step) {
      if (std::find(commits.begin(), commits.end(), step) == commits.end()) return;
      ASSERT_TRUE(store->Commit(batch, {}).ok());
    };
    stage("in/0", {.id = "x", .t = x_time});
    commit_after(1);
    store->StageReject(batch, {"in", 1}, 0, "garbage");
    commit_after(2);
    stage("in/1", {.id = "a", .t = kT0});
    commit_after(3);
    stage("in/1", {.id = "b", .t = b_time});
    commit_after(4);
    Outcome out{ShownRejects(*store), ""};
    EXPECT_TRUE(store->AdvanceWatermark({"in/0", "in/1"}).ok());
    EXPECT_EQ(ShownRejects(*store), 0)
        << "after both went idle, commits after " << ::testing::PrintToString(commits);
    out.digest = Digest(*store);
    return out;
  };
  // in/0 ahead of in/1 by less than the retention: stamped with a's watermark (T0), the reject
  // counts until in/1 (b) and, with both idle, the global watermark have moved on by more.
  const std::vector<std::vector<size_t>> batchings = {{1, 2, 3, 4}, {1, 3, 4}, {2, 4},
                                                      {1, 4},       {3, 4},    {4}};
  std::vector<Outcome> outcomes;
  for (const auto& commits : batchings) {
    outcomes.push_back(run(kT0 + kDay + 12 * kHour, kT0 + 2 * kDay + 12 * kHour, commits));
  }
  for (size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_EQ(outcomes[i].rejects, 1) << ::testing::PrintToString(batchings[i]);
    EXPECT_EQ(outcomes[i].digest, outcomes[0].digest) << ::testing::PrintToString(batchings[i]);
  }
  // in/0 ten days ahead, and b moves in/1 on by more than the retention: gone in either case.
  const Outcome together = run(kT0 + 10 * kDay, kT0 + 3 * kDay, {1, 3, 4});
  const Outcome apart = run(kT0 + 10 * kDay, kT0 + 3 * kDay, {1, 2, 3, 4});
  EXPECT_EQ(together.rejects, 0);
  EXPECT_EQ(apart.rejects, 0);
  EXPECT_EQ(together.digest, apart.digest);
}

// A reject that arrives before the sink has any watermark waits; it must still expire: by its
// partition's own horizon once that partition gets a watermark, and by the global horizon if it
// never does.
TEST_F(SinkStateTest, ARejectBeforeAnyWatermarkExpiresByItsPartitionsOrTheGlobalHorizon) {
  const StoreOptions options = TwoDayRetention();
  auto store = Open("s", options);
  ArticleStore::Batch batch;
  store->StageReject(batch, {"in", 2}, 0, "garbage on a partition with no dated record");
  store->StageReject(batch, {"in", 3}, 0, "garbage before its partition's first record");
  ASSERT_TRUE(store->Commit(batch, {}).ok());
  EXPECT_EQ(ShownRejects(*store), 2);
  Apply(*store, {{.id = "a", .t = kT0 + 3 * kDay}}, 1000, "in/0");
  Apply(*store, {{.id = "b", .t = kT0 + 2 * kDay}}, 1000, "in/3");
  EXPECT_EQ(ShownRejects(*store), 2);
  // in/3 moves on by more than the retention from b, and with both idle so does the global
  // watermark.
  Apply(*store, {{.id = "c", .t = kT0 + 4 * kDay + kHour}}, 1000, "in/3");
  ASSERT_TRUE(store->AdvanceWatermark({"in/0", "in/3"}).ok());
  ExpectRejectsShownThenStored(*store, 1);
  // The global horizon passes a's watermark, which dated the in/2 reject.
  Apply(*store, {{.id = "d", .t = kT0 + 6 * kDay}}, 1000, "in/0");
  ASSERT_TRUE(store->AdvanceWatermark({"in/3"}).ok());
  ExpectRejectsShownThenStored(*store, 0);
}

// State written by an older sink can hold a reject that waits for the first watermark although
// the sink has one: it is dated by that watermark when the state opens, so it expires.
TEST_F(SinkStateTest, AWaitingRejectInStateWithAWatermarkIsDatedWhenTheStateOpens) {
  const StoreOptions options = TwoDayRetention();
  auto store = Open("s", options);
  Apply(*store, {{.id = "a", .t = kT0}}, 1000, "in/0");
  ASSERT_TRUE(store->state()
                  .db()
                  ->Put({}, store->state().family(kRejectsFamily), RejectKey("in", 2, 0),
                        TimedValue(kPendingRejectTime, "garbage"))
                  .ok());
  store.reset();
  store = Open("s", options);
  Apply(*store, {{.id = "b", .t = kT0 + 3 * kDay}}, 1000, "in/0");
  ExpectRejectsShownThenStored(*store, 0);
}

// A partition that stops receiving records keeps its own horizon where it stopped. Its stories
// and rejects are held by it at most a retention behind the global horizon, then compacted; a
// story held no longer starts afresh, compacted or not.
TEST_F(SinkStateTest, AQuietPartitionsStoriesAndRejectsGoOnceTheGlobalHorizonIsARetentionPast) {
  const StoreOptions options = TwoDayRetention();
  std::vector<std::string> digests;
  for (const bool compacted : {false, true}) {
    auto store = Open(compacted ? "compacted" : "not-compacted", options);
    const auto stored = [&](const char* family, const std::string& key) {
      std::string value;
      return store->state().db()->Get({}, store->state().family(family), key, &value).ok();
    };
    Apply(*store, {{.id = "y1", .t = kT0, .story = "y"}}, 1000, "in/1");
    ArticleStore::Batch batch;
    store->StageReject(batch, {"in", 1}, 7, "garbage");
    ASSERT_TRUE(store->Commit(batch, {}).ok());
    for (int day = 1; day <= 5; ++day) {
      Apply(*store, {{.id = "x" + std::to_string(day), .t = kT0 + day * kDay}}, 1000, "in/0");
      ASSERT_TRUE(store->AdvanceWatermark({"in/1"}).ok());
      if (!compacted) continue;
      ASSERT_TRUE(store->state().CompactAll().ok());
      // Global horizon T0 + (day - 2) days: in/1's is held at T0 + (day - 4) days.
      EXPECT_EQ(stored(kStoriesFamily, "y"), day <= 4) << day;
      EXPECT_EQ(stored(kRejectsFamily, RejectKey("in", 1, 7)), day <= 4) << day;
    }
    Apply(*store, {{.id = "y2", .t = kT0 + kHour, .story = "y"}}, 1000, "in/1");
    std::string value;
    ASSERT_TRUE(
        store->state().db()->Get({}, store->state().family(kStoriesFamily), "y", &value).ok());
    const auto story = ParseStoryRecord(value);
    ASSERT_TRUE(story.has_value());
    EXPECT_EQ(story->size, 1u) << compacted << " " << value;
    ASSERT_EQ(story->members.size(), 1u) << compacted << " " << value;
    EXPECT_EQ(story->members[0].id, "y2") << compacted;
    digests.push_back(Digest(*store));
  }
  EXPECT_EQ(digests[0], digests[1]);
}

TEST_F(SinkStateTest, ACheckpointHoldsTheStateAndItsOffsets) {
  auto store = Open("s");
  Apply(*store, SampleDay());
  const auto checkpoint = (base_.path() / "checkpoint").string();
  ASSERT_TRUE(store->state().Checkpoint(checkpoint).ok());
  Apply(*store, {{.id = "after", .t = kT0 + 2 * kDay}});
  auto restored = ArticleStore::Open(checkpoint, false, {.memory_budget_bytes = 16 << 20});
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ((*restored)->StoredOffset({"in", 0}), 1000);
  EXPECT_EQ(Query(**restored, {{"window", "day"}}, "counts")["totals"]["articles"], 4);
  // Fed the rest, the restored state equals the one that never stopped.
  offset_ = 1000;
  Apply(**restored, {{.id = "after", .t = kT0 + 2 * kDay}});
  EXPECT_EQ(Digest(**restored), Digest(*store));
}

TEST_F(SinkStateTest, ADamagedTableFileFailsDigestAndQueriesInsteadOfShrinkingThem) {
  {
    auto store = Open("s");
    std::vector<Spec> specs;
    for (int i = 0; i < 300; ++i) {
      specs.push_back({.id = "d" + std::to_string(i),
                       .t = kT0 + i * kMin,
                       .topics = {"ai"},
                       .title = "Headline number " + std::to_string(i) + " about chips"});
    }
    Apply(*store, specs);
    ASSERT_TRUE(store->state().CompactAll().ok());
  }
  // Overwrite the middle of the largest table file, as a bad disk block would.
  std::filesystem::path largest;
  for (const auto& entry : std::filesystem::directory_iterator(base_.path() / "s")) {
    if (entry.path().extension() == ".sst" &&
        (largest.empty() || entry.file_size() > std::filesystem::file_size(largest))) {
      largest = entry.path();
    }
  }
  ASSERT_FALSE(largest.empty());
  {
    std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(largest) / 3));
    const std::string garbage(512, '\x5A');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto reader =
      ArticleStore::Open((base_.path() / "s").string(), true, {.memory_budget_bytes = 16 << 20});
  if (!reader) {
    EXPECT_EQ(reader.error().code(), StatusCode::kCorruption) << reader.error().ToString();
    return;
  }
  EXPECT_FALSE(DigestState(**reader).has_value());
  bool every_query_answered = true;
  for (const QueryKind kind : kQueryKinds) {
    auto request = ParseQueryRequest(kind, {{"limit", "1000"}});
    ASSERT_TRUE(request.has_value());
    every_query_answered = every_query_answered && RunQuery(**reader, *request).has_value();
  }
  EXPECT_FALSE(every_query_answered);
}

std::vector<Spec> Headlines(int count) {
  std::vector<Spec> specs;
  for (int i = 0; i < count; ++i) {
    specs.push_back({.id = "w" + std::to_string(i),
                     .t = kT0 + i * kMin,
                     .topics = {"ai"},
                     .title = "Headline number " + std::to_string(i) + " about chips"});
  }
  return specs;
}

// Every *.log file (RocksDB's write-ahead logs) of a state directory.
std::vector<std::filesystem::path> LogFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> logs;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") logs.push_back(entry.path());
  }
  return logs;
}

void Overwrite(const std::filesystem::path& file, uintmax_t offset) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekp(static_cast<std::streamoff>(offset));
  const std::string garbage(64, '\x5A');
  stream.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

TEST_F(SinkStateTest, AStoppedSinksStateLivesInTableFilesSoADamagedLogLosesNothing) {
  std::string digest;
  {
    auto store = Open("s");
    Apply(*store, Headlines(300), 10);
    digest = Digest(*store);
  }
  for (const auto& log : LogFiles(base_.path() / "s")) {
    const uintmax_t size = std::filesystem::file_size(log);
    if (size > 128) Overwrite(log, size / 3);
    std::filesystem::resize_file(log, size / 2);
  }
  auto reader =
      ArticleStore::Open((base_.path() / "s").string(), true, {.memory_budget_bytes = 16 << 20});
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  EXPECT_EQ(Digest(**reader), digest);
}

// A copy taken while the sink runs holds its newest batches in the log only, as a crash leaves
// them.
TEST_F(SinkStateTest, ADamagedRecordInsideTheLogIsACorruptionNotAnOlderState) {
  auto store = Open("s");
  Apply(*store, Headlines(300), 10);
  const std::filesystem::path copy = base_.path() / "copy";
  // No flush or compaction may run while the files are copied.
  ASSERT_TRUE(store->state().db()->PauseBackgroundWork().ok());
  std::filesystem::copy(base_.path() / "s", copy);
  ASSERT_TRUE(store->state().db()->ContinueBackgroundWork().ok());
  uintmax_t damaged = 0;
  for (const auto& log : LogFiles(copy)) {
    const uintmax_t size = std::filesystem::file_size(log);
    if (size < 4096) continue;
    Overwrite(log, size / 3);
    ++damaged;
  }
  ASSERT_GT(damaged, 0u);
  auto reader = ArticleStore::Open(copy.string(), true, {.memory_budget_bytes = 16 << 20});
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code(), StatusCode::kCorruption) << reader.error().ToString();
}

TEST_F(SinkStateTest, QueriesRunBesideTheWriter) {
  auto store = Open("s");
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    while (!done) {
      for (const QueryKind kind : kQueryKinds) {
        if (!RunQuery(*store, {.kind = kind}).has_value()) ++failures;
      }
    }
  });
  for (int i = 0; i < 200; ++i) {
    Apply(*store, {{.id = "c" + std::to_string(i),
                    .t = kT0 + i * kMin,
                    .topics = {"ai"},
                    .title = "Chips chips chips"}});
  }
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Query(*store, {{"window", "day"}}, "counts")["totals"]["articles"], 200);
}

}  // namespace
}  // namespace headwire::sinks
