#pragma once
// Scores of a clustering against gold clusters, for the dedup/story evaluation. Items are
// positions; gold[i] and predicted[i] are the cluster labels of item i.
//
// Pairwise: precision and recall over the pairs of items put in one cluster.
// B-cubed (Bagga & Baldwin 1998): per item, the share of its predicted cluster that is in its
// gold cluster (precision) and the share of its gold cluster that is in its predicted cluster
// (recall), averaged over items. Both computed from the contingency table, O(n log n).

#include <cstdint>
#include <string>
#include <vector>

namespace headwire::core {

struct ClusterScores {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

struct PairwiseClusterScores : ClusterScores {
  uint64_t gold_pairs = 0;
  uint64_t predicted_pairs = 0;
  uint64_t correct_pairs = 0;
};

// Precision and recall are 1 when there are no predicted (gold) pairs at all.
PairwiseClusterScores ScorePairwise(const std::vector<std::string>& gold,
                                    const std::vector<std::string>& predicted);

ClusterScores ScoreBCubed(const std::vector<std::string>& gold,
                          const std::vector<std::string>& predicted);

// Harmonic mean; 0 when both are 0.
double F1(double precision, double recall);

}  // namespace headwire::core
