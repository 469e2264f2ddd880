#include "core/topic_classifier.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/dateline.h"

namespace headwire::core {
namespace {

constexpr size_t kMaxModelLabels = 256;

double Round3(double score) {
  const double rounded = std::round(score * 1000.0) / 1000.0;
  return rounded == 0.0 ? 0.0 : rounded;
}

// The shortest form that reads back as the same setting: 0.5, 0.13, 3.
std::string ShortNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

TopicClassifier::TopicClassifier(std::optional<LinearModel> model,
                                 std::optional<RulesClassifier> rules,
                                 TopicClassifierOptions options)
    : model_(std::move(model)), rules_(std::move(rules)), options_(options) {
  if (rules_) {
    for (const std::string& name : rules_->taxonomy().topic_names()) topics_.push_back(name);
  }
  if (model_) {
    input_.emplace(model_->feature_options(), rules_ ? &rules_->taxonomy() : nullptr,
                   model_->rule_feature_copies());
    if (model_->loss() == LossKind::kOneVsRest && !options_.thresholds.empty()) {
      std::vector<float> thresholds;
      for (const ModelLabel& label : model_->labels()) {
        const auto it = options_.thresholds.find(label.name);
        thresholds.push_back(it == options_.thresholds.end() ? label.threshold : it->second);
      }
      model_->SetThresholds(thresholds);
    }
    if (!rules_) {
      for (const ModelLabel& label : model_->labels()) topics_.push_back(label.name);
    }
  }
  for (const std::string& topic : topics_) {
    model_label_.push_back(model_ ? model_->LabelIndex(topic) : -1);
    int rules_index = -1;
    if (rules_) {
      const auto& names = rules_->taxonomy().topic_names();
      const auto it = std::ranges::find(names, topic);
      if (it != names.end()) rules_index = static_cast<int>(it - names.begin());
    }
    rules_topic_.push_back(rules_index);
  }
}

void TopicClassifier::DecideInto(std::string_view title, std::string_view body, bool all_vetoes,
                                 FeatureBuffer& buffer, std::vector<TopicDecision>& out) const {
  out.clear();
  float probabilities[kMaxModelLabels];
  bool model_assigned[kMaxModelLabels] = {};
  std::vector<RuleOutcome> outcomes;
  if (!model_) {
    outcomes = rules_->Evaluate(title, BodyAfterDateline(body));
  } else {
    // With the rules' verdicts as model features, every veto is looked for before the model runs.
    input_->Encode(title, body, rules(), buffer, outcomes);
    const size_t n = model_->labels().size();
    model_->Predict(buffer.ids, std::span<float>(probabilities, n));
    for (size_t l : model_->Assign(std::span<const float>(probabilities, n))) {
      model_assigned[l] = true;
    }
    if (rules_ && !input_->has_rule_features()) {
      // The rules read the normalised text Encode left in the buffer. A veto only matters for a
      // topic the model assigns; the rules look for the others' vetoes only when their own score
      // would assign them.
      uint64_t veto_topics = all_vetoes ? ~uint64_t{0} : 0;
      for (size_t t = 0; t < topics_.size(); ++t) {
        const int label = model_label_[t];
        const int rule = rules_topic_[t];
        if (rule >= 0 && rule < 64 && (label < 0 || model_assigned[label])) {
          veto_topics |= uint64_t{1} << rule;
        }
      }
      outcomes = rules_->EvaluateNormalized(buffer.title, buffer.body, veto_topics);
    }
  }

  for (size_t t = 0; t < topics_.size(); ++t) {
    TopicDecision d;
    d.topic = topics_[t];
    const int label = model_label_[t];
    const int rule = rules_topic_[t];
    if (label >= 0) {
      d.has_model = true;
      d.probability = probabilities[label];
      d.threshold = model_->labels()[static_cast<size_t>(label)].threshold;
    }
    if (rule >= 0) {
      d.has_rules = true;
      const RuleOutcome& outcome = outcomes[static_cast<size_t>(rule)];
      const double threshold = rules_->taxonomy().topics()[static_cast<size_t>(rule)].threshold;
      d.rules_score = outcome.score;
      if (outcome.vetoed && (options_.rules_veto || label < 0)) {
        d.override = -1;
      } else if (label >= 0 && options_.force_factor > 0 &&
                 outcome.score >= options_.force_factor * threshold) {
        d.override = 1;
      }
      if (label < 0) {
        d.assigned = d.override == 0 && outcome.score >= threshold;
      }
    }
    if (label >= 0) {
      d.assigned = d.override > 0 || (d.override == 0 && model_assigned[label]);
    }
    out.push_back(std::move(d));
  }
}

std::vector<TopicDecision> TopicClassifier::Decide(std::string_view title,
                                                   std::string_view body) const {
  thread_local FeatureBuffer buffer;
  std::vector<TopicDecision> out;
  DecideInto(title, body, true, buffer, out);
  return out;
}

Classification TopicClassifier::Classify(std::string_view title, std::string_view body) const {
  thread_local FeatureBuffer buffer;
  thread_local std::vector<TopicDecision> decisions;
  DecideInto(title, body, false, buffer, decisions);
  Classification out;
  out.scores.reserve(decisions.size());
  for (const TopicDecision& d : decisions) {
    if (d.assigned) out.topics.push_back(d.topic);
    out.scores.push_back(TopicScore{d.topic, Round3(d.has_model ? d.probability : d.rules_score)});
  }
  return out;
}

std::vector<TopicExplanation> TopicClassifier::Explain(std::string_view title,
                                                       std::string_view body,
                                                       size_t top_features) const {
  std::vector<TopicExplanation> out;
  for (TopicDecision& d : Decide(title, body))
    out.push_back(TopicExplanation{std::move(d), {}, {}});
  if (model_) {
    const std::vector<NamedFeature> features = input_->EncodeNamed(title, body, rules());
    for (TopicExplanation& e : out) {
      const int label = model_->LabelIndex(e.decision.topic);
      if (label < 0) continue;
      // A feature that occurs twice contributes twice; report it once with the sum.
      std::map<std::string, float> summed;
      for (const NamedFeature& f : features) {
        summed[f.name] += model_->Contribution(f.id, static_cast<size_t>(label), features.size());
      }
      for (auto& [name, contribution] : summed) {
        if (contribution != 0) e.features.push_back(FeatureEvidence{name, contribution});
      }
      std::ranges::stable_sort(e.features, [](const FeatureEvidence& a, const FeatureEvidence& b) {
        return std::abs(a.contribution) > std::abs(b.contribution);
      });
      if (e.features.size() > top_features) e.features.resize(top_features);
    }
  }
  if (rules_) {
    for (Match& m : rules_->Explain(title, BodyAfterDateline(body))) {
      for (TopicExplanation& e : out) {
        if (e.decision.topic == m.topic) e.rule_matches.push_back(m);
      }
    }
  }
  return out;
}

std::string TopicClassifier::Describe() const {
  std::string out;
  if (rules_) {
    out = rules_->taxonomy().name() + "/" + std::to_string(rules_->taxonomy().version());
  }
  if (model_) {
    if (!out.empty()) out += "+";
    out += model_->name();
  }
  std::vector<std::string> settings;
  if (model_ && model_->loss() == LossKind::kOneVsRest) {
    for (const auto& [topic, threshold] : options_.thresholds) {
      if (model_->LabelIndex(topic) >= 0) settings.push_back(topic + "=" + ShortNumber(threshold));
    }
  }
  if (rules_ && model_ && options_.force_factor != TopicClassifierOptions{}.force_factor) {
    settings.push_back("force-factor=" + ShortNumber(options_.force_factor));
  }
  if (!settings.empty()) {
    out += "[";
    for (size_t i = 0; i < settings.size(); ++i) out += (i == 0 ? "" : ",") + settings[i];
    out += "]";
  }
  return out;
}

}  // namespace headwire::core
