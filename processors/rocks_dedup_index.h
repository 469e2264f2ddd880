#pragma once
// A DedupIndex kept in the processor's RocksDB state (column family "dedup"). Entries remembered
// during a batch stay in memory until SealChanges() copies them into the batch's WriteBatch, and
// stay visible from memory until ForgetSealed() says that WriteBatch was written (the processor
// decides the next batch meanwhile). A batch that is never persisted (a crash) leaves no trace,
// and a replay of it decides the same. Not thread-safe.

#include <rocksdb/compaction_filter.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/state_store.h"
#include "core/exact_dedup.h"

namespace headwire::processors {

inline constexpr const char* kDedupFamily = "dedup";

// The key prefix of one dedup domain's entries (exact-dedup entries and story window) in the
// "dedup" family. A domain is a raw partition. Partition 0 has no prefix (it is the only domain
// of states written before there were several); partition p > 0 has 'D' and p (4 bytes,
// big-endian).
std::string DomainKeyPrefix(int32_t partition);
// The domain (raw partition) of a stored key and the key without the domain prefix.
std::pair<int32_t, std::string_view> SplitDomainKey(std::string_view key);

class RocksDedupIndex final : public core::DedupIndex {
 public:
  // `store` must have the kDedupFamily column family and outlive the index. The index keeps
  // the entries of one domain: its keys start with `prefix` (DomainKeyPrefix).
  explicit RocksDedupIndex(common::StateStore& store, std::string prefix = {})
      : store_(store), prefix_(std::move(prefix)) {}

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
  std::string StoredKey(std::string_view key) const;

  common::StateStore& store_;
  std::string prefix_;
  mutable Status status_;
  using Entries = std::map<std::string, core::SeenArticle, std::less<>>;
  Entries pending_;
  // Sealed batches not yet written, oldest first, with their numbers.
  std::deque<std::pair<uint64_t, Entries>> sealed_;
  uint64_t last_sealed_ = 0;
};

// Drops exact-dedup entries (core::IsExactDedupKey) whose event time is before their domain's
// cutoff (the domain's watermark - forget_after_ms) that the processor publishes after each
// persisted batch. The deduplicator already counts such entries as forgotten, so when
// compaction happens to run changes no verdict. Entries of a domain without a published cutoff
// and the story window's records in the same family are left alone.
// Thread-safe: the cutoffs are guarded by a mutex.
class ForgottenEntryFilter : public rocksdb::CompactionFilter {
 public:
  ForgottenEntryFilter() = default;
  // Entries of domain `partition` before `cutoff_ms` may be dropped from now on; a domain's
  // cutoff never moves back.
  void Advance(int32_t partition, int64_t cutoff_ms);
  bool Filter(int level, const rocksdb::Slice& key, const rocksdb::Slice& existing_value,
              std::string* new_value, bool* value_changed) const override;
  const char* Name() const override { return "headwire.ForgottenEntryFilter"; }

 private:
  mutable std::mutex mutex_;
  std::map<int32_t, int64_t> cutoff_ms_;  // per domain (raw partition)
};

// The stored form of a SeenArticle: event time (8 bytes, big-endian), id length (2 bytes, the top
// bit set when the span follows), the span when it is not 0 (8 bytes, big-endian), id, story id.
// An entry of a single time has the layout of the versions before spans, which read it alike;
// those versions refuse an entry with a span as undecodable (a CORRUPTION), never misread it.
// Exposed for tests.
std::string EncodeSeenArticle(const core::SeenArticle& seen);
std::optional<core::SeenArticle> DecodeSeenArticle(std::string_view bytes);

}  // namespace headwire::processors
