#pragma once
// ArticleStore: the sink's RocksDB state and the queries over it.
//
// Column families:
//   articles    article id -> ProcessedArticle            (unique articles only)
//   latest      topic \0 (~event time, 8 bytes BE) article id -> ""   (newest first per topic;
//               articles without a topic are listed under "other")
//   duplicates  original id \0 duplicate id \0 raw partition (4) raw offset (8) -> ProcessedArticle
//   rejects     topic \0 partition (4) offset (8) -> reason   (records the sink could not decode)
//   offsets     consumed offsets (see common/state_store.h)
//
// Applying is idempotent: the first verdict stored for an article id wins, and a duplicate record
// is keyed by the raw record it came from, so applying the same processed record twice (a
// redelivery) changes nothing. Queries read one snapshot. Not thread-safe for writers.

#include <rocksdb/write_batch.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/state_store.h"
#include "common/status.h"
#include "headwire/v1/article.pb.h"

namespace headwire::sinks {

inline constexpr const char* kOtherTopic = "other";

struct StoreCounts {
  uint64_t articles = 0;
  uint64_t duplicates = 0;
  uint64_t rejects = 0;
};

class ArticleStore {
 public:
  // Opens the state at `path` for the sink daemon (creating it) or, with `for_queries`, beside a
  // running sink (read-only). Returns NotFound for queries on a path with no state.
  static Result<std::unique_ptr<ArticleStore>> Open(const std::string& path, bool for_queries,
                                                    size_t block_cache_bytes = 64 << 20);

  // Batch of changes that Commit() applies together with consumed offsets.
  class Batch {
   public:
    rocksdb::WriteBatch& writes() { return writes_; }

   private:
    friend class ArticleStore;
    rocksdb::WriteBatch writes_;
    std::set<std::string> article_ids_;  // unique articles staged in this batch
  };

  // Stages the effects of one processed record.
  Status Stage(Batch& batch, const v1::ProcessedArticle& article);
  // Stages a record that could not be decoded, so it is counted and inspectable.
  void StageReject(Batch& batch, const common::TopicPartition& tp, int64_t offset,
                   const std::string& reason);
  // Applies the batch with the offsets in one atomic write.
  Status Commit(Batch& batch, const std::map<common::TopicPartition, int64_t>& next_offsets);

  std::optional<int64_t> StoredOffset(const common::TopicPartition& tp) const {
    return store_->LoadOffset(tp);
  }

  // Newest `limit` unique articles of `topic` by event time (ties: article id), from one snapshot.
  Result<std::vector<v1::ProcessedArticle>> Latest(const std::string& topic, size_t limit) const;
  // Counts of every kind of record, from one snapshot.
  Result<StoreCounts> Counts() const;
  // Unique-article count per topic (including "other"), from one snapshot.
  Result<std::map<std::string, uint64_t>> TopicCounts() const;

 private:
  explicit ArticleStore(std::unique_ptr<common::StateStore> store) : store_(std::move(store)) {}

  std::unique_ptr<common::StateStore> store_;
};

}  // namespace headwire::sinks
