// Pairwise and B-cubed scores, checked against values worked out by hand.

#include "core/clustering_metrics.h"

#include <gtest/gtest.h>

namespace headwire::core {
namespace {

TEST(ClusteringMetricsTest, PerfectClusteringScoresOne) {
  const std::vector<std::string> gold = {"a", "a", "b"};
  const std::vector<std::string> predicted = {"x", "x", "y"};
  EXPECT_DOUBLE_EQ(ScorePairwise(gold, predicted).f1, 1.0);
  EXPECT_DOUBLE_EQ(ScoreBCubed(gold, predicted).f1, 1.0);
}

TEST(ClusteringMetricsTest, OneBigClusterHasFullRecallLowPrecision) {
  // gold {1,2} {3} {4}; predicted all together. Pairs: gold 1, predicted 6, correct 1.
  const std::vector<std::string> gold = {"a", "a", "b", "c"};
  const std::vector<std::string> predicted = {"x", "x", "x", "x"};
  const auto pairwise = ScorePairwise(gold, predicted);
  EXPECT_EQ(pairwise.gold_pairs, 1u);
  EXPECT_EQ(pairwise.predicted_pairs, 6u);
  EXPECT_EQ(pairwise.correct_pairs, 1u);
  EXPECT_DOUBLE_EQ(pairwise.precision, 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(pairwise.recall, 1.0);
  // B-cubed precision: items 1,2 -> 2/4 each, items 3,4 -> 1/4 each: (0.5+0.5+0.25+0.25)/4.
  const auto bcubed = ScoreBCubed(gold, predicted);
  EXPECT_DOUBLE_EQ(bcubed.precision, 0.375);
  EXPECT_DOUBLE_EQ(bcubed.recall, 1.0);
  EXPECT_DOUBLE_EQ(bcubed.f1, F1(0.375, 1.0));
}

TEST(ClusteringMetricsTest, AllSingletonsHaveFullPrecision) {
  const std::vector<std::string> gold = {"a", "a", "a"};
  const std::vector<std::string> predicted = {"x", "y", "z"};
  EXPECT_DOUBLE_EQ(ScorePairwise(gold, predicted).precision, 1.0);
  EXPECT_DOUBLE_EQ(ScorePairwise(gold, predicted).recall, 0.0);
  EXPECT_DOUBLE_EQ(ScoreBCubed(gold, predicted).recall, 1.0 / 3.0);
}

}  // namespace
}  // namespace headwire::core
