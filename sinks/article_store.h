#pragma once
// ArticleStore: the sink's RocksDB state. Layout in sinks/state_layout.h and docs/state.md:
//   articles    id -> ProcessedArticle (unique articles only)
//   latest      newest-first index per topic, plus "*" for all topics; articles whose event
//               time the producer estimated come after every dated one
//   duplicates  duplicate records, keyed by the original and the raw record they came from
//   rejects     records the sink could not decode
//   windows     tumbling minute/hour/day counts per topic and source (unique + duplicates)
//   terms       hour/day term counts per topic, for trending
//   stories     story id -> members, size, sources (capped), topics, first/last seen, headline
//   counters    late records
//   meta        per-partition largest event time and expiry horizon, watermark, expiry
//               horizon, the taxonomy's topics (from the records' scores)
//   offsets     consumed offsets (see common/state_store.h)
//
// Applying is idempotent: the first verdict stored for an article id wins and a duplicate record
// is keyed by the raw record it came from, so applying the same processed record twice (a
// redelivery) changes nothing, windows and stories included. Lateness is judged per input
// partition (core/watermark.h), so the state depends only on the input, never on timing.
// Every entry expires by event time: a compaction filter drops what is older than the horizon
// (global watermark - retention), and queries and the digest skip it before compaction does.
// Stories and rejects belong to one input partition and also wait for that partition's own
// horizon (its watermark - retention, held at most a retention behind the global one): whether a
// stored story is continued or starts afresh then depends on its partition's records alone, not
// on how far other partitions or the idle rule have moved the global watermark, unless the
// partition lags the global watermark by more than the retention (ExpiryHorizons in
// state_layout.h).
// Files that no new write overlaps are never compacted on their own, so each time the global
// horizon, or the one below which some partition's entries may go, has advanced by a quarter of
// the retention a background thread compacts the whole database.
//
// Threads: one writer (Stage/Commit/AdvanceWatermark/Checkpoint) and any number of concurrent
// readers (queries), each reading one RocksDB snapshot.

#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/state_store.h"
#include "common/status.h"
#include "core/story_status.h"
#include "core/trending.h"
#include "core/watermark.h"
#include "headwire/v1/article.pb.h"
#include "sinks/state_layout.h"
#include "sinks/story_record.h"

namespace headwire::sinks {

inline constexpr const char* kOtherTopic = "other";

class ExpirySweeper;  // article_store.cc

struct StoreOptions {
  // Memory budget of the RocksDB state: one block cache of this size, to which the memtables
  // of every column family (at most half of it) and index/filter blocks are charged.
  // Default: 256 MiB.
  size_t memory_budget_bytes = 256 << 20;
  // Watermark rules (out-of-orderness, grace). Defaults: 10 minutes, 1 hour.
  core::WatermarkOptions watermark = {};
  // Event time for which every kind of state is kept behind the watermark. Must exceed the
  // grace period plus out-of-orderness. Default: 7 days.
  int64_t retention_ms = 7 * 24 * 3600 * 1000LL;
  // Story life cycle (growing/closed). Defaults: 1 hour windows, closed after 6 hours quiet.
  core::StoryStatusOptions stories = {};
  // Trending score parameters (core/trending.h).
  core::TrendingOptions trending = {};
  // Most distinct sources a story counts members of by name: the first ones in byte order, so
  // that which are named does not depend on the arrival order. Members of any other source are
  // only counted together, so a story syndicated by many outlets, or a stream of made-up source
  // names, cannot grow a stored story without bound (0: none by name). Default: 200.
  size_t max_story_sources = 200;
};

struct StoreCounts {
  uint64_t articles = 0;
  uint64_t duplicates = 0;
  uint64_t rejects = 0;
  uint64_t late = 0;
};

// What Stage did with a record. kLate: counted once per record (a redelivery of a late record
// is kRedelivery), not applied. kFarAhead: more than WatermarkOptions::max_ahead_ms ahead of its
// partition's largest event time; not applied and moves nothing, the caller records a reject.
enum class StageOutcome { kApplied, kRedelivery, kLate, kFarAhead };

class ArticleStore {
 public:
  // Opens the state at `path` for the sink daemon (creating it) or, with `for_queries`, beside a
  // running sink (read-only). Returns NotFound for queries on a path with no state.
  static Result<std::unique_ptr<ArticleStore>> Open(const std::string& path, bool for_queries,
                                                    const StoreOptions& options = {});

  // Changes that Commit() applies together with consumed offsets.
  class Batch {
   public:
    rocksdb::WriteBatch& writes() { return writes_; }

   private:
    friend class ArticleStore;
    rocksdb::WriteBatch writes_;
    std::unordered_set<std::string> article_ids_;     // unique articles staged in this batch
    std::unordered_set<std::string> duplicate_keys_;  // duplicate records staged in this batch
    std::unordered_set<std::string> late_keys_;       // late records staged in this batch
    // Keyed by the window or term count's key; Commit writes them in key order.
    std::unordered_map<std::string, WindowCounts> window_deltas_;
    std::unordered_map<std::string, uint64_t> term_deltas_;
    // story id -> state (nullopt: none yet)
    std::unordered_map<std::string, std::optional<StoryRecord>> stories_;
    std::set<std::string> new_topics_;  // taxonomy topics not stored before
    uint64_t late_ = 0;
    // Rejects of partitions without a watermark yet (provisional), stamped at Commit.
    struct PendingReject {
      std::string partition;
      std::string key;
      std::string reason;
    };
    std::vector<PendingReject> pending_rejects_;
    // Partitions that got their first watermark in this batch, with it.
    std::map<std::string, int64_t> first_watermarks_;
  };

  // Stages the effects of one processed record read from `partition` (any stable name of the
  // input partition, e.g. "topic/0").
  Result<StageOutcome> Stage(Batch& batch, const v1::ProcessedArticle& article,
                             const std::string& partition = "");
  // Stages a record that could not be decoded, so it is counted and inspectable. It is stamped
  // with its partition's watermark, so it counts until its own partition has moved on by the
  // retention. One that arrives while the partition has none gets the first one the partition
  // gets, whatever the batching; until then (for good, if the partition never gets one) it is
  // dated by the sink's global watermark, and waits without expiring while the sink has none.
  void StageReject(Batch& batch, const common::TopicPartition& tp, int64_t offset,
                   const std::string& reason);
  // Applies the batch with the offsets and the partitions' event-time maxima in one atomic write,
  // and advances the watermark with `idle` partitions not holding it back.
  Status Commit(Batch& batch, const std::map<common::TopicPartition, int64_t>& next_offsets,
                const std::set<std::string>& idle = {});
  // Recomputes and stores the global watermark (and the expiry horizon) with `idle` partitions
  // not holding it back.
  Status AdvanceWatermark(const std::set<std::string>& idle);
  // Every partition seen so far.
  std::set<std::string> KnownPartitions() const;

  std::optional<int64_t> StoredOffset(const common::TopicPartition& tp) const {
    return store_->LoadOffset(tp);
  }
  std::map<common::TopicPartition, int64_t> StoredOffsets() const { return store_->LoadOffsets(); }

  // Newest `limit` unique articles of `topic` by event time (ties: article id), from one snapshot;
  // articles with an estimated event time come after every dated one.
  Result<std::vector<v1::ProcessedArticle>> Latest(const std::string& topic, size_t limit) const;
  // Counts of every kind of record, from one snapshot.
  Result<StoreCounts> Counts() const;
  // The topics of the taxonomy the input was classified with (every topic a processed record
  // scored), as stored; empty before the first record.
  std::set<std::string> KnownTopics() const;
  // Unique-article count per topic (including "other"), from one snapshot.
  Result<std::map<std::string, uint64_t>> TopicCounts() const;

  common::StateStore& state() const { return *store_; }
  const StoreOptions& options() const { return options_; }
  // The watermark of the input partition `tp` (its largest event time minus the allowed
  // out-of-orderness); nullopt before its first record.
  std::optional<int64_t> PartitionWatermark(const common::TopicPartition& tp) const {
    return tracker_.PartitionWatermark(common::PartitionName(tp));
  }

 private:
  ArticleStore(std::unique_ptr<common::StateStore> store, StoreOptions options,
               std::shared_ptr<ExpiryHorizons> horizons);

 public:
  ~ArticleStore();
  ArticleStore(const ArticleStore&) = delete;
  ArticleStore& operator=(const ArticleStore&) = delete;

 private:
  Status LoadStory(Batch& batch, const std::string& story_id);
  void StageStory(Batch& batch, const v1::ProcessedArticle& article, const std::string& partition);
  // The partition's own horizon as its records so far put it; nullopt before its first
  // watermark. Never behind the one published to compaction.
  std::optional<int64_t> PartitionHorizon(const std::string& partition) const;
  // The new stamp of a provisional reject of `partition` stamped `stamp`: the partition's first
  // watermark when `first_watermarks` (the partitions that get theirs now) holds it, else for a
  // pending one the sink's global watermark once there is one; nullopt: `stamp` stays.
  std::optional<int64_t> ProvisionalRejectStamp(
      const std::string& partition, int64_t stamp,
      const std::map<std::string, int64_t>& first_watermarks) const;
  // Re-stamps the stored rejects by ProvisionalRejectStamp, deleting instead those that queries
  // no longer show. Reads every reject.
  Status RestampStoredRejects(rocksdb::WriteBatch& writes,
                              const std::map<std::string, int64_t>& first_watermarks);
  void StageWindows(Batch& batch, const v1::ProcessedArticle& article,
                    const std::vector<std::string>& topics, bool duplicate);
  void StageTopics(Batch& batch, const v1::ProcessedArticle& article);
  // Advances the global watermark and stores it with the global horizon, which it returns;
  // nullopt before the first watermark.
  std::optional<int64_t> StageWatermark(rocksdb::WriteBatch& writes,
                                        const std::set<std::string>& idle);

  std::unique_ptr<common::StateStore> store_;
  // The handles of the column families, looked up once rather than by name for every write.
  struct Families {
    rocksdb::ColumnFamilyHandle* articles;
    rocksdb::ColumnFamilyHandle* latest;
    rocksdb::ColumnFamilyHandle* duplicates;
    rocksdb::ColumnFamilyHandle* rejects;
    rocksdb::ColumnFamilyHandle* windows;
    rocksdb::ColumnFamilyHandle* terms;
    rocksdb::ColumnFamilyHandle* stories;
    rocksdb::ColumnFamilyHandle* counters;
    rocksdb::ColumnFamilyHandle* meta;
  };
  Families families_;
  StoreOptions options_;
  core::WatermarkTracker tracker_;
  std::shared_ptr<ExpiryHorizons> horizons_;
  // As last committed (and published through horizons_); stored under kPartitionHorizonPrefix.
  ExpiryHorizons::PartitionHorizons partition_horizons_;
  std::optional<int64_t> watermark_;    // never moves back
  std::set<std::string> known_topics_;  // stored under kTopicPrefix
  // The horizons at the last sweep: expired entries are swept every quarter of the retention.
  std::shared_ptr<const ExpiryHorizons::Snapshot> swept_;
  // Declared last so that it stops before the database closes.
  std::unique_ptr<ExpirySweeper> sweeper_;
};

// The topics an article is listed under: its topics, or "other" when it has none.
std::vector<std::string> TopicsOf(const v1::ProcessedArticle& article);

}  // namespace headwire::sinks
