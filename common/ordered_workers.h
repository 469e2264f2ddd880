#pragma once
// OrderedWorkers<T>: a fixed pool of threads that runs one function on each submitted item and
// hands the items back in submission order. The owner thread submits items and pops them; the
// pool's threads run `work` on items in any order and on several at once, so `work` must depend
// on its item alone (and on state that is read-only while the pool runs).
//
// Memory is bounded: at most `capacity` items are held (submitted and not yet popped) in a ring
// allocated once; Submit on a full pool is a precondition failure, so the owner pops first
// (full() tells when). No thread is created after construction.
//
// Usage:
//   common::OrderedWorkers<Job> pool(2, 64, [](Job& job) { job.result = Compute(job.input); });
//   if (pool.full()) Use(pool.Pop());  // the oldest item, its work done (by the owner if no
//                                      // thread had started it)
//   pool.Submit(Job{...});
//   while (auto job = pool.TryPop()) Use(*job);  // the oldest items whose work is done
//
// Thread safety: Submit, Pop, TryPop, size and full must be called from one thread (the owner);
// `work` runs on the pool's threads, and on the owner's inside Pop. The destructor stops the
// threads after their current item; items not popped are dropped.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace headwire::common {

template <typename T>
class OrderedWorkers {
 public:
  // Starts `threads` threads that run `work` (with none, Pop does every item's work); holds at
  // most `capacity` items (at least one).
  OrderedWorkers(size_t threads, size_t capacity, std::function<void(T&)> work)
      : work_(std::move(work)), ring_(std::max<size_t>(capacity, 1)) {
    threads_.reserve(threads);
    for (size_t i = 0; i < threads; ++i) {
      threads_.emplace_back([this](std::stop_token stop) { Serve(stop); });
    }
  }
  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;
  ~OrderedWorkers() {
    for (auto& thread : threads_) thread.request_stop();
    work_ready_.notify_all();
    threads_.clear();  // joins
  }

  // Items submitted and not yet popped.
  size_t size() const { return static_cast<size_t>(tail_ - head_); }
  bool full() const { return size() == ring_.size(); }

  // Queues `item` for `work`. Precondition: !full().
  void Submit(T item) {
    {
      std::lock_guard lock(mutex_);
      Slot& slot = ring_[tail_ % ring_.size()];
      slot.item = std::move(item);
      slot.done = false;
      ++tail_;
    }
    work_ready_.notify_one();
  }

  // The oldest item, once its work is done. When no thread has started it yet, the owner does
  // the work itself rather than wait for one (a busy machine may not run the pool's threads
  // soon); else it waits for that thread. Precondition: size() > 0.
  T Pop() {
    std::unique_lock lock(mutex_);
    Slot& slot = ring_[head_ % ring_.size()];
    if (next_ == head_) {
      ++next_;
      lock.unlock();
      work_(slot.item);
      lock.lock();
      slot.done = true;
    }
    item_done_.wait(lock, [&] { return slot.done; });
    ++head_;
    return std::move(slot.item);
  }

  // The oldest item if its work is done, else nullopt (also when the pool holds nothing).
  std::optional<T> TryPop() {
    std::lock_guard lock(mutex_);
    if (head_ == tail_) return std::nullopt;
    Slot& slot = ring_[head_ % ring_.size()];
    if (!slot.done) return std::nullopt;
    ++head_;
    return std::move(slot.item);
  }

 private:
  struct Slot {
    T item{};
    bool done = false;
  };

  void Serve(std::stop_token stop) {
    while (true) {
      T* item = nullptr;
      uint64_t index = 0;
      {
        std::unique_lock lock(mutex_);
        if (!work_ready_.wait(lock, stop, [&] { return next_ < tail_; })) return;
        index = next_++;
        item = &ring_[index % ring_.size()].item;
      }
      // The slot is this thread's until it is marked done: the owner neither pops it (not done)
      // nor reuses it (the ring holds it until popped).
      work_(*item);
      {
        std::lock_guard lock(mutex_);
        ring_[index % ring_.size()].done = true;
      }
      item_done_.notify_one();
    }
  }

  const std::function<void(T&)> work_;
  std::mutex mutex_;
  std::condition_variable_any work_ready_;  // an item was submitted, or stop
  std::condition_variable item_done_;       // an item's work is done
  std::vector<Slot> ring_;
  // Positions in submission order (slot = position % ring size): [head_, tail_) are held,
  // [next_, tail_) wait for a thread.
  uint64_t head_ = 0;
  uint64_t next_ = 0;
  uint64_t tail_ = 0;
  std::vector<std::jthread> threads_;  // last: started after, and joined before, the rest
};

}  // namespace headwire::common
