#pragma once
// LinearModel: the learned part of the topic classifier. One linear scorer per label over the
// hashed features of FeatureExtractor, with int8 weights (one scale per label) so that the
// shipped file is small and a prediction reads one 4-byte row per feature. Labels are scored
// independently (one-vs-rest: a sigmoid each, several may pass their thresholds) or jointly
// (softmax: the probabilities sum to 1, for single-label data such as AG News).
//
// A model is an immutable value once built (ModelTrainer or Deserialize); Predict is const and
// allocation-free, safe from many threads. File format (docs/classifier.md): magic "HWTM",
// format version, feature options, labels with thresholds, biases and scales, the non-zero
// weight rows, and an XXH64 checksum.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/hashed_features.h"

namespace headwire::core {

enum class LossKind : uint8_t { kOneVsRest = 0, kSoftmax = 1 };

struct ModelLabel {
  std::string name;
  // A one-vs-rest label is assigned when its probability >= threshold; calibrated on a dev set.
  // Unused by softmax models, which assign the most probable label.
  float threshold = 0.5f;
  float bias = 0.0f;
  float scale = 0.0f;  // weight = scale * int8 value
};

class LinearModel {
 public:
  // Version 2 added FeatureOptions::max_body_words; version 1 files still load (whole body).
  static constexpr uint32_t kFormatVersion = 2;
  // The most labels a model may have: a prediction keeps its sums on the stack, and a file that
  // claims more is corrupt.
  static constexpr uint32_t kMaxLabels = 256;

  // `weights` has bucket_count * labels.size() entries, row-major by bucket. `features` must be
  // valid and `labels` non-empty; names are unique.
  // `rule_feature_copies` > 0: the model was trained with the taxonomy rules' verdicts as extra
  // features (RuleFeatures, that many copies each) and expects them; 0: without.
  LinearModel(std::string name, FeatureOptions features, LossKind loss,
              std::vector<ModelLabel> labels, std::vector<int8_t> weights,
              int rule_feature_copies = 0);

  // Parses a model file's bytes. Returns Corruption (naming `origin`) when they are not a
  // complete, intact model of a supported format version.
  static Result<LinearModel> Deserialize(std::string_view bytes, std::string_view origin);
  // Reads and parses the file at `path`: NotFound, IoError or Corruption on failure.
  static Result<LinearModel> FromFile(const std::string& path);

  std::string Serialize() const;
  // Writes Serialize() to `path`. Returns IoError when it cannot.
  Status Save(const std::string& path) const;

  // Writes one probability per label into `probabilities` (size == labels().size()) for the
  // features `ids` of one text. No features: the probabilities of the biases alone.
  void Predict(std::span<const uint32_t> ids, std::span<float> probabilities) const;

  // The labels a prediction assigns: those at or above their threshold (one-vs-rest), or the
  // most probable one (softmax). Indexes into labels(), ascending.
  std::vector<size_t> Assign(std::span<const float> probabilities) const;

  // What feature `id` adds to label `label`'s raw score when it occurs once in a text of
  // `feature_count` features (for explanations).
  float Contribution(uint32_t id, size_t label, size_t feature_count) const;

  // Sets every one-vs-rest threshold; `thresholds` is parallel to labels().
  void SetThresholds(std::span<const float> thresholds);

  const std::string& name() const { return name_; }
  const FeatureOptions& feature_options() const { return features_; }
  LossKind loss() const { return loss_; }
  int rule_feature_copies() const { return rule_feature_copies_; }
  const std::vector<ModelLabel>& labels() const { return labels_; }
  // Index of the label called `name` in labels(), or -1.
  int LabelIndex(std::string_view name) const;
  // Number of buckets with at least one non-zero weight (what the file stores).
  size_t NonZeroRows() const;

 private:
  std::string name_;
  FeatureOptions features_;
  LossKind loss_;
  std::vector<ModelLabel> labels_;
  std::vector<int8_t> weights_;
  int rule_feature_copies_ = 0;
};

// Every feature occurrence of a text carries the same value, 1/sqrt(number of features), so
// that texts of any length have feature vectors of about unit norm and one learning rate suits
// a five-word headline and a headline with a body alike.
float FeatureValue(size_t feature_count);

}  // namespace headwire::core
