#pragma once
// TopicClassifier: the processor's topic classifier. A learned LinearModel decides each topic
// with its calibrated threshold, and the taxonomy's RulesClassifier can overrule it: a veto
// phrase blocks a topic, and a very strong rules score (force_factor x the topic's threshold)
// assigns it. The taxonomy, when given, defines the topics: one the model does not know (a
// fifth topic added to the taxonomy file) is decided by the rules alone, and model labels the
// taxonomy lacks are not reported. Without a taxonomy the model's labels are the topics.
// Produces the same Classification as RulesClassifier, so downstream code is unchanged. The
// model and the rules read the body without a leading dateline or outlet tag (dateline.h), so the
// rules' body matches in Explain index the body after it.
//
// Immutable after construction; Classify and Explain are const and safe from many threads.
// A warm Classify allocates nothing per token (the feature buffer is reused per thread).
//
//   TopicClassifier classifier(std::move(model), RulesClassifier(std::move(taxonomy)));
//   Classification c = classifier.Classify("OpenAI unveils new reasoning model", "");

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hashed_features.h"
#include "core/linear_model.h"
#include "core/model_input.h"
#include "core/rules_classifier.h"

namespace headwire::core {

struct TopicClassifierOptions {
  // A topic's veto phrase blocks it even when the model assigns it. Default: true.
  bool rules_veto = true;
  // A rules score of at least force_factor x the topic's rules threshold assigns the topic
  // whatever the model says; 0 turns forcing off. Default: 2.0 (chosen on the dev split,
  // docs/classifier.md).
  double force_factor = 2.0;
  // Thresholds that replace the model's calibrated ones, by topic name: the operator's lever for
  // a desk that wants its stream more precise or fuller. Only for one-vs-rest models and topics
  // the model has (the caller checks; others are ignored). Default: none.
  std::map<std::string, float> thresholds = {};
};

// How one topic was decided for one text.
struct TopicDecision {
  std::string topic;
  bool has_model = false;  // the model has a label for this topic
  bool has_rules = false;  // the taxonomy has this topic
  float probability = 0;   // the model's probability (has_model)
  float threshold = 0;     // the model's threshold (has_model, one-vs-rest)
  double rules_score = 0;  // the rules' score (has_rules)
  // +1 the rules force the topic, -1 a veto blocks it, 0 the model (or, without a model label,
  // the rules' own threshold) decides.
  int override = 0;
  bool assigned = false;
};

// A feature of the text and what it added to a topic's raw model score.
struct FeatureEvidence {
  std::string feature;  // "launches", "spacex launches", "<lau"
  float contribution = 0;
};

struct TopicExplanation {
  TopicDecision decision;
  std::vector<FeatureEvidence> features;  // largest |contribution| first
  std::vector<Match> rule_matches;        // as RulesClassifier::Explain reports them
};

class TopicClassifier {
 public:
  // At least one of `model` and `rules` must be given.
  TopicClassifier(std::optional<LinearModel> model, std::optional<RulesClassifier> rules,
                  TopicClassifierOptions options = {});

  // Topics in topics() order; scores are the model's probabilities for model topics and the
  // rules' scores for rules-only topics, rounded to 3 decimals.
  Classification Classify(std::string_view title, std::string_view body) const;

  // Every topic's decision, in topics() order (what Classify summarises). Unlike Classify it
  // reports every veto present, so that an override is known whatever the threshold.
  std::vector<TopicDecision> Decide(std::string_view title, std::string_view body) const;

  // The decisions with the `top_features` strongest model features per topic and the rules'
  // matches.
  std::vector<TopicExplanation> Explain(std::string_view title, std::string_view body,
                                        size_t top_features = 8) const;

  // The taxonomy's topics in its order; without a taxonomy, the model's labels.
  const std::vector<std::string>& topics() const { return topics_; }
  // "<taxonomy name>/<version>+<model name>", recorded with every processed article, followed by
  // what changes the decisions beyond those files, so that a replay with other settings can be
  // told apart: "[ai=0.5,force-factor=3]" for replaced thresholds and a force factor other than
  // the default.
  std::string Describe() const;

  const LinearModel* model() const { return model_ ? &*model_ : nullptr; }
  const RulesClassifier* rules() const { return rules_ ? &*rules_ : nullptr; }
  const TopicClassifierOptions& options() const { return options_; }

 private:
  // `all_vetoes`: report every veto, also of topics the model does not assign at its current
  // thresholds (calibration moves them).
  void DecideInto(std::string_view title, std::string_view body, bool all_vetoes,
                  FeatureBuffer& buffer, std::vector<TopicDecision>& out) const;

  std::optional<LinearModel> model_;
  std::optional<RulesClassifier> rules_;
  std::optional<ModelInput> input_;  // with a model
  TopicClassifierOptions options_;
  std::vector<std::string> topics_;
  std::vector<int> model_label_;  // per topic: index into the model's labels, or -1
  std::vector<int> rules_topic_;  // per topic: index into the taxonomy's topics, or -1
};

}  // namespace headwire::core
