#pragma once
// CandidateBuckets: the near-duplicate candidate index of the recent-article window, mapping a
// candidate key (MinHash band or SimHash block, already well mixed) to the arrival numbers (seqs)
// of the most recent articles that have it.
//
// Contract: for each key it holds at most `limit` seqs, the largest added; Add drops the smallest
// of a full key. Remove(key, seq) forgets one pair, if present. AppendSeqs gives a key's seqs in no
// particular order (callers sort). One flat open-addressing array of (key, seq) pairs with linear
// probing and backward-shift deletion, at most half full: 16 bytes a pair and usually one cache
// line a lookup, where a hash map of vectors takes a node, a vector and their allocations per key
// (most keys have a single article). Deterministic: the layout depends only on the calls made.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace headwire::core {

class CandidateBuckets {
 public:
  void Add(uint64_t key, uint64_t seq, size_t limit);
  void Remove(uint64_t key, uint64_t seq);
  void AppendSeqs(uint64_t key, std::vector<uint64_t>& out) const;
  // Asks the processor for the slot where a lookup of `key` starts; changes nothing.
  void Prefetch(uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(key)]);
  }
  size_t size() const { return size_; }  // pairs held

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;  // a seq no article gets
  struct Slot {
    uint64_t key = 0;
    uint64_t seq = kEmpty;
  };
  size_t Home(uint64_t key) const;
  void Grow();
  void Place(uint64_t key, uint64_t seq);
  void EraseAt(size_t index);

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace headwire::core
