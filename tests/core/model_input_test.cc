#include "core/model_input.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/core/taxonomy_test_data.h"

namespace headwire::core {
namespace {

constexpr std::string_view kInputTaxonomy = R"(
name = "model-input-test"
version = 1
[topics.space]
description = "spaceflight"
veto = ["rocket salad"]
[topics.space.terms]
"rocket" = 1.0
)";

RulesClassifier InputRules() { return testing::RulesFromToml(kInputTaxonomy); }

FeatureOptions Options(bool use_body, int max_body_words) {
  FeatureOptions options;
  options.bucket_bits = 16;
  options.min_char_ngram = 0;
  options.max_char_ngram = 0;
  options.use_body = use_body;
  options.max_body_words = max_body_words;
  return options;
}

std::vector<uint32_t> Ids(const ModelInput& input, std::string_view title, std::string_view body,
                          const RulesClassifier* rules) {
  FeatureBuffer buffer;
  std::vector<RuleOutcome> outcomes;
  input.Encode(title, body, rules, buffer, outcomes);
  return buffer.ids;
}

TEST(ModelInputTest, ADatelineGivesNoFeatures) {
  const ModelInput input(Options(true, 0), nullptr, 0);
  EXPECT_EQ(
      Ids(input, "Rocket lifts off", "CAPE CANAVERAL, Fla., May 3 (Reuters) - It flew.", nullptr),
      Ids(input, "Rocket lifts off", "It flew.", nullptr));
  EXPECT_NE(Ids(input, "Rocket lifts off", "It flew.", nullptr),
            Ids(input, "Rocket lifts off", "", nullptr));
}

TEST(ModelInputTest, ABodyThatIsOnlyADatelineReadsAsNoBody) {
  const ModelInput input(Options(true, 0), nullptr, 0);
  EXPECT_EQ(Ids(input, "Rocket lifts off", "LONDON (Reuters) - ", nullptr),
            Ids(input, "Rocket lifts off", "", nullptr));
}

TEST(ModelInputTest, AReusedBufferKeepsNothingOfTheLastArticle) {
  const RulesClassifier rules = InputRules();
  for (const FeatureOptions& options : {Options(true, 0), Options(false, 0)}) {
    const ModelInput input(options, &rules.taxonomy(), 1);
    FeatureBuffer buffer;
    std::vector<RuleOutcome> outcomes;
    input.Encode("Launch delayed", "The rocket leaked.", &rules, buffer, outcomes);
    input.Encode("Council meets", "", &rules, buffer, outcomes);
    EXPECT_EQ(buffer.body, "");
    EXPECT_EQ(buffer.ids, Ids(input, "Council meets", "", &rules));
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].score, 0);
  }
}

TEST(ModelInputTest, TheRulesReadTheWholeBodyWhateverPartOfItGivesFeatures) {
  const RulesClassifier rules = InputRules();
  for (const FeatureOptions& options : {Options(true, 0), Options(true, 2), Options(false, 0)}) {
    const ModelInput input(options, &rules.taxonomy(), 1);
    FeatureBuffer buffer;
    std::vector<RuleOutcome> outcomes;
    input.Encode("Launch delayed", "LONDON (Reuters) - Engineers said the rocket leaked.", &rules,
                 buffer, outcomes);
    EXPECT_EQ(buffer.body, "engineers said the rocket leaked");
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_GT(outcomes[0].score, 0) << "the fourth word of the body is a space term";
  }
}

TEST(ModelInputTest, TheRulesVerdictsAreFeaturesOnlyWithATaxonomyAndCopies) {
  const RulesClassifier rules = InputRules();
  const ModelInput plain(Options(true, 0), nullptr, 0);
  const ModelInput no_copies(Options(true, 0), &rules.taxonomy(), 0);
  const ModelInput stacked(Options(true, 0), &rules.taxonomy(), 3);
  EXPECT_FALSE(plain.has_rule_features());
  EXPECT_FALSE(no_copies.has_rule_features());
  EXPECT_TRUE(stacked.has_rule_features());

  const std::vector<uint32_t> words = Ids(plain, "Rocket test", "", nullptr);
  EXPECT_EQ(Ids(no_copies, "Rocket test", "", &rules), words);
  const std::vector<uint32_t> with_rules = Ids(stacked, "Rocket test", "", &rules);
  ASSERT_EQ(with_rules.size(), words.size() + 3);
  EXPECT_TRUE(std::equal(words.begin(), words.end(), with_rules.begin()));
  // The three copies of one verdict, written after the words.
  EXPECT_EQ(with_rules[words.size()], with_rules[words.size() + 2]);
}

TEST(ModelInputTest, NamedFeaturesAreTheEncodedOnesInTheSameOrder) {
  const RulesClassifier rules = InputRules();
  const ModelInput input(Options(true, 3), &rules.taxonomy(), 2);
  const std::string_view title = "Rocket salad recipe";
  const std::string_view body = "PARIS (AFP) - Chefs toss greens with rocket and lemon today.";
  const std::vector<NamedFeature> named = input.EncodeNamed(title, body, &rules);
  std::vector<uint32_t> named_ids;
  for (const NamedFeature& f : named) named_ids.push_back(f.id);
  EXPECT_EQ(named_ids, Ids(input, title, body, &rules));
  EXPECT_EQ(named.back().name, "rules:space:veto");
  const auto named_as = [&](std::string_view name) {
    return std::ranges::count(named, name, &NamedFeature::name);
  };
  EXPECT_EQ(named_as("greens"), 1);  // the body's third word, the last one read
  EXPECT_EQ(named_as("lemon"), 0);
}

}  // namespace
}  // namespace headwire::core
