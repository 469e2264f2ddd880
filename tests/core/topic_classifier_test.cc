#include "core/topic_classifier.h"

#include <gtest/gtest.h>

#include "tests/core/model_test_data.h"
#include "tests/core/taxonomy_test_data.h"

namespace headwire::core {
namespace {

// Rules that know "rocket" weakly, "spaceport" strongly enough to force space, and a veto for
// the business sense of "rocket"; "gaming" is a topic the model does not have.
constexpr std::string_view kTaxonomy = R"(
name = "topic-classifier-test"
version = 2
[topics.space]
description = "spaceflight"
veto = ["rocket salad"]
[topics.space.terms]
"rocket" = 0.5
"spaceport" = 2.0
[topics.ai]
description = "ai"
veto = ["fashion model"]
[topics.ai.terms]
"chatbot" = 1.0
[topics.gaming]
description = "video games"
[topics.gaming.terms]
"console" = 1.0
)";

LinearModel Model() {
  auto model = TrainModel(testing::SeparableSet(), testing::SmallOptions());
  EXPECT_TRUE(model.has_value());
  return std::move(*model);
}

RulesClassifier Rules() { return testing::RulesFromToml(kTaxonomy); }

class TopicClassifierTest : public ::testing::Test {
 protected:
  const TopicClassifier combined_{Model(), Rules()};
  const TopicClassifier model_only_{Model(), std::nullopt};
};

TEST_F(TopicClassifierTest, TheTaxonomyDefinesTheTopicsWhenThereIsOne) {
  EXPECT_EQ(combined_.topics(), (std::vector<std::string>{"space", "ai", "gaming"}));
  EXPECT_EQ(model_only_.topics(), (std::vector<std::string>{"space", "ai", "business"}));
  const Classification c = combined_.Classify("shares and earnings", "");
  ASSERT_EQ(c.scores.size(), 3u);
  EXPECT_EQ(c.scores[2].topic, "gaming");
  EXPECT_TRUE(c.topics.empty());  // business is the model's, but not the taxonomy's
}

TEST_F(TopicClassifierTest, ModelDecidesWithoutRuleOverrides) {
  EXPECT_EQ(combined_.Classify("machine learning lab release", "").topics,
            std::vector<std::string>{"ai"});
  EXPECT_EQ(model_only_.Classify("shares and earnings", "").topics,
            std::vector<std::string>{"business"});
}

TEST_F(TopicClassifierTest, StrongRulesScoreForcesATopicTheModelMisses) {
  const std::string title = "football cup final at the spaceport";
  EXPECT_TRUE(model_only_.Classify(title, "").topics.empty());
  EXPECT_EQ(combined_.Classify(title, "").topics, std::vector<std::string>{"space"});
  const auto decisions = combined_.Decide(title, "");
  EXPECT_EQ(decisions[0].override, 1);
}

TEST_F(TopicClassifierTest, ForcingCanBeTurnedOff) {
  const TopicClassifier no_force(Model(), Rules(), {.force_factor = 0});
  EXPECT_TRUE(no_force.Classify("football cup final at the spaceport", "").topics.empty());
}

TEST_F(TopicClassifierTest, VetoBlocksATopicTheModelAssigns) {
  const std::string title = "rocket launch to orbit with rocket salad";
  EXPECT_EQ(model_only_.Classify(title, "").topics, std::vector<std::string>{"space"});
  EXPECT_TRUE(combined_.Classify(title, "").topics.empty());
  EXPECT_EQ(combined_.Decide(title, "")[0].override, -1);
  const TopicClassifier no_veto(Model(), Rules(), {.rules_veto = false});
  EXPECT_EQ(no_veto.Classify(title, "").topics, std::vector<std::string>{"space"});
}

TEST_F(TopicClassifierTest, TopicsTheModelLacksAreDecidedByTheRules) {
  EXPECT_EQ(combined_.Classify("console in the garden", "").topics,
            std::vector<std::string>{"gaming"});
}

TEST_F(TopicClassifierTest, ScoresAreModelProbabilitiesForModelTopics) {
  const Classification c = combined_.Classify("rocket launch to orbit", "");
  const auto decisions = combined_.Decide("rocket launch to orbit", "");
  EXPECT_NEAR(c.scores[0].score, decisions[0].probability, 0.0006);
  EXPECT_GT(c.scores[0].score, 0.5);
  EXPECT_DOUBLE_EQ(c.scores[2].score, 0.0);  // gaming: the rules' score
}

TEST_F(TopicClassifierTest, ExplainListsTheFeaturesThatDroveEachTopic) {
  const auto explanations = combined_.Explain("rocket launch to orbit", "", 5);
  ASSERT_EQ(explanations.size(), 3u);
  const TopicExplanation& space = explanations[0];
  EXPECT_TRUE(space.decision.assigned);
  ASSERT_EQ(space.features.size(), 5u);
  for (size_t i = 1; i < space.features.size(); ++i) {
    EXPECT_GE(std::abs(space.features[i - 1].contribution),
              std::abs(space.features[i].contribution));
  }
  bool saw_word = false;
  for (const FeatureEvidence& f : space.features) {
    saw_word |= f.feature == "rocket" || f.feature == "launch" || f.feature == "orbit";
  }
  EXPECT_TRUE(saw_word);
  ASSERT_EQ(space.rule_matches.size(), 1u);
  EXPECT_EQ(space.rule_matches[0].term, "rocket");
  EXPECT_TRUE(explanations[2].features.empty());  // gaming has no model label
}

TEST_F(TopicClassifierTest, ADatelineIsNotReadAsPartOfTheArticle) {
  // Read as words, "SPACEPORT" would count for space in the rules and "ROCKET" would feed the
  // model; in a dateline neither is what the article is about.
  const std::string_view lede = "Shares and earnings beat forecasts.";
  const std::string dated = "SPACEPORT ROCKET (Reuters) - " + std::string(lede);
  const Classification plain = combined_.Classify("cup final", lede);
  const Classification with_dateline = combined_.Classify("cup final", dated);
  EXPECT_EQ(with_dateline.topics, plain.topics);
  ASSERT_EQ(with_dateline.scores.size(), plain.scores.size());
  for (size_t i = 0; i < plain.scores.size(); ++i) {
    EXPECT_EQ(with_dateline.scores[i].score, plain.scores[i].score) << plain.scores[i].topic;
  }
  EXPECT_TRUE(plain.topics.empty());
  for (const TopicExplanation& e : combined_.Explain("cup final", dated, 50)) {
    EXPECT_TRUE(e.rule_matches.empty()) << e.decision.topic;
    for (const FeatureEvidence& f : e.features) EXPECT_NE(f.feature, "rocket");
  }
  // Not a dateline: the body is read as usual.
  EXPECT_EQ(combined_.Explain("cup final", "SPACEPORT fans cheer", 5)[0].rule_matches.size(), 1u);
}

TEST_F(TopicClassifierTest, DescribeNamesTaxonomyAndModel) {
  EXPECT_EQ(combined_.Describe(), "topic-classifier-test/2+test-model");
  EXPECT_EQ(model_only_.Describe(), "test-model");
}

TEST_F(TopicClassifierTest, AReplacedThresholdDecidesAndIsNamedInTheDescription) {
  const std::string title = "machine learning lab release";
  const float probability = combined_.Decide(title, "")[1].probability;
  ASSERT_EQ(combined_.Classify(title, "").topics, std::vector<std::string>{"ai"});
  const TopicClassifier strict(Model(), Rules(), {.thresholds = {{"ai", probability + 0.01f}}});
  EXPECT_TRUE(strict.Classify(title, "").topics.empty());
  EXPECT_FLOAT_EQ(strict.Decide(title, "")[1].threshold, probability + 0.01f);
  EXPECT_EQ(strict.Decide(title, "")[0].threshold, combined_.Decide(title, "")[0].threshold);

  const TopicClassifier settings(
      Model(), Rules(), {.force_factor = 3, .thresholds = {{"space", 0.5f}, {"ai", 0.25f}}});
  EXPECT_EQ(settings.Describe(),
            "topic-classifier-test/2+test-model[ai=0.25,space=0.5,force-factor=3]");
  // The force factor acts through the rules, the thresholds through the model.
  EXPECT_EQ(TopicClassifier(std::nullopt, Rules(), {.force_factor = 3}).Describe(),
            "topic-classifier-test/2");
  EXPECT_EQ(TopicClassifier(Model(), std::nullopt, {.force_factor = 3}).Describe(), "test-model");
}

}  // namespace
}  // namespace headwire::core
