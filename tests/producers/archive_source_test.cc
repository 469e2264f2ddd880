#include "producers/archive_source.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "common/proto_convert.h"
#include "headwire/v1/article.pb.h"
#include "sinks/archive_writer.h"
#include "tests/common/test_dir.h"

namespace headwire::producers {
namespace {

constexpr int64_t kBase = 1772439300000;
constexpr int64_t kMinute = 60'000;

// Source position of a replayed record.
using Position = std::pair<int32_t, int64_t>;

class ArchiveSourceTest : public ::testing::Test {
 protected:
  // An archived RawArticle of `partition` at `offset`, published `minutes` after kBase; an
  // estimated one carries the time its producer stamped instead.
  static common::ArchiveRecord Article(int32_t partition, int64_t offset, int64_t minutes,
                                       bool estimated = false) {
    v1::RawArticle article;
    article.set_id("p" + std::to_string(partition) + "-" + std::to_string(offset));
    article.set_title("headline");
    article.set_published_at_ms(kBase + minutes * kMinute);
    article.set_event_time_estimated(estimated);
    common::ArchiveRecord record;
    record.partition = partition;
    record.offset = offset;
    record.event_time_ms = article.published_at_ms();
    record.key = article.id();
    record.value = article.SerializeAsString();
    record.headers = common::MessageHeaders(v1::RawArticle::descriptor()->full_name());
    return record;
  }

  void Archive(const std::vector<common::ArchiveRecord>& records) {
    sinks::ArchiveWriterOptions options;
    options.dir = dir_.string();
    auto writer = sinks::ArchiveWriter::Open(options);
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    for (const auto& r : records) ASSERT_TRUE((*writer)->Append("raw", r).has_value());
    ASSERT_TRUE((*writer)->Persist().ok());
  }

  std::vector<Position> ReplayOrder() {
    ArchiveSourceOptions options;
    options.dir = dir_.string();
    auto source = ArchiveSource::Open(options);
    EXPECT_TRUE(source.has_value()) << source.error().ToString();
    std::vector<Position> out;
    if (!source) return out;
    for (;;) {
      auto next = (*source)->Next();
      EXPECT_TRUE(next.has_value()) << next.error().ToString();
      if (!next || !next->has_value()) return out;
      out.emplace_back((*next)->partition, (*next)->offset);
    }
  }

  const testing::TestDir dir_{"hw-archive-source"};
};

TEST_F(ArchiveSourceTest, PartitionsAreMergedByEventTime) {
  ASSERT_NO_FATAL_FAILURE(
      Archive({Article(0, 0, 0), Article(0, 1, 20), Article(1, 0, 10), Article(1, 1, 30)}));
  EXPECT_EQ(ReplayOrder(), (std::vector<Position>{{0, 0}, {1, 0}, {0, 1}, {1, 1}}));
}

TEST_F(ArchiveSourceTest, AnEstimatedEventTimeDoesNotHoldItsPartitionBack) {
  // Partition 0's second record had no published_at and was produced months later. Merged by
  // that time it would go last, and partition 0's records after it with it, behind all of
  // partition 1: a sink fed this order would count them late.
  ASSERT_NO_FATAL_FAILURE(
      Archive({Article(0, 0, 0), Article(0, 1, 200 * 24 * 60, true), Article(0, 2, 20),
               Article(0, 3, 40), Article(1, 0, 10), Article(1, 1, 30), Article(1, 2, 50)}));
  EXPECT_EQ(ReplayOrder(),
            (std::vector<Position>{{0, 0}, {0, 1}, {1, 0}, {0, 2}, {1, 1}, {0, 3}, {1, 2}}));
}

}  // namespace
}  // namespace headwire::producers
