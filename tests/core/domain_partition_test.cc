#include "core/domain_partition.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace headwire::core {
namespace {

TEST(DomainPartitionTest, OneValueAlwaysMapsToOnePartitionInRange) {
  for (const std::string domain : {"en", "de", "fr", "", "pt-BR"}) {
    const int32_t p = DomainPartition(domain, 6);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 6);
    EXPECT_EQ(DomainPartition(domain, 6), p);
  }
}

TEST(DomainPartitionTest, OnePartitionTakesEverything) {
  EXPECT_EQ(DomainPartition("en", 1), 0);
  EXPECT_EQ(DomainPartition("de", 1), 0);
}

TEST(DomainPartitionTest, ManyDomainsSpreadOverThePartitions) {
  std::set<int32_t> used;
  for (int i = 0; i < 64; ++i) used.insert(DomainPartition("domain-" + std::to_string(i), 4));
  EXPECT_EQ(used.size(), 4u);
}

}  // namespace
}  // namespace headwire::core
