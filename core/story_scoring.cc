#include "core/story_scoring.h"

#include <algorithm>
#include <utility>

namespace headwire::core {

void MemberScores::Add(double cosine) {
  for (double& slot : best_) {
    if (cosine > slot) std::swap(cosine, slot);
  }
}

double MemberScores::Combined(double support_weight) const {
  return best_[0] + support_weight * (best_[1] + support_weight * best_[2]);
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
