#pragma once
// ClassificationMetrics: scores multi-label predictions against gold labels: per-label
// precision, recall and F1, micro and macro F1, exact match, accuracy on "other" (gold has no
// label) and a confusion summary. Pure; accumulate with Add, then read Summarise.

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace headwire::core {

struct LabelScores {
  std::string label;
  uint64_t support = 0;  // gold examples with the label
  uint64_t true_positives = 0;
  uint64_t false_positives = 0;
  uint64_t false_negatives = 0;
  double precision = 0;  // 0 when nothing was predicted
  double recall = 0;     // 0 when nothing was gold
  double f1 = 0;
  // False when the label has neither gold nor predicted examples: its precision, recall and F1
  // are 0/0, undefined rather than 0, and it is left out of macro F1.
  bool scored = false;
};

struct MetricsSummary {
  uint64_t examples = 0;
  std::vector<LabelScores> labels;  // in the order given to the constructor
  double micro_f1 = 0;
  double macro_f1 = 0;         // unweighted mean of the scored labels' F1; 0 when none is
  size_t macro_labels = 0;     // how many labels macro F1 averages: the scored ones
  double exact_match = 0;      // share of examples whose predicted set equals the gold set
  uint64_t other_support = 0;  // gold examples with no label
  double other_accuracy = 0;   // share of those predicted with no label either; 0 when none
  // confusion[gold][predicted]: for every gold label (or "other") of an example, the labels
  // predicted for it ("other" when none). The diagonal counts hits; the rest shows what a label
  // is mistaken for.
  std::map<std::string, std::map<std::string, uint64_t>> confusion;
};

class ClassificationMetrics {
 public:
  static constexpr const char* kOther = "other";

  explicit ClassificationMetrics(std::vector<std::string> labels);

  // Records one example. Labels outside the constructor's list count in the confusion summary
  // and against exact match but have no per-label scores.
  void Add(std::span<const std::string> gold, std::span<const std::string> predicted);

  MetricsSummary Summarise() const;

 private:
  std::vector<std::string> labels_;
  MetricsSummary counts_;
  uint64_t exact_ = 0;
  uint64_t other_hits_ = 0;
};

}  // namespace headwire::core
