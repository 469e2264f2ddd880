// Feature extraction: decorations, canonical words, story concepts.

#include "core/headline_features.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/fingerprint.h"
#include "core/story_terms.h"
#include "core/word_forms.h"

namespace headwire::core {
namespace {

TEST(HeadlineFeaturesTest, StripsWireDecorations) {
  bool truncated = false;
  EXPECT_EQ(StripTitleDecorations("UPDATE 1-EXCLUSIVE-Fed holds rates", truncated),
            "Fed holds rates");
  EXPECT_FALSE(truncated);
  EXPECT_EQ(StripTitleDecorations("Fed holds rates steady - Capitol Post", truncated),
            "Fed holds rates steady");
  EXPECT_EQ(StripTitleDecorations("Fed holds rates steady as inflation...", truncated),
            "Fed holds rates steady as inflation");
  EXPECT_TRUE(truncated);
  // A lower-case tail after a dash is part of the headline, not an outlet.
  EXPECT_EQ(StripTitleDecorations("Oil rises - and keeps rising", truncated),
            "Oil rises - and keeps rising");
}

TEST(HeadlineFeaturesTest, MarkupInATitleChangesNoFeature) {
  bool truncated = false;
  EXPECT_EQ(StripTitleDecorations("<b>BREAKING:</b> Mayor <img src=x onerror=alert(1)> resigns",
                                  truncated),
            "Mayor resigns");
  const HeadlineFeatures marked =
      ExtractHeadlineFeatures("Mayor <em>Jane Doe</em> resigns <img src=x>", "", {});
  const HeadlineFeatures plain = ExtractHeadlineFeatures("Mayor Jane Doe resigns", "", {});
  EXPECT_EQ(marked.title_tokens, plain.title_tokens);
  EXPECT_EQ(marked.title_slots, plain.title_slots);
  EXPECT_EQ(marked.title_names, plain.title_names);
  EXPECT_EQ(marked.terms, plain.terms);
  EXPECT_EQ(ContentHash("Mayor <em>Jane Doe</em> resigns <img src=x>", ""),
            ContentHash("Mayor Jane Doe resigns", ""));
}

TEST(HeadlineFeaturesTest, CanonicalWordFormsAreShared) {
  std::string scratch;
  EXPECT_EQ(CanonicalWordForm("centre", scratch), "center");
  EXPECT_EQ(CanonicalWordForm("finalises", scratch), "finalizes");
  EXPECT_EQ(CanonicalWordForm("colour", scratch), "color");
  EXPECT_EQ(CanonicalWordForm("programme", scratch), "program");
  EXPECT_EQ(CanonicalWordForm("bln", scratch), "billion");
  EXPECT_EQ(CanonicalWordForm("three", scratch), "3");
  EXPECT_EQ(CanonicalWordForm("hour", scratch), "hour");
  EXPECT_EQ(CanonicalWordForm("rise", scratch), "rise");
  EXPECT_TRUE(IsStopWord("the"));
  EXPECT_FALSE(IsStopWord("us"));  // the United States after normalisation
}

TEST(HeadlineFeaturesTest, TheLastOutletSeparatorDecides) {
  bool truncated = false;
  EXPECT_EQ(StripTitleDecorations("Shares rise - analysts cheer | Orbital Wire", truncated),
            "Shares rise - analysts cheer");
  EXPECT_EQ(StripTitleDecorations("Fed holds rates steady \u2014 Capitol Post", truncated),
            "Fed holds rates steady");
  // Only the last separator is tried: a lower-case tail after it keeps the whole title.
  EXPECT_EQ(StripTitleDecorations("Fed holds rates - Capitol Post | and more", truncated),
            "Fed holds rates - Capitol Post | and more");
}

TEST(HeadlineFeaturesTest, ScratchVariantsGiveTheSameConcepts) {
  std::string scratch = "a long previous content";
  StemInto("launches", scratch);
  EXPECT_EQ(scratch, "launch");
  StemInto("bus", scratch);
  EXPECT_EQ(scratch, "bus");
  EXPECT_EQ(StoryConcept("kyiv", CountryOf("kyiv"), scratch), "ukrain");
  EXPECT_EQ(StoryConcept("quake", CountryOf("quake"), scratch), "earthquak");
  EXPECT_EQ(StoryConcept("shares", CountryOf("shares"), scratch), "stock");
  EXPECT_EQ(StoryConcept("launches", CountryOf("launches"), scratch), "launch");
  EXPECT_EQ(StoryConcept("kyiv"), "ukrain");
  EXPECT_EQ(StoryConcept("shared"), "shar");
}

TEST(HeadlineFeaturesTest, StoryConceptsJoinInflectionsAndAliases) {
  EXPECT_EQ(StoryConcept("launches"), StoryConcept("launched"));
  EXPECT_EQ(StoryConcept("launch"), StoryConcept("launching"));
  EXPECT_EQ(StoryConcept("companies"), StoryConcept("company"));
  EXPECT_EQ(StoryConcept("ukrainian"), StoryConcept("kyiv"));
  EXPECT_EQ(StoryConcept("quake"), StoryConcept("earthquake"));
  EXPECT_NE(StoryConcept("sell"), StoryConcept("sel"));
  EXPECT_EQ(CountryOf("tokyo"), "japan");
  EXPECT_EQ(CountryOf("rocket"), std::nullopt);
}

TEST(HeadlineFeaturesTest, NumbersNamesAndBody) {
  const auto f = ExtractHeadlineFeatures(
      "Drone strike kills 12 in eastern Ukraine",
      "A drone hit a bus depot in a frontline town on Tuesday, killing 12 people.");
  ASSERT_EQ(f.title_tokens.size(), f.title_slots.size());
  EXPECT_EQ(f.title_numbers.size(), 1u);
  EXPECT_TRUE(f.has_body);
  EXPECT_NE(f.body_simhash, 0u);
  EXPECT_EQ(f.body_numbers, f.title_numbers);
  EXPECT_FALSE(f.countries.empty());
  // "strike" and "eastern" are lower-case words of a sentence-case title: not slots.
  size_t slots = 0;
  for (bool slot : f.title_slots) slots += slot;
  EXPECT_EQ(slots, 3u);  // Drone (first word), 12, Ukraine
  const auto g = ExtractHeadlineFeatures("Title only", "");
  EXPECT_FALSE(g.has_body);
  EXPECT_EQ(g.body_simhash, 0u);
}

TEST(HeadlineFeaturesTest, ABodyIsAboutItsTitleWhenTheLedeSharesAStoryTermWithIt) {
  EXPECT_TRUE(ExtractHeadlineFeatures("NASA delays Artemis II crew launch to April",
                                      "The agency moved the crewed flight around the Moon after "
                                      "tests of the heat shield.")
                  .body_about_title);
  EXPECT_FALSE(ExtractHeadlineFeatures("Fed holds interest rates steady in March", "Read more.")
                   .body_about_title);
  EXPECT_FALSE(
      ExtractHeadlineFeatures("Fed holds interest rates steady in March", "").body_about_title);
}

TEST(HeadlineFeaturesTest, ATitleCaseTitleHasOnlyItsNumbersAsSlots) {
  const auto f = ExtractHeadlineFeatures("Titanfall To Launch At 792p On Xbox One", "");
  const auto numbers = std::count(f.title_slots.begin(), f.title_slots.end(), true);
  EXPECT_EQ(numbers, 2);  // 792p and "one"
  EXPECT_EQ(static_cast<size_t>(numbers), f.title_numbers.size());
  EXPECT_TRUE(f.title_names.empty());
}

TEST(HeadlineFeaturesTest, TermsAreSortedUniqueWithTitleWeight) {
  const auto f = ExtractHeadlineFeatures("Rocket launch delayed", "The rocket launch was delayed.");
  for (size_t i = 1; i < f.terms.size(); ++i) EXPECT_LT(f.terms[i - 1].hash, f.terms[i].hash);
  for (const auto& term : f.terms) {
    EXPECT_EQ(term.weight, HeadlineFeatureOptions{}.title_weight);
    EXPECT_FALSE(term.lede_only);
  }
}

TEST(HeadlineFeaturesTest, OnlyTermsThatTheTitleLacksAreLedeOnly) {
  const auto title_only = ExtractHeadlineFeatures("Rocket launch delayed", "");
  const auto f = ExtractHeadlineFeatures("Rocket launch delayed", "Engineers found a fuel leak.");
  size_t lede_only = 0;
  for (const auto& term : f.terms) {
    const bool in_title = std::any_of(title_only.terms.begin(), title_only.terms.end(),
                                      [&](const StoryTerm& t) { return t.hash == term.hash; });
    EXPECT_EQ(term.lede_only, !in_title);
    EXPECT_EQ(term.weight, in_title ? HeadlineFeatureOptions{}.title_weight
                                    : HeadlineFeatureOptions{}.lede_weight);
    lede_only += term.lede_only ? 1 : 0;
  }
  EXPECT_GE(lede_only, 3u);  // engineers, fuel, leak
  EXPECT_EQ(f.terms.size(), title_only.terms.size() + lede_only);
}

TEST(HeadlineFeaturesTest, SortedVectorsShareAValueWhereverItStands) {
  EXPECT_TRUE(SortedShareAValue({1, 5, 9}, {9}));
  EXPECT_TRUE(SortedShareAValue({4}, {1, 4, 7}));
  EXPECT_TRUE(SortedShareAValue({2, 3, 8, 20}, {1, 8, 30}));
  EXPECT_FALSE(SortedShareAValue({1, 3, 5}, {2, 4, 6}));
  EXPECT_FALSE(SortedShareAValue({}, {1, 2}));
  EXPECT_FALSE(SortedShareAValue({7}, {}));
}

}  // namespace
}  // namespace headwire::core
