#include "core/model_trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string_view>
#include <unordered_map>

#include "core/model_input.h"

namespace headwire::core {
namespace {

// Keeps AdaGrad's first step finite.
constexpr float kAdaGradEpsilon = 1e-8f;

struct Encoded {
  std::vector<uint32_t> ids;
  std::vector<uint8_t> targets;  // one 0/1 per label
  float weight = 1;              // of its loss: TrainOptions::group_cap
};

// "train.jsonl:12: example uci-7" when the example was read from a file, else "example uci-7".
std::string Describe(const LabelledText& example) {
  const std::string name = "example " + example.id;
  return example.origin.empty() ? name : example.origin + ": " + name;
}

// Fisher-Yates with the generator's raw output: std::shuffle and the standard distributions
// are free to differ between library versions, mt19937_64's sequence is not.
void Shuffle(std::vector<uint32_t>& order, std::mt19937_64& rng) {
  for (size_t i = order.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(order[i - 1], order[j]);
  }
}

// Scale per label from its largest weight; int8 keeps 127 steps either side of zero.
std::vector<int8_t> Quantise(const std::vector<float>& weights, std::vector<ModelLabel>& labels) {
  const size_t n = labels.size();
  std::vector<float> largest(n, 0.0f);
  for (size_t i = 0; i < weights.size(); ++i) {
    largest[i % n] = std::max(largest[i % n], std::abs(weights[i]));
  }
  for (size_t l = 0; l < n; ++l) labels[l].scale = largest[l] > 0 ? largest[l] / 127.0f : 0.0f;
  std::vector<int8_t> out(weights.size(), 0);
  for (size_t i = 0; i < weights.size(); ++i) {
    const float scale = labels[i % n].scale;
    if (scale == 0) continue;
    out[i] = static_cast<int8_t>(std::clamp(std::lround(weights[i] / scale), -127L, 127L));
  }
  return out;
}

}  // namespace

Status TrainOptions::Validate() const {
  if (const Status s = features.Validate(); !s.ok()) return s;
  if (epochs < 1 || epochs > 1000) return Status::InvalidArgument("epochs must be within 1..1000");
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) {
    return Status::InvalidArgument("learning rate must be > 0");
  }
  if (!(l2 >= 0) || !std::isfinite(l2)) return Status::InvalidArgument("l2 must be >= 0");
  if (rule_feature_copies < 1 || rule_feature_copies > 64) {
    return Status::InvalidArgument("rule feature copies must be within 1..64");
  }
  if (group_cap < 0) return Status::InvalidArgument("group cap must be >= 0");
  return Status::Ok();
}

Result<LinearModel> TrainModel(std::span<const LabelledText> data, const TrainOptions& options,
                               const std::function<void(const EpochReport&)>& progress) {
  if (const Status s = options.Validate(); !s.ok()) return Err(s);
  if (data.empty()) return Err(Status::InvalidArgument("no training examples"));

  std::vector<std::string> names = options.labels;
  const bool fixed_labels = !names.empty();
  const auto index_of = [&](const std::string& name) -> int {
    const auto it = std::ranges::find(names, name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
  };
  if (!fixed_labels) {
    for (const LabelledText& example : data) {
      for (const std::string& topic : example.topics) {
        if (index_of(topic) < 0) names.push_back(topic);
      }
    }
  }
  if (names.empty()) return Err(Status::InvalidArgument("the data has no labels at all"));
  if (names.size() > LinearModel::kMaxLabels) {
    return Err(Status::InvalidArgument("more than " + std::to_string(LinearModel::kMaxLabels) +
                                       " labels"));
  }
  const size_t n = names.size();

  const ModelInput input(options.features,
                         options.rules != nullptr ? &options.rules->taxonomy() : nullptr,
                         options.rule_feature_copies);
  FeatureBuffer buffer;
  std::vector<RuleOutcome> outcomes;
  std::vector<Encoded> encoded(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const LabelledText& example = data[i];
    if (options.loss == LossKind::kSoftmax && example.topics.size() != 1) {
      return Err(Status::InvalidArgument(Describe(example) +
                                         ": softmax training needs exactly one label"));
    }
    encoded[i].targets.assign(n, 0);
    for (const std::string& topic : example.topics) {
      const int l = index_of(topic);
      if (l < 0) {
        return Err(
            Status::InvalidArgument(Describe(example) + ": unknown label \"" + topic + "\""));
      }
      encoded[i].targets[static_cast<size_t>(l)] = 1;
    }
    input.Encode(example.title, example.body, options.rules, buffer, outcomes);
    encoded[i].ids = buffer.ids;
  }

  if (options.group_cap > 0) {
    std::unordered_map<std::string_view, size_t> group_sizes;
    for (const LabelledText& example : data) {
      if (!example.group.empty()) ++group_sizes[example.group];
    }
    for (size_t i = 0; i < data.size(); ++i) {
      if (data[i].group.empty()) continue;
      const size_t size = group_sizes[data[i].group];
      encoded[i].weight =
          std::min(1.0f, static_cast<float>(options.group_cap) / static_cast<float>(size));
    }
  }

  double total_weight = 0;
  for (const Encoded& example : encoded) total_weight += example.weight;

  const size_t buckets = input.bucket_count();
  std::vector<float> weights(buckets * n, 0.0f);
  std::vector<float> squared(buckets * n, 0.0f);  // AdaGrad's sums of squared gradients
  std::vector<float> bias(n, 0.0f);
  std::vector<float> bias_squared(n, 0.0f);
  std::vector<uint32_t> order(data.size());
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(options.seed);
  std::vector<float> z(n), gradient(n);
  const float rate = options.learning_rate;

  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    Shuffle(order, rng);
    double loss = 0;
    for (uint32_t index : order) {
      const Encoded& example = encoded[index];
      const float x = FeatureValue(example.ids.size());
      for (size_t l = 0; l < n; ++l) z[l] = bias[l];
      for (uint32_t id : example.ids) {
        const float* row = weights.data() + size_t{id} * n;
        for (size_t l = 0; l < n; ++l) z[l] += row[l] * x;
      }
      if (options.loss == LossKind::kOneVsRest) {
        for (size_t l = 0; l < n; ++l) {
          const float p = 1.0f / (1.0f + std::exp(-z[l]));
          const float y = example.targets[l];
          gradient[l] = (p - y) * example.weight;
          loss -= example.weight * std::log(std::max(y > 0 ? p : 1.0f - p, 1e-7f));
        }
      } else {
        const float top = *std::max_element(z.begin(), z.end());
        float total = 0;
        for (size_t l = 0; l < n; ++l) total += std::exp(z[l] - top);
        for (size_t l = 0; l < n; ++l) {
          const float p = std::exp(z[l] - top) / total;
          gradient[l] = (p - example.targets[l]) * example.weight;
          if (example.targets[l] > 0) loss -= example.weight * std::log(std::max(p, 1e-7f));
        }
      }
      for (size_t l = 0; l < n; ++l) {
        bias_squared[l] += gradient[l] * gradient[l];
        bias[l] -= rate * gradient[l] / std::sqrt(bias_squared[l] + kAdaGradEpsilon);
      }
      for (uint32_t id : example.ids) {
        float* row = weights.data() + size_t{id} * n;
        float* sq = squared.data() + size_t{id} * n;
        for (size_t l = 0; l < n; ++l) {
          const float g = gradient[l] * x + options.l2 * row[l];
          if (g == 0) continue;
          sq[l] += g * g;
          row[l] -= rate * g / std::sqrt(sq[l] + kAdaGradEpsilon);
        }
      }
    }
    if (progress) progress({epoch, options.epochs, loss / total_weight});
  }

  std::vector<ModelLabel> labels(n);
  for (size_t l = 0; l < n; ++l) {
    labels[l].name = names[l];
    labels[l].bias = bias[l];
  }
  std::vector<int8_t> quantised = Quantise(weights, labels);
  return LinearModel(options.model_name, options.features, options.loss, std::move(labels),
                     std::move(quantised),
                     options.rules != nullptr ? options.rule_feature_copies : 0);
}

}  // namespace headwire::core
