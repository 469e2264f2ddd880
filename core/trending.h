#pragma once
// The trending score of a term in a window against its own recent baseline. Pure.
//
//   score = (count + prior_count) / (baseline_mean + prior_baseline)
//
// where count is the term's article count in the current window and baseline_mean is its mean
// count over the `baseline_windows` windows just before it (windows without the term count 0).
// The priors keep a term seen once from scoring like one seen a hundred times, and keep the
// score finite for a term with no history. A term trends when count >= min_count and
// score >= min_score. Ranking: score descending, then count descending, then term.

#include <cstdint>
#include <string>
#include <vector>

namespace headwire::core {

struct TrendingOptions {
  // Windows before the current one that form the baseline. Default: 6.
  int baseline_windows = 6;
  // Fewest articles in the current window for a term to trend. Default: 2.
  uint64_t min_count = 2;
  // Smallest score that trends. Default: 1.5.
  double min_score = 1.5;
  // Priors added to the count and to the baseline mean. Default: 1 and 1.
  double prior_count = 1.0;
  double prior_baseline = 1.0;
};

struct TermWindowCounts {
  std::string term;
  uint64_t count = 0;              // current window
  std::vector<uint64_t> baseline;  // previous windows (missing ones may be omitted: they are 0)
};

struct TrendingTerm {
  std::string term;
  uint64_t count = 0;
  double baseline_mean = 0;
  double score = 0;
};

double TrendingScore(uint64_t count, double baseline_mean, const TrendingOptions& options);

// The trending terms among `candidates`, ranked.
std::vector<TrendingTerm> RankTrending(const std::vector<TermWindowCounts>& candidates,
                                       const TrendingOptions& options);

}  // namespace headwire::core
