#include "core/terms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/story_status.h"
#include "core/story_terms.h"
#include "core/trending.h"
#include "core/word_forms.h"

namespace headwire::core {
namespace {

using Terms = std::vector<std::string>;

}  // namespace

void PrintTo(const Term& term, std::ostream* out) { *out << term.key << "|" << term.surface; }

namespace {

TEST(Terms, StemmerGivesInflectionsOneStem) {
  EXPECT_EQ(Stem("launches"), Stem("launch"));
  EXPECT_EQ(Stem("launching"), Stem("launched"));
  EXPECT_EQ(Stem("launch"), Stem("launched"));
  EXPECT_EQ(Stem("rates"), Stem("rate"));
  EXPECT_EQ(Stem("companies"), Stem("company"));
  EXPECT_EQ(Stem("planned"), Stem("plan"));
  EXPECT_EQ(Stem("hiring"), Stem("hires"));
  EXPECT_NE(Stem("rocket"), Stem("rock"));
  EXPECT_EQ(Stem("talks"), "talk");
  EXPECT_EQ(Stem("bus"), "bus");      // short words are kept
  EXPECT_EQ(Stem("1990s"), "1990s");  // and numbers
}

// The keys of `terms`, then their surfaces, for compact expectations.
std::vector<std::string> Keys(const std::vector<Term>& terms) {
  std::vector<std::string> keys;
  for (const auto& t : terms) keys.push_back(t.key);
  return keys;
}
std::vector<std::string> Surfaces(const std::vector<Term>& terms) {
  std::vector<std::string> surfaces;
  for (const auto& t : terms) surfaces.push_back(t.surface);
  return surfaces;
}

TEST(Terms, StopWordsNumbersAndOrdinalsAreDropped) {
  EXPECT_TRUE(IsStopWord("the"));
  EXPECT_TRUE(IsStopWord("says"));
  EXPECT_FALSE(IsStopWord("rocket"));
  EXPECT_EQ(Surfaces(ExtractTerms("the rocket says 2026 it is 6.1 up")), (Terms{"rocket"}));
  EXPECT_EQ(Surfaces(ExtractTerms("rocket on its 12th flight revives 1930s 3rd 5G design")),
            (Terms{"design", "flight", "revives", "rocket"}));
}

TEST(Terms, MonthAndDayNamesAreLeftOut) {
  EXPECT_EQ(Surfaces(ExtractTerms("Payrolls beat forecasts in February, data show on Friday")),
            (Terms{"beat", "data", "forecasts", "Payrolls"}));
  EXPECT_EQ(Surfaces(ExtractTerms("storm due Tuesday or tomorrow")), (Terms{"due", "storm"}));
}

TEST(Terms, GenericVerbsAreLeftOutInEveryInflection) {
  EXPECT_EQ(Surfaces(ExtractTerms(
                "adds added adding completes gets got getting reaches rolls took unveiled")),
            Terms{});
  // A generic verb also ends a name: "Amazon Unveils" is not one.
  EXPECT_EQ(Surfaces(ExtractTerms("Amazon Unveils Alexa Plus")), (Terms{"Alexa Plus", "Amazon"}));
  EXPECT_EQ(Surfaces(ExtractTerms("UPDATE 1-SpaceX Starship test")),
            (Terms{"SpaceX", "Starship", "test"}));
}

TEST(Terms, WordsAreGroupedByStemAndKeepTheirWrittenForm) {
  const std::vector<Term> hiring = ExtractTerms("Hiring beats forecasts");
  ASSERT_EQ(hiring.size(), 3u);
  EXPECT_EQ(hiring[2], (Term{"hire", "Hiring"}));
  EXPECT_EQ(ExtractTerms("hires")[0].key, "hire");
  EXPECT_EQ(ExtractTerms("hired")[0].key, "hire");
  EXPECT_EQ(ExtractTerms("Starship’s run wins “MVP”"),
            (std::vector<Term>{
                {"mvp", "MVP"}, {"run", "run"}, {"starship", "Starship"}, {"win", "wins"}}));
}

TEST(Terms, MultiWordNamesAreKeptAsOneTerm) {
  const std::vector<Term> bank = ExtractTerms("European Central Bank raises rates");
  ASSERT_EQ(bank.size(), 3u);
  EXPECT_EQ(bank[0], (Term{"european central bank", "European Central Bank"}));
  EXPECT_EQ(Surfaces(ExtractTerms("Strikes by Elon Musk's rivals")),
            (Terms{"Elon Musk", "rivals", "Strikes"}));
  // A lone capitalised first word is an ordinary word.
  EXPECT_EQ(Keys(ExtractTerms("Rockets launched from Kourou")),
            (Terms{"kourou", "launch", "rocket"}));
}

TEST(Terms, TitleCaseHeadlinesAreNotOneLongName) {
  const Terms terms = Keys(ExtractTerms("Central Bank Raises Interest Rates Again Today"));
  EXPECT_EQ(terms, (Terms{"again", "bank", "central", "interest", "rais", "rate"}));
}

TEST(Terms, MarkupInATitleAddsNoTerm) {
  // A JSON record's title as received: the tag's attributes are words only inside the tag.
  EXPECT_EQ(ExtractTerms("Mayor <img src=x onerror=alert(1)> resigns"),
            ExtractTerms("Mayor resigns"));
  EXPECT_EQ(ExtractTerms("Mayor <b>Jane Doe</b> resigns"), ExtractTerms("Mayor Jane Doe resigns"));
  // References are decoded before the title is split, so the written form is the text's.
  EXPECT_EQ(ExtractTerms("Caf&eacute; owner&nbsp;resigns"), ExtractTerms("Café owner resigns"));
  // A '<' that opens no tag is text.
  EXPECT_EQ(Keys(ExtractTerms("Rates < 5% lift lenders")), (Terms{"lender", "lift", "rate"}));
}

TEST(Terms, EachTermOnceAndSorted) {
  EXPECT_EQ(Surfaces(ExtractTerms("rocket rocket rockets")), (Terms{"rocket"}));
}

TEST(Terms, StoredNamesKeepKeyAndSurface) {
  const Term term{"hire", "hiring"};
  EXPECT_EQ(ParseTermName(TermName(term)), term);
  EXPECT_TRUE(TermName(term).starts_with(TermNamePrefix("hire")));
  EXPECT_FALSE(TermName(term).starts_with(TermNamePrefix("hir")));
  EXPECT_EQ(ParseTermName("rocket"), (Term{"rocket", "rocket"}));
}

TEST(Terms, TallyShowsTheMostCommonForm) {
  TermFormTally tally;
  tally.Add({"hire", "Hiring"}, 3);  // a title's first word
  tally.Add({"hire", "hiring"}, 1);
  tally.Add({"hire", "hires"}, 2);
  tally.Add({"webb", "Webb"}, 2);
  tally.Add({"nasa", "NASA"}, 1);
  tally.Add({"nasa", "Nasa"}, 1);
  const auto totals = tally.Totals();
  ASSERT_EQ(totals.size(), 3u);
  EXPECT_EQ(totals[0].key, "hire");
  EXPECT_EQ(totals[0].surface, "hiring");  // 4 of 6, and written in lower case once
  EXPECT_EQ(totals[0].count, 6u);
  EXPECT_EQ(totals[1].surface, "NASA");  // a tie: the smaller in byte order
  EXPECT_EQ(totals[2].surface, "Webb");
}

TEST(Trending, ScoreFollowsTheDocumentedFormula) {
  TrendingOptions options;
  EXPECT_DOUBLE_EQ(TrendingScore(5, 1.0, options), 3.0);  // (5 + 1) / (1 + 1)
  EXPECT_DOUBLE_EQ(TrendingScore(0, 0.0, options), 1.0);
}

TEST(Trending, RanksTermsHighAgainstTheirOwnBaseline) {
  TrendingOptions options;  // 6 baseline windows, min count 2, min score 1.5
  const auto ranked = RankTrending(
      {
          {"steady", 6, {6, 6, 6, 6, 6, 6}},  // (6+1)/(6+1) = 1: not trending
          {"burst", 4, {}},                   // (4+1)/(0+1) = 5
          {"rising", 6, {3, 3}},              // mean 1: 7/2 = 3.5
          {"once", 1, {}},                    // below min count
      },
      options);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].term, "burst");
  EXPECT_DOUBLE_EQ(ranked[0].score, 5.0);
  EXPECT_EQ(ranked[1].term, "rising");
  EXPECT_DOUBLE_EQ(ranked[1].baseline_mean, 1.0);
}

// The sample stream's titles by event day (days since the epoch); the undated record is left out.
std::map<int64_t, std::vector<std::string>> SampleTitlesByDay() {
  std::ifstream in(std::string(HEADWIRE_SOURCE_DIR) + "/data/sample/headlines.jsonl");
  std::map<int64_t, std::vector<std::string>> days;
  std::string line;
  while (std::getline(in, line)) {
    const auto record = nlohmann::json::parse(line);
    if (!record.contains("published_at")) continue;
    const auto& published = record["published_at"];
    int64_t day = 0;
    if (published.is_number()) {
      day = published.get<int64_t>() / 86'400'000;
    } else {
      const std::string date = published.get<std::string>().substr(0, 10);
      const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(date.substr(0, 4))),
                                            std::chrono::month(std::stoi(date.substr(5, 2))),
                                            std::chrono::day(std::stoi(date.substr(8, 2)))};
      day = std::chrono::sys_days(ymd).time_since_epoch().count();
    }
    days[day].push_back(record["title"].get<std::string>());
  }
  return days;
}

// Expectations below were counted by hand from the titles of 2026-03-06 (s0231-s0290) and the
// days before it.
TEST(Trending, SampleStreamTrendsReadableTerms) {
  const auto days = SampleTitlesByDay();
  ASSERT_EQ(days.size(), 5u);  // 2026-03-02 .. 2026-03-06
  std::map<int64_t, std::map<std::string, TermFormTally::Total>> totals;
  for (const auto& [day, titles] : days) {
    TermFormTally tally;
    for (const auto& title : titles) {
      for (const auto& term : ExtractTerms(title)) tally.Add(term, 1);
    }
    for (auto& total : tally.Totals()) totals[day][total.key] = total;
  }
  const int64_t last = days.rbegin()->first;
  const auto& today = totals[last];
  const auto expect = [&](const std::string& key, const std::string& surface, uint64_t count) {
    ASSERT_TRUE(today.contains(key)) << key;
    EXPECT_EQ(today.at(key).surface, surface);
    EXPECT_EQ(today.at(key).count, count) << key;
  };
  expect("hire", "hiring", 2);    // "Hiring beats ...", "... as hiring holds up"
  expect("extend", "extend", 6);  // 4 x "extend", 2 x "extended"
  expect("truce", "truce", 6);
  expect("starship", "Starship", 4);  // s0277 and s0279 name "SpaceX Starship"
  expect("spacex starship", "SpaceX Starship", 2);
  expect("spacex", "SpaceX", 3);  // s0278, s0282 and "UPDATE 1-SpaceX" (s0280)
  expect("chatgpt", "ChatGPT", 3);
  expect("openai", "OpenAI", 3);
  expect("indian ocean", "Indian Ocean", 3);
  expect("webb", "Webb", 3);
  for (const auto& [key, total] : today) {
    EXPECT_FALSE(total.surface[0] >= '0' && total.surface[0] <= '9') << key;  // "12th", "165,000"
    EXPECT_NE(key, "februari");  // Snowball's stem of "february"
    EXPECT_NE(total.surface, "adds");
    EXPECT_NE(total.surface, "rolls");
  }
  EXPECT_FALSE(today.contains("februari"));

  std::vector<TermWindowCounts> candidates;
  const TrendingOptions options;
  for (const auto& [key, total] : today) {
    TermWindowCounts c{total.surface, total.count, {}};
    for (int b = 1; b <= options.baseline_windows; ++b) {
      const auto day = totals.find(last - b);
      if (day == totals.end()) continue;
      const auto it = day->second.find(key);
      if (it != day->second.end()) c.baseline.push_back(it->second.count);
    }
    candidates.push_back(std::move(c));
  }
  std::map<std::string, double> scores;
  for (const auto& t : RankTrending(candidates, options)) scores[t.term] = t.score;
  EXPECT_DOUBLE_EQ(scores.at("truce"), 7.0 / 1.5);  // once on 03-02, 03-03 and 03-05: mean 0.5
  EXPECT_DOUBLE_EQ(scores.at("extend"), 7.0 / (1.0 + 1.0 / 6));  // "extend" once on 03-02
  EXPECT_DOUBLE_EQ(scores.at("hiring"), 3.0);
  EXPECT_DOUBLE_EQ(scores.at("Webb"), 4.0 / (1.0 + 2.0 / 6));  // twice on 03-05
  // Every trending term is a word or phrase as a reader saw it in that day's titles.
  for (const auto& [term, score] : scores) {
    const bool written =
        std::any_of(days.at(last).begin(), days.at(last).end(), [&](const std::string& title) {
          const size_t at = title.find(term);
          if (at == std::string::npos) return false;
          const size_t end = at + term.size();
          return end == title.size() || !std::isalnum(title[end]);
        });
    EXPECT_TRUE(written) << term;
  }
}

TEST(StoryStatus, GrowingSteadyAndClosed) {
  const StoryStatusOptions options{.window_ms = 100, .close_after_ms = 1000};
  EXPECT_EQ(ClassifyStory({850, 950, 960}, 960, 1000, options), StoryStatus::kGrowing);
  EXPECT_EQ(ClassifyStory({810, 820, 950}, 950, 1000, options), StoryStatus::kSteady);
  EXPECT_EQ(ClassifyStory({10}, 10, 1010, options), StoryStatus::kClosed);
  EXPECT_EQ(ClassifyStory({10}, 10, 1009, options), StoryStatus::kSteady);
  EXPECT_EQ(StoryStatusName(StoryStatus::kClosed), "closed");
}

}  // namespace
}  // namespace headwire::core
