#include "producers/domain_partitioner.h"

#include <gtest/gtest.h>

#include "core/domain_partition.h"

namespace headwire::producers {
namespace {

TEST(DomainPartitionerTest, LanguagePicksThePartitionOfItsValue) {
  auto partitioner = DomainPartitioner::Create("language", 5);
  ASSERT_TRUE(partitioner.has_value()) << partitioner.error().message();
  v1::RawArticle article;
  article.set_language("de");
  article.set_source("Example Wire");
  EXPECT_EQ(partitioner->PartitionOf(article), core::DomainPartition("de", 5));
}

TEST(DomainPartitionerTest, AnotherTextFieldCanBeTheDomain) {
  auto partitioner = DomainPartitioner::Create("source", 5);
  ASSERT_TRUE(partitioner.has_value()) << partitioner.error().message();
  v1::RawArticle article;
  article.set_language("de");
  article.set_source("Example Wire");
  EXPECT_EQ(partitioner->PartitionOf(article), core::DomainPartition("Example Wire", 5));
}

TEST(DomainPartitionerTest, NonTextOrUnknownFieldsAreRefusedWithTheChoices) {
  const auto unknown = DomainPartitioner::Create("region", 5);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("one of: id, title, body, url, source, language"),
            std::string::npos)
      << unknown.error().message();
  EXPECT_FALSE(DomainPartitioner::Create("published_at_ms", 5).has_value());
  EXPECT_FALSE(DomainPartitioner::Create("language", 0).has_value());
}

}  // namespace
}  // namespace headwire::producers
