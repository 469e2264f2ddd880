#pragma once
// A DedupIndex kept in the processor's RocksDB state (column family "dedup"). Entries remembered
// during a batch stay in memory until SealChanges() copies them into the batch's WriteBatch, and
// stay visible from memory until ForgetSealed() says that WriteBatch was written (the processor
// decides the next batch meanwhile). A batch that is never persisted (a crash) leaves no trace,
// and a replay of it decides the same. Not thread-safe.

#include <rocksdb/compaction_filter.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/state_store.h"
#include "core/exact_dedup.h"

namespace headwire::processors {

inline constexpr const char* kDedupFamily = "dedup";

class RocksDedupIndex final : public core::DedupIndex {
 public:
  // `store` must have the kDedupFamily column family and outlive the index.
  explicit RocksDedupIndex(common::StateStore& store) : store_(store) {}

  std::optional<core::SeenArticle> Find(std::string_view key) const override;
  void Remember(std::string_view key, const core::SeenArticle& seen) override;

  // Puts the entries remembered since the last call into `batch`; Find still answers from them
  // until ForgetSealed is called with the returned number.
  uint64_t SealChanges(rocksdb::WriteBatch& batch);
  // The batches sealed up to number `sealed` were written: Find reads their entries from
  // RocksDB from now on.
  void ForgetSealed(uint64_t sealed);
  // Forgets every entry not yet written (their batches will not be persisted).
  void DiscardChanges() {
    pending_.clear();
    sealed_.clear();
  }

  // The first read error since construction (a read error must fail the batch, never pass as
  // "not seen"); OK when there was none.
  const Status& status() const { return status_; }

 private:
  common::StateStore& store_;
  mutable Status status_;
  using Entries = std::map<std::string, core::SeenArticle, std::less<>>;
  Entries pending_;
  // Sealed batches not yet written, oldest first, with their numbers.
  std::deque<std::pair<uint64_t, Entries>> sealed_;
  uint64_t last_sealed_ = 0;
};

// Drops exact-dedup entries (core::IsExactDedupKey) whose event time is before the cutoff
// (watermark - forget_after_ms) that the processor publishes after each persisted batch. The
// deduplicator already counts such entries as forgotten, so when compaction happens to run
// changes no verdict. The story window's records in the same family are left alone.
// Thread-safe: the cutoff is the only shared state.
class ForgottenEntryFilter : public rocksdb::CompactionFilter {
 public:
  ForgottenEntryFilter() = default;
  // Entries before `cutoff_ms` may be dropped from now on; the cutoff never moves back.
  void Advance(int64_t cutoff_ms);
  bool Filter(int level, const rocksdb::Slice& key, const rocksdb::Slice& existing_value,
              std::string* new_value, bool* value_changed) const override;
  const char* Name() const override { return "headwire.ForgottenEntryFilter"; }

 private:
  std::atomic<int64_t> cutoff_ms_{std::numeric_limits<int64_t>::min()};
};

// The stored form of a SeenArticle: event time (8 bytes, big-endian), id length (2 bytes), id,
// story id. Exposed for tests.
std::string EncodeSeenArticle(const core::SeenArticle& seen);
std::optional<core::SeenArticle> DecodeSeenArticle(std::string_view bytes);

}  // namespace headwire::processors
