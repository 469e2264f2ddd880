#include "core/terms.h"

#include <gtest/gtest.h>

#include "core/story_status.h"
#include "core/story_terms.h"
#include "core/trending.h"
#include "core/word_forms.h"

namespace headwire::core {
namespace {

using Terms = std::vector<std::string>;

TEST(Terms, StemmerStripsCommonSuffixes) {
  EXPECT_EQ(Stem("launches"), "launch");
  EXPECT_EQ(Stem("rates"), "rate");
  EXPECT_EQ(Stem("companies"), "company");
  EXPECT_EQ(Stem("planned"), "plan");
  EXPECT_EQ(Stem("launching"), "launch");
  EXPECT_EQ(Stem("stress"), "stress");
  EXPECT_EQ(Stem("status"), "status");
  EXPECT_EQ(Stem("crisis"), "crisis");
  EXPECT_EQ(Stem("talks"), "talk");
  EXPECT_EQ(Stem("rocket"), "rocket");
  EXPECT_EQ(Stem("bus"), "bus");  // short words are kept
  EXPECT_EQ(Stem("sing"), "sing");
}

TEST(Terms, StopWordsAndNumbersAreDropped) {
  EXPECT_TRUE(IsStopWord("the"));
  EXPECT_TRUE(IsStopWord("says"));
  EXPECT_FALSE(IsStopWord("rocket"));
  EXPECT_EQ(ExtractTerms("the rocket says 2026 it is 6.1 up"), (Terms{"rocket"}));
}

TEST(Terms, MultiWordNamesAreKeptAsOneTerm) {
  EXPECT_EQ(ExtractTerms("European Central Bank raises rates"),
            (Terms{"european central bank", "raise", "rate"}));
  EXPECT_EQ(ExtractTerms("Strikes by Elon Musk's rivals"), (Terms{"elon musk", "rival", "strike"}));
  // A lone capitalised first word is an ordinary word.
  EXPECT_EQ(ExtractTerms("Rockets launched from Kourou"), (Terms{"kourou", "launch", "rocket"}));
}

TEST(Terms, TitleCaseHeadlinesAreNotOneLongName) {
  const Terms terms = ExtractTerms("Central Bank Raises Interest Rates Again Today");
  EXPECT_EQ(terms, (Terms{"again", "bank", "central", "interest", "raise", "rate", "today"}));
}

TEST(Terms, EachTermOnceAndSorted) {
  EXPECT_EQ(ExtractTerms("rocket rocket rockets"), (Terms{"rocket"}));
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
