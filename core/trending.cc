#include "core/trending.h"

#include <algorithm>

namespace headwire::core {

double TrendingScore(uint64_t count, double baseline_mean, const TrendingOptions& options) {
  return (static_cast<double>(count) + options.prior_count) /
         (baseline_mean + options.prior_baseline);
}

std::vector<TrendingTerm> RankTrending(const std::vector<TermWindowCounts>& candidates,
                                       const TrendingOptions& options) {
  std::vector<TrendingTerm> out;
  const double windows = std::max(1, options.baseline_windows);
  for (const auto& c : candidates) {
    if (c.count < options.min_count) continue;
    uint64_t total = 0;
    for (const uint64_t n : c.baseline) total += n;
    const double mean = static_cast<double>(total) / windows;
    const double score = TrendingScore(c.count, mean, options);
    if (score < options.min_score) continue;
    out.push_back({c.term, c.count, mean, score});
  }
  std::sort(out.begin(), out.end(), [](const TrendingTerm& a, const TrendingTerm& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.count != b.count) return a.count > b.count;
    return a.term < b.term;
  });
  return out;
}

}  // namespace headwire::core
