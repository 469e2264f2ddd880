#include "core/domain_partition.h"

#include <xxhash.h>

namespace headwire::core {

int32_t DomainPartition(std::string_view domain, int32_t partitions) {
  if (partitions <= 1) return 0;
  return static_cast<int32_t>(XXH3_64bits(domain.data(), domain.size()) %
                              static_cast<uint64_t>(partitions));
}

}  // namespace headwire::core
