#pragma once
// TrainModel: fits a LinearModel to labelled texts with AdaGrad on the logistic loss of every
// label (one-vs-rest) or on the softmax cross-entropy, then quantises the weights to int8.
// Deterministic: the same data, options and seed give a byte-identical model on every machine
// (the shuffle uses std::mt19937_64, whose sequence the standard fixes). Pure; no I/O.
//
//   TrainOptions options;  // defaults: docs/classifier.md
//   auto model = TrainModel(examples, options, [](const EpochReport& r) { ... });

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/hashed_features.h"
#include "core/linear_model.h"
#include "core/rules_classifier.h"

namespace headwire::core {

// One labelled text; an empty `topics` means "other" (every label negative).
struct LabelledText {
  std::string id;
  std::string title;
  std::string body;
  std::vector<std::string> topics;
  // The story the text tells, when several texts tell it (the same event reported by many
  // outlets); empty: a story of its own. See TrainOptions::group_cap.
  std::string group;
  // Where the text was read ("train.jsonl:12"), so that an error about it names the place;
  // empty when it was not read from a file.
  std::string origin;
};

struct TrainOptions {
  // Recorded in the model file. Default: "topics".
  std::string model_name = "topics";
  FeatureOptions features;
  // Default: one-vs-rest (multi-label). Softmax needs exactly one label per example.
  LossKind loss = LossKind::kOneVsRest;
  // The labels, in the model's order. Empty: every label of the data, in order of first
  // appearance. Examples with a label outside a given list are an error.
  std::vector<std::string> labels;
  // Passes over the data. Default: 10.
  int epochs = 10;
  // AdaGrad's base step. Default: 0.5.
  float learning_rate = 0.5f;
  // L2 penalty applied to the weights a step touches. Default: 0.003 (chosen on the dev split).
  float l2 = 0.003f;
  // Seeds the order of examples in each epoch. Default: 1.
  uint64_t seed = 1;
  // When set, every example also gets the rules' verdicts as features (RuleFeatures) and the
  // model records that it expects them. Must outlive the call. Default: none.
  const RulesClassifier* rules = nullptr;
  // Copies of each rule feature (1..64), i.e. how much a verdict weighs against one word.
  // Default: 8 (chosen on the dev split).
  int rule_feature_copies = 8;
  // How many texts of one group teach as much as they can: the loss of a text of a group of n is
  // scaled by min(1, group_cap / n) (the L2 penalty of its step is not), so a story told 450 times
  // teaches no more than group_cap of its texts would and does not drown the words of the topic in
  // its own. 0: every text weighs 1. Default: 0.
  int group_cap = 0;

  // Returns InvalidArgument for out-of-range values (epochs 1..1000, learning rate > 0,
  // l2 >= 0, rule feature copies 1..64, group cap >= 0) or invalid feature options.
  Status Validate() const;
};

// Reported after each epoch.
struct EpochReport {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double mean_loss = 0;  // training loss per example over the epoch, weighted (group_cap)
};

// Returns the model, or InvalidArgument when the options are invalid, the data is empty, has a
// label outside options.labels, more than 256 labels, or (softmax) an example without exactly
// one label. The one-vs-rest thresholds start at 0.5; calibrate them on a dev set.
Result<LinearModel> TrainModel(std::span<const LabelledText> data, const TrainOptions& options,
                               const std::function<void(const EpochReport&)>& progress = {});

}  // namespace headwire::core
