#pragma once
// Dedup domains: articles that can duplicate each other share a domain value (by default their
// language), and each domain lives on one partition of the raw topic, so one processor decides
// the whole domain in one total order. This is the deterministic map from a domain value to its
// partition, the same in every producer, process and run. Pure, thread-safe.

#include <cstdint>
#include <string_view>

namespace headwire::core {

// The partition of `domain` among `partitions` (>= 1): XXH3-64 of its bytes modulo the count.
int32_t DomainPartition(std::string_view domain, int32_t partitions);

}  // namespace headwire::core
