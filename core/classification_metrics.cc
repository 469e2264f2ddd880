#include "core/classification_metrics.h"

#include <algorithm>

namespace headwire::core {
namespace {

bool Contains(std::span<const std::string> set, const std::string& label) {
  return std::ranges::find(set, label) != set.end();
}

double Ratio(uint64_t numerator, uint64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

double F1(uint64_t tp, uint64_t fp, uint64_t fn) { return Ratio(2 * tp, 2 * tp + fp + fn); }

}  // namespace

ClassificationMetrics::ClassificationMetrics(std::vector<std::string> labels)
    : labels_(std::move(labels)) {
  for (const std::string& label : labels_) counts_.labels.push_back(LabelScores{.label = label});
}

void ClassificationMetrics::Add(std::span<const std::string> gold,
                                std::span<const std::string> predicted) {
  ++counts_.examples;
  for (LabelScores& s : counts_.labels) {
    const bool in_gold = Contains(gold, s.label);
    const bool in_predicted = Contains(predicted, s.label);
    s.support += in_gold ? 1 : 0;
    s.true_positives += in_gold && in_predicted ? 1 : 0;
    s.false_positives += !in_gold && in_predicted ? 1 : 0;
    s.false_negatives += in_gold && !in_predicted ? 1 : 0;
  }
  const bool same =
      gold.size() == predicted.size() &&
      std::ranges::all_of(gold, [&](const auto& g) { return Contains(predicted, g); });
  exact_ += same ? 1 : 0;
  if (gold.empty()) {
    ++counts_.other_support;
    other_hits_ += predicted.empty() ? 1 : 0;
  }
  const std::string other = kOther;
  for (const std::string& g : gold.empty() ? std::span<const std::string>(&other, 1) : gold) {
    auto& row = counts_.confusion[g];
    if (predicted.empty()) ++row[other];
    for (const std::string& p : predicted) ++row[p];
  }
}

MetricsSummary ClassificationMetrics::Summarise() const {
  MetricsSummary out = counts_;
  uint64_t tp = 0, fp = 0, fn = 0;
  double f1_sum = 0;
  for (LabelScores& s : out.labels) {
    s.precision = Ratio(s.true_positives, s.true_positives + s.false_positives);
    s.recall = Ratio(s.true_positives, s.true_positives + s.false_negatives);
    s.f1 = F1(s.true_positives, s.false_positives, s.false_negatives);
    s.scored = s.true_positives + s.false_positives + s.false_negatives > 0;
    tp += s.true_positives;
    fp += s.false_positives;
    fn += s.false_negatives;
    if (s.scored) {
      f1_sum += s.f1;
      ++out.macro_labels;
    }
  }
  out.micro_f1 = F1(tp, fp, fn);
  out.macro_f1 = out.macro_labels == 0 ? 0.0 : f1_sum / static_cast<double>(out.macro_labels);
  out.exact_match = Ratio(exact_, out.examples);
  out.other_accuracy = Ratio(other_hits_, out.other_support);
  return out;
}

}  // namespace headwire::core
