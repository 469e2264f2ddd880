#pragma once
// OrderedDecider: ArticleDecider's decisions with the part that depends on each record alone
// (decoding, validation, classification, size check, near-duplicate features:
// ArticleDecider::Prepare) on a fixed pool of worker threads, and the part against the dedup state
// (exact, near duplicates, stories) on the caller's thread, strictly in the order the records were
// added. The decisions, their outputs and their order are those of ArticleDecider::Decide called
// record by record, whatever the worker count and wherever the caller finishes its batches.
//
// Usage (the processor's stage, processors/article_processor.cc):
//   OrderedDecider ordered(decider, {.workers = 2});
//   per record:         ordered.Add(record, emit, decided);  // calls decided(...) for every
//                                                            // record whose turn has come
//   before persisting:  ordered.Finish(decided);             // every record added so far
//
// Memory: at most options.capacity records are held (copied) at once; Add decides the oldest
// first when that many are waiting. Not thread-safe: one caller, the same thread each time; the
// decider must outlive this and is not used by other callers meanwhile (Prepare excepted).

#include <cstddef>
#include <functional>
#include <memory>

#include "common/ordered_workers.h"
#include "common/record.h"
#include "common/status.h"
#include "processors/article_decider.h"

namespace headwire::processors {

struct OrderedDeciderOptions {
  // Threads that prepare records ahead of their decisions. 0 or 1: no thread, each record is
  // prepared and decided when added, on the caller's thread. Default: 1.
  size_t workers = 1;
  // Records added and not yet decided, at most; bounds the memory of a pool. Default: 256.
  size_t capacity = 256;
};

class OrderedDecider {
 public:
  // Receives each record's decision, in the order the records were added; an error it returns
  // stops Add or Finish with that error.
  using Decided = std::function<Status(const common::ConsumedRecord& record,
                                       ArticleDecider::Emit emit, ArticleDecision decision)>;

  // `decider` must outlive this.
  OrderedDecider(ArticleDecider& decider, const OrderedDeciderOptions& options);
  OrderedDecider(const OrderedDecider&) = delete;
  OrderedDecider& operator=(const OrderedDecider&) = delete;
  ~OrderedDecider();

  // Takes `record` (copied when prepared on a worker) to be decided with `emit`, and hands every
  // record whose decision is ready and whose predecessors are decided to `decided`. Returns the
  // first error of Decide (the state cannot be read) or of `decided`.
  Status Add(const common::ConsumedRecord& record, ArticleDecider::Emit emit,
             const Decided& decided);

  // Decides every record added and not yet decided, in order, waiting for their preparation.
  // Returns the first error as Add does.
  Status Finish(const Decided& decided);

 private:
  struct Pending;
  Status DecideOne(Pending pending, const Decided& decided);

  ArticleDecider& decider_;
  std::unique_ptr<common::OrderedWorkers<Pending>> pool_;  // null without workers
};

}  // namespace headwire::processors
