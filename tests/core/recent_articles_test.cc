// The near-dup/story window: verdicts, event-time bounds, bounded memory, determinism, and exact
// restoration from its persisted records.

#include "core/recent_articles.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "tests/common/numbered_id.h"
#include "tests/core/event_times.h"

namespace headwire::core {
namespace {

using headwire::testing::NumberedId;

using testing::kHour;
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

TEST(RecentArticlesTest, AnEventTimeFarAheadDoesNotMoveTheWatermark) {
  RecentArticles recent;
  const auto items = Stream();
  Decide(recent, items[0]);
  const int64_t watermark = recent.watermark();
  // A record dated 2099 in a 2026 stream: far ahead of the stream's own event time.
  recent.Decide("2099", 4'070'908'800'000, ExtractHeadlineFeatures("Library opens on Sundays", ""));
  EXPECT_EQ(recent.watermark(), watermark);
  // The stream's own articles are still in the window.
  EXPECT_EQ(Decide(recent, items[2]).story_id, "a1");
}

TEST(RecentArticlesTest, AnEventTimeWithinTheBoundMovesTheWatermark) {
  RecentArticlesOptions options;
  options.max_ahead_ms = 2 * kDay;
  RecentArticles recent(options);
  const auto items = Stream();
  Decide(recent, items[0]);
  const int64_t t = recent.watermark() + kDay;
  recent.Decide("next-day", t, ExtractHeadlineFeatures("Library opens on Sundays", ""));
  EXPECT_EQ(recent.watermark(), t);
}

TEST(RecentArticlesTest, AnEventTimeFarAheadThatItsIngestionTimeVouchesForMovesTheWatermark) {
  RecentArticles recent;
  const auto items = Stream();
  Decide(recent, items[0]);
  // The window's first article was months old (a feed's pinned post); today's articles, read
  // today, move the window on.
  const int64_t today = recent.watermark() + 60 * kDay;
  recent.Decide("today", today, ExtractHeadlineFeatures("Library opens on Sundays", ""), false,
                today + 60'000);
  EXPECT_EQ(recent.watermark(), today);
}

TEST(RecentArticlesTest, AnEventTimeAfterItsIngestionMovesTheWatermarkOnlyToTheIngestionTime) {
  RecentArticles recent;
  const int64_t read = Stream()[0].time + 60 * kDay;
  recent.Decide("yesterday", read - kDay, ExtractHeadlineFeatures("Bridge reopens to traffic", ""),
                false, read - kDay);
  recent.Decide("mis-zoned", read + 6 * kDay,
                ExtractHeadlineFeatures("Library opens on Sundays", ""), false, read);
  EXPECT_EQ(recent.watermark(), read + kIngestClockSkewMs);
  // The day before is still within the window's retention of the watermark.
  recent.Decide("today", read, ExtractHeadlineFeatures("Council approves new budget", ""), false,
                read);
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

// Background headlines, so that IDF tells a story's words from everyday ones.
std::vector<Item> Background() {
  return {{"b1", "Copper hits three-month high on supply worries", "", 0},
          {"b2", "Local library to open on Sundays from July", "", 0},
          {"b3", "Zoo welcomes twin red panda cubs", "", 0}};
}

// p3 resembles p1 (cosine about 0.40) and, less, p2 (about 0.19), which joined p1's story.
std::vector<Item> SupportStream() {
  auto items = Background();
  items.push_back({"p1", "Rotterdam port strike halts container traffic", "", kHour});
  items.push_back({"p2", "Strike at Rotterdam port halts container ships", "", 2 * kHour});
  items.push_back({"p3", "Dockers walk out in Rotterdam, halting ships", "", 3 * kHour});
  return items;
}

// v3 shares only the name "Volta" and "recall" with the story: a cosine between the name
// threshold (0.20) and the plain one (0.25).
std::vector<Item> NameStream() {
  auto items = Background();
  items.push_back({"v1", "Volta Motors recalls 310,000 cars over brake software fault",
                   "The electric carmaker said a software error could delay the braking "
                   "response in some models.",
                   kHour});
  items.push_back(
      {"v2", "Volta to fix braking glitch in more than 300,000 vehicles", "", 2 * kHour});
  items.push_back({"v3", "Investors shrug off Volta recall", "", 3 * kHour});
  return items;
}

std::map<std::string, std::string> StoriesOf(const std::vector<Item>& items,
                                             const RecentArticlesOptions& options) {
  RecentArticles recent(options);
  std::map<std::string, std::string> stories;
  for (const auto& item : items) stories[item.id] = Decide(recent, item).story_id;
  return stories;
}

TEST(RecentArticlesTest, OtherMembersSupportTheClosestOne) {
  RecentArticlesOptions options;
  options.story_threshold = options.story_name_threshold = 0.42;
  options.story_support_weight = 0;
  auto stories = StoriesOf(SupportStream(), options);
  EXPECT_EQ(stories["p2"], "p1");
  EXPECT_EQ(stories["p3"], "p3");  // the closest member alone is not enough
  options.story_support_weight = 0.35;
  stories = StoriesOf(SupportStream(), options);
  EXPECT_EQ(stories["p2"], "p1");
  EXPECT_EQ(stories["p3"], "p1");  // p2 adds its support
}

// Forty headlines of other news, so that a story's own words are rare enough to find it.
std::vector<Item> ManyOtherHeadlines() {
  const char* titles[] = {"Copper climbs on supply worries",
                          "Local library to open on Sundays from July",
                          "Zoo welcomes twin red panda cubs",
                          "Parliament debates new housing bill",
                          "Storm Ciara grounds flights in Britain",
                          "Tech giant unveils folding phone",
                          "Central bank holds interest rates",
                          "Football club sacks manager after defeat",
                          "Wildfire forces evacuations in California",
                          "Oil tanker runs aground off Malta",
                          "Museum returns looted bronzes to Nigeria",
                          "Airline orders 50 new jets",
                          "Teachers vote to strike over pay",
                          "Scientists map deep ocean trench",
                          "Pop star announces world tour",
                          "Farmers protest fuel tax in Paris",
                          "Hospital waiting lists hit record",
                          "Chess prodigy wins national title",
                          "Bridge closed after crack found",
                          "Rail fares to rise in January",
                          "Vaccine trial shows promising results",
                          "City council approves cycle lanes",
                          "Carmaker recalls electric vans",
                          "Drought threatens olive harvest in Spain",
                          "Astronomers spot distant comet",
                          "Union leaders meet ministers over pensions",
                          "Retailer opens flagship store in Milan",
                          "Court blocks merger of two grocers",
                          "Volcano eruption disrupts Bali flights",
                          "Software bug delays tax refunds",
                          "Ferry service cancelled amid high winds",
                          "Author wins prize for debut novel",
                          "Police seize smuggled ivory at port",
                          "Startup raises funds for battery plant",
                          "Heatwave warning issued for Greece",
                          "Orchestra cancels tour over visa row",
                          "Border talks resume between neighbours",
                          "Mining firm posts record profit",
                          "Satellite images show shrinking glacier",
                          "Festival organisers cut ticket prices"};
  std::vector<Item> items;
  for (const char* title : titles) items.push_back({NumberedId("o", items.size()), title, "", 0});
  return items;
}

// A story of eight members about one chain's sales, the last of which blames the snow; then a
// headline about snow alone, which resembles that one member and no other.
std::vector<Item> LargeStoryStream() {
  auto items = ManyOtherHeadlines();
  const char* titles[] = {"Burger chain sales fall as diners cut back",
                          "Burger chain sales slip again in February",
                          "Burger chain reports drop in global sales",
                          "Weak sales at burger chain disappoint investors",
                          "Burger chain same-store sales fall",
                          "Burger chain sales decline in February",
                          "Investors sour on burger chain after sales drop",
                          "Burger chain blames snow for sales slump"};
  int64_t time = kHour;
  for (size_t i = 0; i < std::size(titles); ++i) {
    items.push_back({NumberedId("m", i), titles[i], "", time});
    time += kHour / 6;
  }
  items.push_back({"snow", "Snow shuts schools", "", time});
  return items;
}

TEST(RecentArticlesTest, ALargeStoryDoesNotAbsorbANeighbourThroughOneMember) {
  RecentArticlesOptions options;
  options.story_agreement = 0;
  auto stories = StoriesOf(LargeStoryStream(), options);
  for (int i = 1; i < 8; ++i) EXPECT_EQ(stories[NumberedId("m", i)], "m0");
  EXPECT_EQ(stories["snow"], "m0");  // the one member that mentions snow was enough
  options.story_agreement = 0.3;     // the default: 0.3 of the story's 8 members, 2.4
  stories = StoriesOf(LargeStoryStream(), options);
  for (int i = 1; i < 8; ++i) EXPECT_EQ(stories[NumberedId("m", i)], "m0");
  EXPECT_EQ(stories["snow"], "snow");
}

// Two headlines that share only everyday words ("big", "start", "week"), then a report of the
// first one's event.
std::vector<Item> EverydayWordsStream() {
  return {{"gas", "Ohio gas prices steady at start of big week", "", 0},
          {"show", "Reality show gets off to big start this week", "", kHour},
          {"gas2", "Ohio gas prices hold steady as week begins", "", 2 * kHour}};
}

// Headlines in which "big", "start" and "week" are everyday words.
constexpr std::string_view kEverydayBackground =
    "# big, start and week in 8 of 20 headlines\n"
    "Markets start the week higher\nBig festival starts next week\nSchools start term this week\n"
    "Trial to start next week\nBig changes to ferry timetable start this week\n"
    "Big week ahead for parliament\nRoadworks start on ring road\nBig match to watch this week\n"
    "Copper climbs on supply worries\nZoo welcomes twin red panda cubs\n"
    "Storm grounds flights in Britain\nCarmaker recalls electric vans\n"
    "Museum returns looted bronzes\nAirline orders new jets\nHeatwave warning for Greece\n"
    "Chess prodigy wins national title\nBridge closed after crack found\n"
    "Volcano eruption disrupts flights\nAuthor wins prize for debut novel\n"
    "Police seize smuggled ivory at port\n";

TEST(RecentArticlesTest, EverydayWordsOfTheBackgroundDoNotJoinHeadlinesOfAYoungWindow) {
  RecentArticlesOptions options;
  auto stories = StoriesOf(EverydayWordsStream(), options);
  EXPECT_EQ(stories["show"], "gas");  // in a window of one article, every word looks rare
  options.background = std::make_shared<const BackgroundFrequencies>(
      BackgroundFrequencies::FromHeadlines(kEverydayBackground));
  stories = StoriesOf(EverydayWordsStream(), options);
  EXPECT_EQ(stories["show"], "show");
  EXPECT_EQ(stories["gas2"], "gas");  // the event's own words still join
  options.background_weight = 0;
  stories = StoriesOf(EverydayWordsStream(), options);
  EXPECT_EQ(stories["show"], "gas");
}

// Unrelated articles of one outlet, each over the paywall notice its feed prints as the body.
std::vector<Item> PaywallStream() {
  const std::string paywall =
      "Subscribe to continue reading. Already a subscriber? Sign in to read the full story and "
      "the rest of our coverage, with unlimited access on any device.";
  return {
      {"w0", "Fed holds interest rates steady as inflation cools", paywall, 0},
      {"w1", "Storm floods coastal towns in northern Spain", paywall, kHour},
      {"w2", "Chipmaker posts record quarterly profit on server demand", paywall, 2 * kHour},
      {"w3", "Local team wins regional football cup after penalties", paywall, 3 * kHour},
      {"w4", "Parliament passes new budget after long night debate", paywall, 4 * kHour},
      {"w5", "Museum reopens after renovation with modern art wing", paywall, 5 * kHour},
  };
}

// The shipped background, as the CLI has by default: against thousands of headlines the
// paywall's words stay rare however often the outlet prints them.
RecentArticlesOptions WithShippedBackground() {
  auto background =
      BackgroundFrequencies::FromFile(HEADWIRE_SOURCE_DIR "/data/background/headlines.txt");
  EXPECT_TRUE(background.has_value()) << background.error().ToString();
  RecentArticlesOptions options;
  if (background.has_value()) {
    options.background = std::make_shared<const BackgroundFrequencies>(std::move(*background));
  }
  return options;
}

TEST(RecentArticlesTest, ABoilerplateLedeJoinsNoStories) {
  const auto stories = StoriesOf(PaywallStream(), WithShippedBackground());
  for (const auto& [id, story] : stories) EXPECT_EQ(story, id);
}

TEST(RecentArticlesTest, APaywalledFollowUpStillJoinsItsStoryByItsTitle) {
  std::vector<Item> items = PaywallStream();
  items.push_back(
      {"f1", "Fed holds rates steady again as inflation keeps cooling", items[0].body, 6 * kHour});
  EXPECT_EQ(StoriesOf(items, WithShippedBackground())["f1"], "w0");
}

TEST(RecentArticlesTest, ASharedNameLowersTheThreshold) {
  RecentArticlesOptions options;
  auto stories = StoriesOf(NameStream(), options);
  EXPECT_EQ(stories["v2"], "v1");
  EXPECT_EQ(stories["v3"], "v1");
  options.story_name_threshold = options.story_threshold;
  stories = StoriesOf(NameStream(), options);
  EXPECT_EQ(stories["v2"], "v1");
  EXPECT_EQ(stories["v3"], "v3");  // without the name, the plain threshold holds
}

TEST(RecentArticlesTest, RateDecisionsOfTwoCentralBanksStayApart) {
  RecentArticles recent;
  EXPECT_EQ(
      Decide(recent, {"f1", "Fed cuts rates by a quarter point, signals more easing ahead", "", 0})
          .story_id,
      "f1");
  EXPECT_EQ(
      Decide(recent, {"f2", "Federal Reserve lowers benchmark rate 25 basis points", "", kHour})
          .story_id,
      "f1");
  // Another jurisdiction (the ECB's is the EU) vetoes the join, however alike the words.
  EXPECT_EQ(
      Decide(recent, {"e1", "ECB cuts rates by a quarter point as inflation cools", "", 2 * kHour})
          .story_id,
      "e1");
}

void ExpectRestoredWindowContinuesExactly(const std::vector<Item>& items,
                                          RecentArticlesOptions options = {}) {
  options.retention_ms = 2 * kDay;
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
    EXPECT_EQ(after.memory_bytes(), before.memory_bytes());
    for (size_t i = cut; i < items.size(); ++i) actual.push_back(Decide(after, items[i]));
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(actual[i].story_id, expected[i].story_id) << "cut " << cut << " item " << i;
      EXPECT_EQ(actual[i].duplicate_of, expected[i].duplicate_of) << "cut " << cut;
      EXPECT_EQ(actual[i].story_score, expected[i].story_score) << "cut " << cut;
    }
  }
}

TEST(RecentArticlesTest, RestoredWindowContinuesExactlyLikeAnUninterruptedOne) {
  ExpectRestoredWindowContinuesExactly(Stream());
  // Verdicts that support and shared names decide survive a restart too (names are only ever
  // read from the incoming article, so the window need not keep them).
  ExpectRestoredWindowContinuesExactly(SupportStream());
  ExpectRestoredWindowContinuesExactly(NameStream());
  // Whether a body is about its title decides body matches after a restart as before it.
  const std::string boilerplate = "Subscribe to read the full article.";
  ExpectRestoredWindowContinuesExactly({
      {"p1", "Fed holds interest rates steady in March", boilerplate, 0},
      {"p2", "NASA delays Artemis II crew launch to April", boilerplate, kHour},
      {"p3", "Apple unveils new iPhone with satellite messaging", boilerplate, 2 * kHour},
  });
  // Articles that lost their boilerplate lede's terms are restored without them.
  ExpectRestoredWindowContinuesExactly(PaywallStream());
}

// b1, a near duplicate, moves the watermark 20 hours on; from there c1 is not far ahead (from a1
// it would be), so it moves the watermark too and a1 leaves the window before d1 arrives.
std::vector<Item> WatermarkMovedByANearDuplicate() {
  return {
      {"a1", "SpaceX Starship rocket explodes minutes after launch from Boca Chica Texas", "", 0},
      {"b1", "SpaceX Starship rocket explodes minutes after its launch, from Boca Chica Texas", "",
       20 * kHour},
      {"c1", "Dutch court orders retrial in decade-old art theft case", "", 7 * kDay + 19 * kHour},
      {"d1", "SpaceX Starship rocket explodes minutes after launch from Boca Chica in Texas", "",
       2 * kHour},
  };
}

TEST(RecentArticlesTest, AWatermarkMovedByANearDuplicateSurvivesARestart) {
  RecentArticlesOptions options;
  options.retention_ms = 2 * kDay;
  RecentArticles recent(options);
  std::vector<RecentVerdict> verdicts;
  for (const Item& item : WatermarkMovedByANearDuplicate())
    verdicts.push_back(Decide(recent, item));
  ASSERT_EQ(verdicts[1].duplicate_of, "a1");
  EXPECT_EQ(verdicts[3].duplicate_of, "");  // a1 is gone
  ExpectRestoredWindowContinuesExactly(WatermarkMovedByANearDuplicate());
}

// Hourly headlines of a few recurring subjects, so that the window has stories of several
// members, shared terms and lone articles.
std::vector<Item> HourlyHeadlines(int count) {
  std::vector<Item> items;
  for (int i = 0; i < count; ++i) {
    items.push_back({"id" + std::to_string(i),
                     "Headline number " + std::to_string(i) + " about topic " +
                         std::to_string(i % 7) + " in region " + std::to_string(i % 3),
                     "", i * kHour});
  }
  return items;
}

TEST(RecentArticlesTest, MemoryBytesCountsExactlyWhatTheWindowStillHolds) {
  RecentArticlesOptions options;
  options.retention_ms = kDay;
  RecentArticles recent(options);
  size_t previous = recent.memory_bytes();
  EXPECT_EQ(previous, 0u);
  for (const Item& item : HourlyHeadlines(20)) {
    Decide(recent, item);
    EXPECT_GT(recent.memory_bytes(), previous) << item.id;  // nothing left the window yet
    previous = recent.memory_bytes();
  }
  // Five days on, every earlier article leaves: what is counted is the last one's alone.
  const Item last{"late", "Ferry service resumes after winter storms", "", 5 * kDay};
  Decide(recent, last);
  ASSERT_EQ(recent.size(), 1u);
  RecentArticles alone(options);
  Decide(alone, last);
  EXPECT_EQ(recent.memory_bytes(), alone.memory_bytes());
}

TEST(RecentArticlesTest, AWindowBudgetEvictsTheOldestUntilTheWindowFitsIt) {
  const std::vector<Item> items = HourlyHeadlines(200);
  RecentArticles unbounded;
  for (size_t i = 0; i < 10; ++i) Decide(unbounded, items[i]);
  RecentArticlesOptions options;
  options.max_window_bytes = unbounded.memory_bytes();  // about ten articles' worth
  RecentArticles recent(options);
  for (const Item& item : items) {
    Decide(recent, item);
    EXPECT_LE(recent.memory_bytes(), options.max_window_bytes) << item.id;
    EXPECT_GE(recent.size(), 1u);
  }
  EXPECT_LT(recent.size(), 20u);
  // The newest stayed: a copy of the last article is its near duplicate, a copy of the first
  // finds nothing.
  Item copy_of_last = items.back(), copy_of_first = items.front();
  copy_of_last.id = "copy-last";
  copy_of_first.id = "copy-first";
  copy_of_last.time = copy_of_first.time = items.back().time;
  EXPECT_EQ(Decide(recent, copy_of_last).duplicate_of, items.back().id);
  EXPECT_EQ(Decide(recent, copy_of_first).duplicate_of, "");
}

TEST(RecentArticlesTest, AWindowUnderABudgetIsRestoredExactly) {
  RecentArticles ten_articles;
  const std::vector<Item> items = HourlyHeadlines(40);
  for (size_t i = 0; i < 10; ++i) Decide(ten_articles, items[i]);
  RecentArticlesOptions options;
  options.max_window_bytes = ten_articles.memory_bytes();
  ExpectRestoredWindowContinuesExactly(items, options);
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
