// Story scoring and the story vocabulary added with it: member support, shared names, two-word
// concepts, institutions' countries. Expected values are worked out by hand from the rules.

#include "core/story_scoring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/headline_features.h"
#include "core/near_duplicate.h"
#include "core/story_terms.h"

namespace headwire::core {
namespace {

bool HasTerm(const HeadlineFeatures& f, std::string_view concept_) {
  const uint64_t hash = TokenHash(concept_);
  return std::any_of(f.terms.begin(), f.terms.end(),
                     [&](const StoryTerm& term) { return term.hash == hash; });
}

bool HasCountry(const HeadlineFeatures& f, std::string_view country) {
  return std::binary_search(f.countries.begin(), f.countries.end(), TokenHash(country));
}

TEST(StoryScoringTest, ClosestMemberPlusDecayingSupport) {
  MemberScores none;
  EXPECT_EQ(none.Combined(0.5), 0.0);

  MemberScores scores;
  scores.Add(0.10);
  scores.Add(0.30);
  scores.Add(0.05);
  scores.Add(0.20);  // the three best are 0.30, 0.20, 0.10
  EXPECT_DOUBLE_EQ(scores.best(), 0.30);
  EXPECT_DOUBLE_EQ(scores.Combined(0.0), 0.30);
  EXPECT_DOUBLE_EQ(scores.Combined(0.5), 0.30 + 0.5 * 0.20 + 0.25 * 0.10);

  MemberScores one;
  one.Add(0.4);
  EXPECT_DOUBLE_EQ(one.Combined(0.35), 0.4);  // a story of one member scores its cosine
}

TEST(StoryScoringTest, AStoryScoresLessWhenFewOfItsMembersResembleTheArticle) {
  MemberScores scores;
  scores.Add(0.40);
  EXPECT_EQ(scores.count(), 1u);
  EXPECT_DOUBLE_EQ(scores.Combined(0.35, 0.3, 3), 0.40);  // 0.9 members needed, 1 resembles
  EXPECT_DOUBLE_EQ(scores.Combined(0.35, 0.3, 10), 0.40 * std::sqrt(1.0 / 3.0));
  EXPECT_DOUBLE_EQ(scores.Combined(0.35, 0.0, 10), 0.40);  // share 0: the factor is off
  scores.Add(0.20);
  scores.Add(0.10);
  // Three of ten resemble it: the full score.
  EXPECT_DOUBLE_EQ(scores.Combined(0.5, 0.3, 10), 0.40 + 0.5 * 0.20 + 0.25 * 0.10);
}

TEST(StoryScoringTest, AStoryScoresNoMoreThanAnySetOfMembersThatHoldsItsOwn) {
  // RecentArticles reads a story's members only when the scores of every member with its story
  // tag (its own and, rarely, another story's) combine to a threshold without the share factor:
  // that bound must hold for every rounded score, equal scores included.
  std::mt19937_64 rng(18);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 100'000; ++i) {
    const double weight = i % 10 == 0 ? 1.0 : unit(rng);
    MemberScores story;
    MemberScores group;
    const int members = 1 + i % 5;
    for (int k = 0; k < members; ++k) {
      const double score = i % 7 == 0 ? 0.17 : unit(rng);
      story.Add(score);
      group.Add(score);
    }
    for (int k = 0; k < i % 3; ++k) group.Add(unit(rng));
    const uint64_t story_members = members + i % 20;
    EXPECT_LE(story.Combined(weight, 0.3, story_members), group.Combined(weight));
    EXPECT_LE(story.Combined(weight), group.Combined(weight));
  }
}

TEST(StoryScoringTest, NamesOfASentenceCaseTitleAreEvidence) {
  const auto article =
      ExtractHeadlineFeatures("Regulator says brake flaw in Volta cars is minor", "");
  const auto member = ExtractHeadlineFeatures("Electric carmaker recalls 310,000 cars",
                                              "Volta said a software error could delay braking.");
  const auto other = ExtractHeadlineFeatures("Electric carmaker recalls 310,000 cars",
                                             "The company said a software error delays braking.");
  EXPECT_TRUE(SharesName(article, member));   // "Volta" is in the member's lede
  EXPECT_FALSE(SharesName(article, other));   // "cars" is shared, but is not a name
  EXPECT_FALSE(SharesName(member, article));  // the member's title names nobody but its first word

  // Capitals of a Title Case title say nothing, and countries are not names here.
  const auto title_case =
      ExtractHeadlineFeatures("Regulator Says Brake Flaw In Volta Cars Is Minor", "");
  EXPECT_TRUE(title_case.title_names.empty());
  EXPECT_FALSE(SharesName(title_case, member));
  const auto country = ExtractHeadlineFeatures("floods hit Peru", "");
  EXPECT_TRUE(country.title_names.empty());
}

TEST(StoryScoringTest, TwoWordConcepts) {
  EXPECT_EQ(StoryPhrase("federal", "reserve"), "fed");
  EXPECT_EQ(StoryPhrase("central", "bank"), "centralbank");
  EXPECT_EQ(StoryPhrase("bank", "japan"), "boj");  // "of" is a stop word
  EXPECT_EQ(StoryPhrase("chief", "executive"), "ceo");
  EXPECT_EQ(StoryPhrase("quarter", "point"), "25bp");
  EXPECT_EQ(StoryPhrase("25", "basis"), "25bp");
  EXPECT_EQ(StoryPhrase("50", "bps"), "50bp");
  EXPECT_EQ(StoryPhrase("half", "point"), "50bp");
  EXPECT_EQ(StoryPhrase("big", "bank"), std::nullopt);
  EXPECT_EQ(StoryPhrase("rates", "basis"), std::nullopt);

  EXPECT_EQ(JurisdictionOf("fed"), "us");
  EXPECT_EQ(JurisdictionOf("ecb"), "eu");
  EXPECT_EQ(JurisdictionOf("boj"), "japan");
  EXPECT_EQ(JurisdictionOf("bank"), std::nullopt);
}

TEST(StoryScoringTest, NewsroomSynonymsAndPlaces) {
  EXPECT_EQ(StoryConcept("tremor"), StoryConcept("earthquake"));
  EXPECT_EQ(StoryConcept("hikes"), StoryConcept("raises"));
  EXPECT_EQ(StoryConcept("lifts"), StoryConcept("raise"));
  EXPECT_EQ(StoryConcept("trims"), StoryConcept("cuts"));
  EXPECT_EQ(StoryConcept("lowers"), StoryConcept("cut"));
  EXPECT_EQ(StoryConcept("vehicles"), StoryConcept("cars"));
  EXPECT_EQ(StoryConcept("detained"), StoryConcept("seizes"));
  EXPECT_EQ(StoryConcept("blaze"), StoryConcept("wildfire"));
  EXPECT_NE(StoryConcept("raise"), StoryConcept("rise"));  // a decision is not a market move
  EXPECT_EQ(CountryOf("ohio"), "us");
  EXPECT_EQ(CountryOf("baku"), "azerbaijan");
  EXPECT_EQ(CountryOf("european"), CountryOf("brussels"));  // one bloc, not two
}

TEST(StoryScoringTest, RateDecisionsInOtherWordsShareConceptsAndCountry) {
  const auto a =
      ExtractHeadlineFeatures("Federal Reserve lowers benchmark rate 25 basis points", "");
  const auto b = ExtractHeadlineFeatures("Fed cuts rates by a quarter point", "");
  for (const auto* f : {&a, &b}) {
    EXPECT_TRUE(HasTerm(*f, "fed"));
    EXPECT_TRUE(HasTerm(*f, "25bp"));
    EXPECT_TRUE(HasTerm(*f, StoryConcept("cut")));
    EXPECT_TRUE(HasCountry(*f, "us"));
  }
  // The same decision by another central bank names another jurisdiction: a veto.
  const auto ecb = ExtractHeadlineFeatures("ECB cuts rates by a quarter point", "");
  EXPECT_TRUE(HasCountry(ecb, "eu"));
  EXPECT_TRUE(CountriesDisagree(b, ecb));
  const auto boj = ExtractHeadlineFeatures("Bank of Japan keeps rates steady", "");
  EXPECT_TRUE(HasTerm(boj, "boj"));
  EXPECT_TRUE(HasCountry(boj, "japan"));
}

}  // namespace
}  // namespace headwire::core
