#include "core/rule_features.h"

#include <xxhash.h>

namespace headwire::core {
namespace {

constexpr uint64_t kRuleSeed = 0x6872756c65730004ULL;
constexpr const char* kLevelNames[] = {"veto", "strong", "hit", "weak"};

std::string FeatureName(const std::string& topic, int level) {
  return "rules:" + topic + ":" + kLevelNames[level];
}

}  // namespace

RuleFeatures::RuleFeatures(const Taxonomy& taxonomy, int bucket_bits, int copies)
    : copies_(copies) {
  const uint64_t mask = (uint64_t{1} << bucket_bits) - 1;
  for (const TopicDefinition& topic : taxonomy.topics()) {
    topics_.push_back(topic.name);
    thresholds_.push_back(topic.threshold);
    for (int level = 0; level < kLevels; ++level) {
      const std::string name = FeatureName(topic.name, level);
      ids_.push_back(
          static_cast<uint32_t>(XXH3_64bits_withSeed(name.data(), name.size(), kRuleSeed) & mask));
    }
  }
}

int RuleFeatures::LevelOf(size_t topic, const RuleOutcome& outcome) const {
  if (outcome.vetoed) return kVeto;
  if (outcome.score >= 2 * thresholds_[topic]) return kStrong;
  if (outcome.score >= thresholds_[topic]) return kHit;
  if (outcome.score > 0) return kWeak;
  return -1;
}

void RuleFeatures::Append(std::span<const RuleOutcome> outcomes, std::vector<uint32_t>& ids) const {
  for (size_t t = 0; t < outcomes.size() && t < topics_.size(); ++t) {
    const int level = LevelOf(t, outcomes[t]);
    if (level < 0) continue;
    for (int k = 0; k < copies_; ++k) ids.push_back(ids_[t * kLevels + static_cast<size_t>(level)]);
  }
}

void RuleFeatures::AppendNamed(std::span<const RuleOutcome> outcomes,
                               std::vector<NamedFeature>& features) const {
  for (size_t t = 0; t < outcomes.size() && t < topics_.size(); ++t) {
    const int level = LevelOf(t, outcomes[t]);
    if (level < 0) continue;
    const uint32_t id = ids_[t * kLevels + static_cast<size_t>(level)];
    const std::string name = FeatureName(topics_[t], level);
    for (int k = 0; k < copies_; ++k) features.push_back(NamedFeature{id, name});
  }
}

}  // namespace headwire::core
