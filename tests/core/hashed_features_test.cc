#include "core/hashed_features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/text.h"

namespace headwire::core {
namespace {

FeatureOptions WordsOnly() {
  return FeatureOptions{
      .bucket_bits = 20, .word_bigrams = false, .min_char_ngram = 0, .max_char_ngram = 0};
}

std::vector<std::string> Names(const FeatureExtractor& extractor, std::string_view title,
                               std::string_view body = "") {
  std::vector<std::string> out;
  for (const NamedFeature& f : extractor.ExtractNamed(title, body)) out.push_back(f.name);
  return out;
}

TEST(HashedFeaturesTest, SameTextGivesSameIdsEveryTime) {
  const FeatureExtractor extractor{FeatureOptions{}};
  FeatureBuffer a, b;
  extractor.Extract("SpaceX launches 24 Starlink satellites", "From Cape Canaveral.", a);
  extractor.Extract("Something else entirely to dirty the buffer", "", b);
  extractor.Extract("SpaceX launches 24 Starlink satellites", "From Cape Canaveral.", b);
  EXPECT_FALSE(a.ids.empty());
  EXPECT_EQ(a.ids, b.ids);
}

TEST(HashedFeaturesTest, TextIsNormalisedBeforeHashing) {
  const FeatureExtractor extractor{FeatureOptions{}};
  FeatureBuffer a, b;
  extractor.Extract("NASA&#39;s  ROCKET", "", a);
  extractor.Extract("nasa rocket", "", b);
  EXPECT_EQ(a.ids, b.ids);
}

TEST(HashedFeaturesTest, WordsOnlyGivesOneFeaturePerToken) {
  const FeatureExtractor extractor{WordsOnly()};
  EXPECT_EQ(Names(extractor, "Fed holds rates steady"),
            (std::vector<std::string>{"fed", "holds", "rates", "steady"}));
}

TEST(HashedFeaturesTest, BigramsJoinAdjacentWordsOfOneFieldOnly) {
  FeatureOptions options = WordsOnly();
  options.word_bigrams = true;
  const FeatureExtractor extractor{options};
  EXPECT_EQ(Names(extractor, "price war", "heats up"),
            (std::vector<std::string>{"price", "war", "price war", "heats", "up", "heats up"}));
}

TEST(HashedFeaturesTest, CharacterNgramsCoverThePaddedWord) {
  FeatureOptions options = WordsOnly();
  options.min_char_ngram = 3;
  options.max_char_ngram = 4;
  const FeatureExtractor extractor{options};
  // "<ai>" is 4 bytes long: its 3-grams, but not the whole padded word again.
  EXPECT_EQ(Names(extractor, "AI"), (std::vector<std::string>{"ai", "<ai", "ai>"}));
  EXPECT_EQ(Names(extractor, "mars"),
            (std::vector<std::string>{"mars", "<ma", "mar", "ars", "rs>", "<mar", "mars", "ars>"}));
}

// A character n-gram counts bytes and so can cut a Cyrillic or Japanese letter in two; its name
// (shown by `classify --explain`, written as JSON) must still be valid UTF-8.
TEST(HashedFeaturesTest, NamesOfNgramsThatCutALetterAreValidUtf8) {
  FeatureOptions options = WordsOnly();
  options.min_char_ngram = 4;
  options.max_char_ngram = 4;
  const FeatureExtractor extractor{options};
  size_t grams = 0;
  for (const NamedFeature& f : extractor.ExtractNamed("Привет мир", "日本の地震")) {
    EXPECT_TRUE(IsValidUtf8(f.name)) << f.name;
    ++grams;
  }
  EXPECT_GT(grams, 4u);
  // Naming does not change the features: the ids are those Extract gives.
  FeatureBuffer buffer;
  extractor.Extract("Привет мир", "日本の地震", buffer);
  std::vector<uint32_t> named;
  for (const NamedFeature& f : extractor.ExtractNamed("Привет мир", "日本の地震")) {
    named.push_back(f.id);
  }
  EXPECT_EQ(named, buffer.ids);
}

TEST(HashedFeaturesTest, KindsOfFeatureHashApart) {
  FeatureOptions options = WordsOnly();
  options.min_char_ngram = 4;
  options.max_char_ngram = 4;
  const FeatureExtractor extractor{options};
  // The word "mars" and the 4-gram "mars" inside "<marsh>" are different features.
  const auto word = extractor.ExtractNamed("mars", "");
  const auto gram = extractor.ExtractNamed("marsh", "");
  const auto it =
      std::ranges::find_if(gram, [](const NamedFeature& f) { return f.name == "mars"; });
  ASSERT_NE(it, gram.end());
  EXPECT_NE(word.front().id, it->id);
}

TEST(HashedFeaturesTest, IdsStayWithinTheBuckets) {
  for (int bits : {8, 12, 20}) {
    FeatureOptions options;
    options.bucket_bits = bits;
    const FeatureExtractor extractor{options};
    FeatureBuffer buffer;
    extractor.Extract("Trump signs executive order on national AI regulation standard",
                      "The order pre-empts state laws.", buffer);
    ASSERT_FALSE(buffer.ids.empty());
    for (uint32_t id : buffer.ids) EXPECT_LT(id, uint32_t{1} << bits);
  }
}

TEST(HashedFeaturesTest, DistinctWordsOfAHeadlineVocabularyDoNotCollide) {
  const FeatureExtractor extractor{WordsOnly()};
  const std::vector<std::string> words = {
      "space",     "rocket", "launch",    "nasa",     "satellite", "orbit",  "ai",
      "model",     "openai", "chatbot",   "nvidia",   "chip",      "war",    "election",
      "sanctions", "tariff", "president", "minister", "shares",    "stocks", "earnings",
      "merger",    "ipo",    "fed",       "rates",    "inflation", "bank",   "court"};
  std::set<uint32_t> ids;
  FeatureBuffer buffer;
  for (const std::string& w : words) {
    extractor.Extract(w, "", buffer);
    ASSERT_EQ(buffer.ids.size(), 1u);
    ids.insert(buffer.ids[0]);
  }
  EXPECT_EQ(ids.size(), words.size());
}

TEST(HashedFeaturesTest, BodyIsIgnoredWhenTurnedOff) {
  FeatureOptions options = WordsOnly();
  options.use_body = false;
  const FeatureExtractor extractor{options};
  EXPECT_EQ(Names(extractor, "rocket", "satellite body"), (std::vector<std::string>{"rocket"}));
}

TEST(HashedFeaturesTest, OnlyTheBodysFirstWordsGiveFeaturesWhenCapped) {
  FeatureOptions options = WordsOnly();
  options.word_bigrams = true;
  options.max_body_words = 2;
  const FeatureExtractor extractor{options};
  // The cap counts normalised words of the body only; the title is never cut.
  EXPECT_EQ(Names(extractor, "rocket launch today", "The crew, of four, returned"),
            (std::vector<std::string>{"rocket", "launch", "rocket launch", "today", "launch today",
                                      "the", "crew", "the crew"}));
  EXPECT_EQ(Names(extractor, "rocket", "crew"), (std::vector<std::string>{"rocket", "crew"}));
  options.max_body_words = 0;
  EXPECT_EQ(Names(FeatureExtractor{options}, "", "a b c").size(), 5u);
}

TEST(HashedFeaturesTest, EmptyTextHasNoFeatures) {
  const FeatureExtractor extractor{FeatureOptions{}};
  FeatureBuffer buffer;
  buffer.ids.push_back(7);
  extractor.Extract("", "", buffer);
  EXPECT_TRUE(buffer.ids.empty());
}

TEST(HashedFeaturesTest, NamedAndUnnamedExtractionAgree) {
  const FeatureExtractor extractor{FeatureOptions{}};
  FeatureBuffer buffer;
  extractor.Extract("Mizuho raises Broadcom price target", "On AI chip demand.", buffer);
  std::vector<uint32_t> named;
  for (const NamedFeature& f :
       extractor.ExtractNamed("Mizuho raises Broadcom price target", "On AI chip demand.")) {
    named.push_back(f.id);
  }
  EXPECT_EQ(buffer.ids, named);
}

TEST(HashedFeaturesTest, OptionsAreValidated) {
  EXPECT_TRUE(FeatureOptions{}.Validate().ok());
  EXPECT_FALSE(FeatureOptions{.bucket_bits = 4}.Validate().ok());
  EXPECT_FALSE(FeatureOptions{.bucket_bits = 30}.Validate().ok());
  EXPECT_FALSE((FeatureOptions{.min_char_ngram = 5, .max_char_ngram = 3}.Validate().ok()));
  EXPECT_FALSE(FeatureOptions{.min_char_ngram = -1}.Validate().ok());
  EXPECT_FALSE(FeatureOptions{.max_body_words = -1}.Validate().ok());
  EXPECT_FALSE(FeatureOptions{.max_body_words = 65536}.Validate().ok());
  EXPECT_TRUE(FeatureOptions{.max_body_words = 65535}.Validate().ok());
}

}  // namespace
}  // namespace headwire::core
