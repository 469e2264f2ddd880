#pragma once
// ModelInput: what the topic model reads of an article, built one way for training
// (model_trainer.h) and for classification (topic_classifier.h), so that a model is always given
// the features it learnt from: the body without the dateline it may open with (dateline.h), the
// hashed words of title and body (hashed_features.h) and, for a model trained with them, the
// taxonomy rules' verdicts (rule_features.h). Immutable and thread-safe; the scratch space is the
// caller's FeatureBuffer.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/hashed_features.h"
#include "core/rule_features.h"
#include "core/rules_classifier.h"

namespace headwire::core {

class ModelInput {
 public:
  // `features` must be valid (FeatureOptions::Validate). With a taxonomy and
  // `rule_feature_copies` > 0, the rules' verdicts are features, that many copies each
  // (RuleFeatures); the taxonomy is read here and need not outlive this object.
  ModelInput(const FeatureOptions& features, const Taxonomy* taxonomy, int rule_feature_copies);

  // Replaces buffer.ids with the model's features of the article, and leaves in buffer.title and
  // buffer.body the normalised title and body for the rules to read: the body after its dateline,
  // whole, even when only its first words give features (and, when `rules` is given, even when
  // none do). With rule features, `rules` (then required) is evaluated here, every veto looked
  // for, into `outcomes`; otherwise `outcomes` is cleared.
  void Encode(std::string_view title, std::string_view body, const RulesClassifier* rules,
              FeatureBuffer& buffer, std::vector<RuleOutcome>& outcomes) const;

  // Encode's features, in the same order, with readable names. Allocates; for explanations.
  std::vector<NamedFeature> EncodeNamed(std::string_view title, std::string_view body,
                                        const RulesClassifier* rules) const;

  bool has_rule_features() const { return rule_features_.has_value(); }
  // Every feature id is below this (2^bucket_bits).
  uint32_t bucket_count() const { return extractor_.bucket_count(); }

 private:
  FeatureExtractor extractor_;
  std::optional<RuleFeatures> rule_features_;
};

}  // namespace headwire::core
