#pragma once
// RecentRing<T>: the most recent values appended to a list, at most `limit` of them, oldest
// first; a term's posting list in RecentArticles.
//
// Contract: after any sequence of PushBack(v, limit) (one limit per ring) and PopFront() calls,
// the ring holds the same values in the same order as a vector to which each PushBack appended v
// after erasing its first value when it already held `limit` ones, and each PopFront erased its
// first value. The ring is one vector whose size is the number of values held, read from
// `head`: appending to a full ring overwrites its oldest value in place instead of shifting all
// the others (a full posting list of 64 shifted 1 KB on every append). Removing the oldest value
// shifts only the values stored after it, and the first append after that to a ring not full
// rotates it back to start at 0. Runs() gives the values oldest first, as two spans (plain loops,
// which the compiler keeps in registers better than a callback). Not thread-safe.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace headwire::core {

template <typename T>
class RecentRing {
 public:
  static constexpr size_t kCacheLine = 64;

  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  // The oldest value; the ring must not be empty.
  const T& front() const { return values_[head_]; }

  // Appends `value`; a ring holding `limit` values (or more) first drops its oldest. `limit`
  // must be at least 1.
  void PushBack(const T& value, size_t limit) {
    if (values_.size() >= limit) {
      values_[head_] = value;
      head_ = head_ + 1 == values_.size() ? 0 : head_ + 1;
      return;
    }
    if (head_ != 0) {
      std::rotate(values_.begin(), values_.begin() + head_, values_.end());
      head_ = 0;
    }
    values_.push_back(value);
  }

  // Drops the oldest value; the ring must not be empty.
  void PopFront() {
    values_.erase(values_.begin() + head_);
    if (head_ == values_.size()) head_ = 0;
  }

  // Asks the processor for the line of the oldest values, which Runs() gives first; changes
  // nothing.
  void PrefetchFront() const {
    if (!values_.empty()) __builtin_prefetch(values_.data() + head_);
  }

  // Asks the processor for every cache line of the values, in the order Runs() gives them;
  // changes nothing. A reader that then sums the whole list (RecentArticles::Decide) would
  // otherwise wait for each line in turn: the hardware prefetcher follows a stream only after
  // its first misses, and a full posting list is 16 lines.
  void Prefetch() const {
    for (std::span<const T> run : Runs()) {
      if (run.empty()) continue;
      const char* first = reinterpret_cast<const char*>(run.data());
      const char* end = first + run.size_bytes();
      for (const char* line = first; line < end; line += kCacheLine) __builtin_prefetch(line);
      __builtin_prefetch(end - 1);  // the last line, when `first` is not at a line's start
    }
  }

  // Every value, oldest first: the first span's, then the second's (empty unless the ring wraps).
  std::array<std::span<const T>, 2> Runs() const {
    const std::span<const T> all(values_);
    return {all.subspan(head_), all.first(head_)};
  }

 private:
  std::vector<T> values_;
  uint32_t head_ = 0;  // index of the oldest value in values_
};

}  // namespace headwire::core
