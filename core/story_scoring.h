#pragma once
// Story scoring: how well a new article fits one candidate story, from the article's cosines with
// the story's members. The closest member decides most of it; other members that also resemble
// the article add support, so coverage that shares a little with each of several members of a
// story (a follow-up naming the place of one report and the toll of another) can still join it.
// A story of which only a few members resemble the article scores less, so that a large story
// cannot absorb a neighbouring thread through the one member that shares a word with it:
//
//   score = (s1 + w * s2 + w² * s3) * min(1, sqrt(n / (a * m)))
//
// s1 ≥ s2 ≥ s3 the three best member cosines, w the support weight, n the members that resemble
// the article (cosine above the member floor), m the story's members in the window, a the
// agreement share. With w = 0 and a = 0 this is the closest-member cosine. A story of one member
// scores its cosine. Pure.

#include <array>
#include <cstdint>

#include "core/headline_features.h"

namespace headwire::core {

// The three best cosines of one candidate story's members with the article, and how many
// members resembled it.
class MemberScores {
 public:
  // Counts a resembling member; remembers `cosine` if it is among the three best seen.
  void Add(double cosine);
  double best() const { return best_[0]; }
  uint64_t count() const { return count_; }
  // The score above (missing members count 0), for a story of `story_members` members in the
  // window; `agreement` 0 leaves out the share factor.
  double Combined(double support_weight, double agreement = 0, uint64_t story_members = 0) const;

 private:
  std::array<double, 3> best_ = {0, 0, 0};  // descending
  uint64_t count_ = 0;
};

// True when a name of the article's title (HeadlineFeatures::title_names) is among the member's
// story terms (its title or lede).
bool SharesName(const HeadlineFeatures& article, const HeadlineFeatures& member);

}  // namespace headwire::core
