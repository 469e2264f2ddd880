#pragma once
// TermTable: the story terms of the recent-article window, each with how many articles in the
// window have it (its document frequency, for the IDF) and its posting list (the most recent of
// those articles, RecentRing).
//
// Contract: Count(hash) finds or adds the term and adds one to its document frequency; Find
// gives the term, or null when no article counts it; Erase(term) removes a term (its
// frequency must have gone back to 0). A term exists exactly while its frequency is above 0.
// Pointers from Find and Count stay valid until the next Count or Erase. One flat
// open-addressing array (linear probing, at most half full, backward-shift deletion) of 48-byte
// slots: a lookup usually reads one cache line, where the node-based hash map it replaces read a
// bucket and then a node, two dependent cache misses, and Prefetch lets a caller ask for the
// lines of all an article's terms before it reads any. Deterministic: the layout depends only on
// the calls made. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/recent_ring.h"

namespace headwire::core {

// One article on a term's posting list, with what scoring needs of it (RecentArticles).
struct TermPosting {
  uint64_t weight_and_seq;  // the term's weight in the article << 56 | the article's seq
  float norm;               // the article's TF-IDF norm
  uint32_t story_tag;       // a hash of its story id: equal for one story, rarely for two
};
static_assert(sizeof(TermPosting) == 16);

class TermTable {
 public:
  struct Term {
    uint64_t hash = 0;
    uint32_t document_frequency = 0;  // 0: the slot is empty
    RecentRing<TermPosting> postings;
  };

  const Term* Find(uint64_t hash) const;
  Term* Find(uint64_t hash);
  // Finds or adds the term and counts one more article with it; `created` tells which.
  Term& Count(uint64_t hash, bool& created);
  // Removes a term found by Find or Count whose document frequency is 0.
  void Erase(Term& term);
  // Asks the processor for the slot where a lookup of `hash` starts; changes nothing.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(hash)]);
  }
  size_t size() const { return size_; }

 private:
  size_t Home(uint64_t hash) const {
    // Fibonacci hashing on the top bits: term hashes are well mixed, this spreads them anyway.
    return static_cast<size_t>((hash * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  void Grow();

  std::vector<Term> slots_;
  size_t mask_ = 0;
  int shift_ = 64;  // 64 - log2 of slots_.size()
  size_t size_ = 0;
};

}  // namespace headwire::core
