#pragma once
// RuleFeatures: the taxonomy rules' verdicts as features of the topic model, so that the model
// learns how far to trust them (stacking). Per taxonomy topic, at most one of four features:
// "rules:<topic>:veto" (a veto phrase is present), ":strong" (score >= 2 x threshold), ":hit"
// (score >= threshold) or ":weak" (score > 0). Ids are hashed into the model's buckets with their
// own seed. Each feature is appended `copies` times: every feature occurrence has the same value
// (FeatureValue), so copies are how the rules' verdict weighs more than one word of the text.
// Immutable; Append is allocation-free once `ids` has capacity.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/hashed_features.h"
#include "core/rules_classifier.h"

namespace headwire::core {

class RuleFeatures {
 public:
  RuleFeatures(const Taxonomy& taxonomy, int bucket_bits, int copies);

  // Appends the features of `outcomes` (one per taxonomy topic, as RulesClassifier::Evaluate
  // returns them) to `ids`.
  void Append(std::span<const RuleOutcome> outcomes, std::vector<uint32_t>& ids) const;

  // Appends the same features as Append, in the same order, each with its name
  // ("rules:space:hit"). Allocates; for explanations.
  void AppendNamed(std::span<const RuleOutcome> outcomes,
                   std::vector<NamedFeature>& features) const;

 private:
  enum Level { kVeto = 0, kStrong, kHit, kWeak, kLevels };
  int LevelOf(size_t topic, const RuleOutcome& outcome) const;

  int copies_;
  std::vector<std::string> topics_;
  std::vector<double> thresholds_;
  std::vector<uint32_t> ids_;  // topic * kLevels + level
};

}  // namespace headwire::core
