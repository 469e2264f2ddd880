#pragma once
// MemberDotProducts: the per-member sums of partial dot products behind the story search of
// RecentArticles::Decide. Each term the article searches gives one partial product for every
// member on the term's posting list; a member's dot product with the article is the sum of its
// partials.
//
// Contract: after Reset() and the Add() calls it made room for, Finish() leaves members() with
// one Member per distinct seq added, in the order the seqs were first added. Its `dot` is, bit for
// bit, the sum 0 + p1 + p2 + ... of its partial products in ascending order: floating-point
// addition is not associative, and that is the order in which the story scoring has always summed
// them (it sorted every partial by seq, then product), so the cosines, and every verdict built on
// them, stay the same. `norm` and `story_tag` are those passed with the member's first partial (the
// caller passes the same for every partial of one seq). Add is O(1) (open addressing on the seq);
// Finish sorts only the partials of members found through three or more terms, since two
// partials add up the same in either order. Not thread-safe; one object is reused for its
// capacity.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace headwire::core {

class MemberDotProducts {
 public:
  struct Member {
    uint64_t seq = 0;
    double dot = 0;
    double first = 0;  // the first partial product
    float norm = 0;
    uint32_t story_tag = 0;
    uint32_t partials = 0;  // how many Add calls named this seq
    uint32_t slot = 0;      // its place in the hash table, to empty it on the next Reset
  };

  // Forgets the previous members and makes room for `partials` Add calls; no more may follow
  // before the next Reset.
  void Reset(size_t partials);
  void Add(uint64_t seq, double dot, float norm, uint32_t story_tag) {
    size_t i = Home(seq);
    for (; slots_[i] != 0; i = (i + 1) & mask_) {
      Member& member = members_[slots_[i] - 1];
      if (member.seq != seq) continue;
      member.dot += dot;
      if (++member.partials >= 3) repeated_ = true;
      later_.emplace_back(slots_[i] - 1, dot);
      return;
    }
    members_.push_back({seq, 0.0 + dot, dot, norm, story_tag, 1, static_cast<uint32_t>(i)});
    slots_[i] = static_cast<uint32_t>(members_.size());
  }
  void Finish();
  const std::vector<Member>& members() const { return members_; }

 private:
  size_t Home(uint64_t seq) const {
    // Fibonacci hashing: seqs are consecutive integers, and the top bits of the product spread
    // them.
    return static_cast<size_t>((seq * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  std::vector<uint32_t> slots_;  // index into members_ plus one; 0 is empty
  size_t mask_ = 0;
  int shift_ = 63;  // 64 - log2 of slots_.size()
  std::vector<Member> members_;
  // (member index, product) of every partial after a member's first, as added; then, in
  // Finish, every partial of the members with three or more.
  std::vector<std::pair<uint32_t, double>> later_;
  bool repeated_ = false;  // some member has three partials or more
};

}  // namespace headwire::core
