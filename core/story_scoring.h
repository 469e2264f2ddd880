#pragma once
// Story scoring: how well a new article fits one candidate story, from the article's cosines with
// the story's members. The closest member decides most of it; other members that also resemble
// the article add support, so coverage that shares a little with each of several members of a
// story (a follow-up naming the place of one report and the toll of another) can still join it:
//
//   score = s1 + w * s2 + w² * s3       s1 ≥ s2 ≥ s3 the three best member cosines, w = weight
//
// With w = 0 this is the closest-member cosine. A story of one member scores its cosine. Pure.

#include <array>

#include "core/headline_features.h"

namespace headwire::core {

// The three best member cosines of one candidate story.
class MemberScores {
 public:
  // Remembers `cosine` if it is among the three best seen.
  void Add(double cosine);
  double best() const { return best_[0]; }
  // s1 + w * s2 + w² * s3 (missing members count 0).
  double Combined(double support_weight) const;

 private:
  std::array<double, 3> best_ = {0, 0, 0};  // descending
};

// True when a name of the article's title (HeadlineFeatures::title_names) is among the member's
// story terms (its title or lede).
bool SharesName(const HeadlineFeatures& article, const HeadlineFeatures& member);

}  // namespace headwire::core
