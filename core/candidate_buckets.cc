#include "core/candidate_buckets.h"

#include <utility>

#include "core/similarity_hash.h"

namespace headwire::core {

size_t CandidateBuckets::Home(uint64_t key) const { return Mix64(key) & mask_; }

void CandidateBuckets::Grow() {
  std::vector<Slot> old = std::move(slots_);
  const size_t capacity = old.empty() ? 64 : 2 * old.size();
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (const Slot& slot : old) {
    if (slot.seq != kEmpty) Place(slot.key, slot.seq);
  }
}

void CandidateBuckets::Place(uint64_t key, uint64_t seq) {
  size_t i = Home(key);
  while (slots_[i].seq != kEmpty) i = (i + 1) & mask_;
  slots_[i] = Slot{key, seq};
}

void CandidateBuckets::Add(uint64_t key, uint64_t seq, size_t limit) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  // Every pair of `key` lies between its home slot and the first empty slot.
  size_t count = 0;
  size_t oldest = 0;
  for (size_t i = Home(key); slots_[i].seq != kEmpty; i = (i + 1) & mask_) {
    if (slots_[i].key != key) continue;
    if (count == 0 || slots_[i].seq < slots_[oldest].seq) oldest = i;
    ++count;
  }
  if (count > 0 && count >= limit) {
    EraseAt(oldest);
    --size_;
  }
  Place(key, seq);
  ++size_;
}

void CandidateBuckets::Remove(uint64_t key, uint64_t seq) {
  if (slots_.empty()) return;
  for (size_t i = Home(key); slots_[i].seq != kEmpty; i = (i + 1) & mask_) {
    if (slots_[i].key == key && slots_[i].seq == seq) {
      EraseAt(i);
      --size_;
      return;
    }
  }
}

void CandidateBuckets::AppendSeqs(uint64_t key, std::vector<uint64_t>& out) const {
  if (slots_.empty()) return;
  for (size_t i = Home(key); slots_[i].seq != kEmpty; i = (i + 1) & mask_) {
    if (slots_[i].key == key) out.push_back(slots_[i].seq);
  }
}

void CandidateBuckets::EraseAt(size_t index) {
  // Backward shift: pull later pairs of the probe run into the hole when the hole lies between
  // their home and where they are, so that no lookup meets an empty slot before its pairs.
  size_t hole = index;
  for (size_t j = (hole + 1) & mask_; slots_[j].seq != kEmpty; j = (j + 1) & mask_) {
    const size_t home = Home(slots_[j].key);
    if (((j - home) & mask_) >= ((j - hole) & mask_)) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
}

}  // namespace headwire::core
