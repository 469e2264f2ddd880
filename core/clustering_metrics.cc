#include "core/clustering_metrics.h"

#include <map>
#include <utility>

namespace headwire::core {
namespace {

uint64_t Pairs(uint64_t n) { return n * (n - 1) / 2; }

struct Contingency {
  std::map<std::pair<std::string, std::string>, uint64_t> cells;
  std::map<std::string, uint64_t> gold_sizes;
  std::map<std::string, uint64_t> predicted_sizes;
};

Contingency Count(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  Contingency c;
  const size_t n = std::min(gold.size(), predicted.size());
  for (size_t i = 0; i < n; ++i) {
    ++c.cells[{gold[i], predicted[i]}];
    ++c.gold_sizes[gold[i]];
    ++c.predicted_sizes[predicted[i]];
  }
  return c;
}

}  // namespace

double F1(double precision, double recall) {
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
}

PairwiseClusterScores ScorePairwise(const std::vector<std::string>& gold,
                                    const std::vector<std::string>& predicted) {
  const Contingency c = Count(gold, predicted);
  PairwiseClusterScores s;
  for (const auto& [cell, n] : c.cells) s.correct_pairs += Pairs(n);
  for (const auto& [label, n] : c.gold_sizes) s.gold_pairs += Pairs(n);
  for (const auto& [label, n] : c.predicted_sizes) s.predicted_pairs += Pairs(n);
  s.precision = s.predicted_pairs ? double(s.correct_pairs) / double(s.predicted_pairs) : 1.0;
  s.recall = s.gold_pairs ? double(s.correct_pairs) / double(s.gold_pairs) : 1.0;
  s.f1 = F1(s.precision, s.recall);
  return s;
}

ClusterScores ScoreBCubed(const std::vector<std::string>& gold,
                          const std::vector<std::string>& predicted) {
  const Contingency c = Count(gold, predicted);
  ClusterScores s;
  uint64_t items = 0;
  for (const auto& [cell, n] : c.cells) {
    const double overlap = double(n) * double(n);
    s.precision += overlap / double(c.predicted_sizes.at(cell.second));
    s.recall += overlap / double(c.gold_sizes.at(cell.first));
    items += n;
  }
  if (items == 0) return {1, 1, 1};
  s.precision /= double(items);
  s.recall /= double(items);
  s.f1 = F1(s.precision, s.recall);
  return s;
}

}  // namespace headwire::core
