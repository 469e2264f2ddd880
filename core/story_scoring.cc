#include "core/story_scoring.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace headwire::core {

void MemberScores::Add(double cosine) {
  ++count_;
  for (double& slot : best_) {
    if (cosine > slot) std::swap(cosine, slot);
  }
}

double MemberScores::Combined(double support_weight, double agreement,
                              uint64_t story_members) const {
  const double score = best_[0] + support_weight * (best_[1] + support_weight * best_[2]);
  const double needed = agreement * static_cast<double>(story_members);
  if (static_cast<double>(count_) >= needed) return score;
  return score * std::sqrt(static_cast<double>(count_) / needed);
}

bool SharesName(const HeadlineFeatures& article, const HeadlineFeatures& member) {
  for (uint64_t name : article.title_names) {
    const auto it =
        std::lower_bound(member.terms.begin(), member.terms.end(), name,
                         [](const StoryTerm& term, uint64_t hash) { return term.hash < hash; });
    if (it != member.terms.end() && it->hash == name) return true;
  }
  return false;
}

}  // namespace headwire::core
