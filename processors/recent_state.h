#pragma once
// Persistence of the near-duplicate and story window (core::RecentArticles) in the processor's
// RocksDB state, column family "dedup", beside the exact-dedup entries and the offsets. The
// window's records change with every batch and are written in the batch's WriteBatch, so the
// restored window always matches the stored offsets.

#include <rocksdb/write_batch.h>

#include <string_view>

#include "common/state_store.h"
#include "common/status.h"
#include "core/recent_articles.h"

namespace headwire::processors {

// Replaces `recent`'s state with the one stored in `store`'s "dedup" column family for the
// domain whose keys start with `prefix` (processors/rocks_dedup_index.h, DomainKeyPrefix).
Status RestoreRecentArticles(const common::StateStore& store, core::RecentArticles& recent,
                             std::string_view prefix = {});

// Moves `recent`'s changes since the last call into `batch`, under the domain's `prefix`.
void TakeRecentChanges(common::StateStore& store, core::RecentArticles& recent,
                       rocksdb::WriteBatch& batch, std::string_view prefix = {});

}  // namespace headwire::processors
