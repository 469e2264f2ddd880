#include "core/model_input.h"

#include <cassert>
#include <cstdint>

#include "core/dateline.h"
#include "core/text.h"

namespace headwire::core {

ModelInput::ModelInput(const FeatureOptions& features, const Taxonomy* taxonomy,
                       int rule_feature_copies)
    : extractor_(features) {
  if (taxonomy != nullptr && rule_feature_copies > 0) {
    rule_features_.emplace(*taxonomy, features.bucket_bits, rule_feature_copies);
  }
}

void ModelInput::Encode(std::string_view title, std::string_view body, const RulesClassifier* rules,
                        FeatureBuffer& buffer, std::vector<RuleOutcome>& outcomes) const {
  body = BodyAfterDateline(body);
  extractor_.Extract(title, body, buffer);
  if (rules != nullptr && !extractor_.options().use_body) {
    buffer.body = NormalizeForMatching(body);
  }
  outcomes.clear();
  if (rule_features_) {
    assert(rules != nullptr && "a model with rule features needs the rules");
    outcomes = rules->EvaluateNormalized(buffer.title, buffer.body, ~uint64_t{0});
    rule_features_->Append(outcomes, buffer.ids);
  }
}

std::vector<NamedFeature> ModelInput::EncodeNamed(std::string_view title, std::string_view body,
                                                  const RulesClassifier* rules) const {
  body = BodyAfterDateline(body);
  std::vector<NamedFeature> features = extractor_.ExtractNamed(title, body);
  if (rule_features_) {
    assert(rules != nullptr && "a model with rule features needs the rules");
    rule_features_->AppendNamed(rules->Evaluate(title, body), features);
  }
  return features;
}

}  // namespace headwire::core
