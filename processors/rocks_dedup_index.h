#pragma once
// A DedupIndex kept in the processor's RocksDB state (column family "dedup"). Entries remembered
// during a batch stay in memory until TakeChanges() moves them into the batch's WriteBatch, so a
// batch that is never persisted (a crash) leaves no trace, and a replay of it decides the same.
// Not thread-safe.

#include <rocksdb/write_batch.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

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

  // Moves the entries remembered since the last call into `batch`.
  void TakeChanges(rocksdb::WriteBatch& batch);
  // Forgets the entries remembered since the last call (their batch was not persisted).
  void DiscardChanges() { pending_.clear(); }

  // The first read error since construction (a read error must fail the batch, never pass as
  // "not seen"); OK when there was none.
  const Status& status() const { return status_; }

 private:
  common::StateStore& store_;
  mutable Status status_;
  std::map<std::string, core::SeenArticle, std::less<>> pending_;
};

// The stored form of a SeenArticle: event time (8 bytes, big-endian), id length (2 bytes), id,
// story id. Exposed for tests.
std::string EncodeSeenArticle(const core::SeenArticle& seen);
std::optional<core::SeenArticle> DecodeSeenArticle(std::string_view bytes);

}  // namespace headwire::processors
