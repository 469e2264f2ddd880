#pragma once
// A digest of the sink's logical state: everything a query can return, and nothing that depends on
// timing or on how records were spread over partitions (offsets, the watermark, entries already
// past the expiry horizon, the producer's ingestion time and host stored inside articles, a story's
// partition). Two sinks that applied the same input have equal digests, whatever their batch sizes,
// restarts or compactions. XXH3-128 over a canonical serialisation: per column family in a fixed
// order, every entry in key order as (key length, key, value length, value), lengths as 8-byte
// big-endian.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "sinks/article_store.h"

namespace headwire::sinks {

struct FamilyDigest {
  std::string family;
  uint64_t entries = 0;
  std::string digest;  // 32 hex digits
};

struct StateDigest {
  std::string digest;  // over the families' digests, in order
  std::vector<FamilyDigest> families;
};

// Reads one consistent snapshot of `store`.
Result<StateDigest> DigestState(const ArticleStore& store);

}  // namespace headwire::sinks
