#include "producers/archive_source.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/archive_catalog.h"
#include "common/archive_segment.h"
#include "common/proto_convert.h"
#include "headwire/v1/article.pb.h"
#include "producers/replay.h"
#include "sinks/archive_writer.h"
#include "tests/common/flip_byte.h"
#include "tests/common/test_dir.h"
#include "tests/producers/counting_target.h"

namespace headwire::producers {
namespace {

constexpr int64_t kFirstArchivedMs = 1772439300000;
constexpr int64_t kMinute = 60'000;

// Source position of a replayed record.
using Position = std::pair<int32_t, int64_t>;

class ArchiveSourceTest : public ::testing::Test {
 protected:
  // An archived RawArticle of `partition` at `offset`, published `minutes` after kFirstArchivedMs;
  // an estimated one carries the time its producer stamped instead.
  static common::ArchiveRecord Article(int32_t partition, int64_t offset, int64_t minutes,
                                       bool estimated = false) {
    v1::RawArticle article;
    article.set_id("p" + std::to_string(partition) + "-" + std::to_string(offset));
    article.set_title("headline");
    article.set_published_at_ms(kFirstArchivedMs + minutes * kMinute);
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

  // Archives `records`, one block per Persist: a block per group.
  void ArchiveBlocks(const std::vector<std::vector<common::ArchiveRecord>>& groups) {
    sinks::ArchiveWriterOptions options;
    options.dir = dir_.string();
    auto writer = sinks::ArchiveWriter::Open(options);
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    for (const auto& group : groups) {
      for (const auto& r : group) ASSERT_TRUE((*writer)->Append("raw", r).has_value());
      ASSERT_TRUE((*writer)->Persist().ok());
    }
  }

  void Archive(const std::vector<common::ArchiveRecord>& records) {
    ASSERT_NO_FATAL_FAILURE(ArchiveBlocks({records}));
  }

  // Three blocks of two records, minutes 0-1, 10-11 and 20-21, opened for minutes 10 to 21: the
  // index skips the first block unread, and the last record is read and filtered.
  ArchiveSourceOptions ThreeBlocksForMinutes10To21() {
    ArchiveBlocks({{Article(0, 0, 0), Article(0, 1, 1)},
                   {Article(0, 2, 10), Article(0, 3, 11)},
                   {Article(0, 4, 20), Article(0, 5, 21)}});
    ArchiveSourceOptions options;
    options.dir = dir_.string();
    options.range = {.from_ms = kFirstArchivedMs + 10 * kMinute,
                     .to_ms = kFirstArchivedMs + 21 * kMinute};
    return options;
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

TEST_F(ArchiveSourceTest, RecordsItsIndexSkipsCountAsOutsideTheTimeRange) {
  ArchiveSourceOptions options;
  ASSERT_NO_FATAL_FAILURE(options = ThreeBlocksForMinutes10To21());
  auto source = ArchiveSource::Open(options);
  ASSERT_TRUE(source.has_value()) << source.error().ToString();
  testing::CountingTarget target;
  std::ostringstream log;
  ReplayProgress progress({.interval = std::chrono::hours(1)}, log);
  ReplayOptions replay;
  replay.range = options.range;
  auto report = RunReplay(**source, target, replay, SteadyPacerClock(), progress);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  // The first block is skipped unread by its index, the last record is read and filtered: the
  // three are outside the range alike.
  EXPECT_EQ(report->totals.counts.delivered, 3u);
  EXPECT_EQ(report->totals.filtered, 3u);
}

// A paced replay's ETA is the time so far scaled by the fraction still to read: records its
// index skips unread take no time, so they are not part of that fraction.
TEST_F(ArchiveSourceTest, TheFractionReadLeavesOutBlocksTheTimeRangeExcludes) {
  ArchiveSourceOptions options;
  ASSERT_NO_FATAL_FAILURE(options = ThreeBlocksForMinutes10To21());
  auto source = ArchiveSource::Open(options);
  ASSERT_TRUE(source.has_value()) << source.error().ToString();
  // The second and third blocks may hold records of the range: 4 records to read.
  EXPECT_EQ((*source)->Fraction(), 0.0);
  for (const double fraction : {0.25, 0.5, 0.75, 1.0}) {
    auto next = (*source)->Next();
    ASSERT_TRUE(next.has_value() && next->has_value());
    EXPECT_EQ((*source)->Fraction(), fraction) << "offset " << (*next)->offset;
  }
  options.range = {.from_ms = kFirstArchivedMs + 30 * kMinute, .to_ms = std::nullopt};
  auto nothing = ArchiveSource::Open(options);
  ASSERT_TRUE(nothing.has_value()) << nothing.error().ToString();
  EXPECT_EQ((*nothing)->Fraction(), 1.0);
  EXPECT_TRUE((*nothing)->FractionLeavesOut(options.range));
}

namespace fs = std::filesystem;

// An open segment of topic "t", partition 0, with records 0..8 in three blocks.
class ArchiveSourceDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = common::SegmentPath(dir_.string(), "t", 0, 0);
    fs::create_directories(fs::path(path_).parent_path());
    auto writer = common::SegmentWriter::Open(path_, {"t", 0});
    ASSERT_TRUE(writer.has_value());
    for (int64_t offset = 0; offset < 9; ++offset) {
      common::ArchiveRecord record;
      record.offset = offset;
      record.event_time_ms = 1000 + offset;
      record.value = "record " + std::to_string(offset);
      ASSERT_TRUE((*writer)->Append(record).ok());
      if (offset % 3 == 2) {
        ASSERT_TRUE((*writer)->Sync().ok());
      }
    }
    blocks_ = common::ScanSegment(path_)->blocks;
    ASSERT_EQ(blocks_.size(), 3u);
  }

  // How many records the source yields, or its error.
  Result<int> Replayed() const {
    ArchiveSourceOptions options;
    options.dir = dir_.string();
    auto source = ArchiveSource::Open(options);
    if (!source) return Err(source.error());
    int records = 0;
    for (;;) {
      auto next = (*source)->Next();
      if (!next) return Err(next.error());
      if (!next->has_value()) return records;
      ++records;
    }
  }

  const testing::TestDir dir_{"hw-archive-source"};
  std::string path_;
  std::vector<common::BlockInfo> blocks_;
};

// Left out, but not without a word: damage to the last block reads as a torn tail too.
TEST_F(ArchiveSourceDamageTest, ATornTailOfTheOpenSegmentIsLeftOutWithAWarningNamingIt) {
  fs::resize_file(path_, blocks_[2].file_position + 10);
  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "archive-source-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  auto replayed = Replayed();
  spdlog::set_default_logger(previous);
  ASSERT_TRUE(replayed.has_value()) << replayed.error().ToString();
  EXPECT_EQ(*replayed, 6);
  EXPECT_NE(log.str().find("torn tail of an open segment left out"), std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find(path_), std::string::npos) << log.str();
}

// A damaged block with blocks after it is not a torn write: replaying the records before it
// alone would rebuild a state without the rest and report success.
TEST_F(ArchiveSourceDamageTest, DamageBeforeTheEndOfTheOpenSegmentIsCorruption) {
  testing::FlipByte(path_, blocks_[0].file_position + 40);
  auto replayed = Replayed();
  ASSERT_FALSE(replayed.has_value()) << *replayed << " records replayed";
  EXPECT_EQ(replayed.error().code(), StatusCode::kCorruption);
  EXPECT_NE(replayed.error().message().find(path_), std::string::npos)
      << replayed.error().message();
}

// Sealed segments of topic "t", laid out by hand as a damaged or edited archive would be.
class ArchiveSourceLayoutTest : public ::testing::Test {
 protected:
  // Seals a segment holding `offsets` of partition `partition`, in the directory of
  // `dir_partition`, its file named by `name_offset`. Returns its path.
  std::string Seal(int32_t partition, int32_t dir_partition, int64_t name_offset,
                   const std::vector<int64_t>& offsets) {
    const std::string path = common::SegmentPath(dir_.string(), "t", dir_partition, name_offset);
    fs::create_directories(fs::path(path).parent_path());
    auto writer = common::SegmentWriter::Open(path, {"t", partition});
    EXPECT_TRUE(writer.has_value());
    if (!writer) return path;
    for (const int64_t offset : offsets) {
      common::ArchiveRecord record;
      record.partition = partition;
      record.offset = offset;
      record.event_time_ms = 1000 + offset;
      record.value = "record " + std::to_string(offset);
      EXPECT_TRUE((*writer)->Append(record).ok());
    }
    EXPECT_TRUE((*writer)->Sync().ok());
    const auto scan = common::ScanSegment(path);
    EXPECT_TRUE(scan.has_value());
    EXPECT_TRUE(common::WriteSegmentIndex(
                    common::IndexPathOf(path),
                    common::MakeSegmentIndex(scan->header, scan->blocks, scan->valid_bytes))
                    .ok());
    return path;
  }

  // The offsets the source yields, in order, or its error.
  Result<std::vector<int64_t>> Replayed(const TimeRange& range = {}) const {
    ArchiveSourceOptions options;
    options.dir = dir_.string();
    options.range = range;
    auto source = ArchiveSource::Open(options);
    if (!source) return Err(source.error());
    std::vector<int64_t> offsets;
    for (;;) {
      auto next = (*source)->Next();
      if (!next) return Err(next.error());
      if (!next->has_value()) return offsets;
      offsets.push_back((*next)->offset);
    }
  }

  // Expects Corruption naming `file`.
  void ExpectCorruptionNaming(const std::string& file) const {
    auto replayed = Replayed();
    ASSERT_FALSE(replayed.has_value()) << replayed->size() << " records replayed";
    EXPECT_EQ(replayed.error().code(), StatusCode::kCorruption);
    EXPECT_NE(replayed.error().message().find(file), std::string::npos)
        << replayed.error().message();
  }

  const testing::TestDir dir_{"hw-archive-source"};
};

// The archiver goes on after the segment its names put last: a renamed one is out of its place,
// as archive verify says too.
TEST_F(ArchiveSourceLayoutTest, ASegmentNotNamedByItsFirstOffsetIsCorruptionNamingIt) {
  const std::string renamed = Seal(0, 0, 0, {3, 4, 5});
  Seal(0, 0, 10, {0, 1, 2});
  ASSERT_NO_FATAL_FAILURE(ExpectCorruptionNaming(renamed));
}

// The replay would skip the second copy of each offset as read already: the damage would go
// unseen.
TEST_F(ArchiveSourceLayoutTest, SegmentsWhoseOffsetsOverlapAreCorruptionNamingBoth) {
  const std::string first = Seal(0, 0, 0, {0, 1, 2, 3});
  const std::string second = Seal(0, 0, 3, {3, 4});
  ASSERT_NO_FATAL_FAILURE(ExpectCorruptionNaming(first));
  ASSERT_NO_FATAL_FAILURE(ExpectCorruptionNaming(second));
}

TEST_F(ArchiveSourceLayoutTest, ASegmentInAnotherPartitionsDirectoryIsCorruptionNamingIt) {
  Seal(0, 0, 0, {0, 1, 2});
  const std::string moved = Seal(0, 99, 3, {3, 4, 5});
  Seal(0, 0, 6, {6, 7, 8});
  ASSERT_NO_FATAL_FAILURE(ExpectCorruptionNaming(moved));
}

// The source skips and counts whole segments by the index's summary: an edited one would skip
// records of the range, and count fewer than it skipped.
TEST_F(ArchiveSourceLayoutTest, AnIndexWhoseSummaryDisagreesWithItsBlocksIsCorruption) {
  const std::string path = Seal(0, 0, 0, {0, 1, 2});
  auto index = common::ReadSegmentIndex(common::IndexPathOf(path));
  ASSERT_TRUE(index.has_value());
  index->max_event_ms = 1;
  index->records = 7;
  ASSERT_TRUE(common::WriteSegmentIndex(common::IndexPathOf(path), *index).ok());
  ASSERT_NO_FATAL_FAILURE(ExpectCorruptionNaming(common::IndexPathOf(path)));
}

TEST_F(ArchiveSourceLayoutTest, AnIndexWhoseSegmentIsMissingIsCorruptionNamingIt) {
  const std::string lost = Seal(0, 0, 0, {0, 1, 2});
  Seal(0, 0, 3, {3, 4, 5});
  fs::remove(lost);
  ASSERT_NO_FATAL_FAILURE(ExpectCorruptionNaming(common::IndexPathOf(lost)));
}

}  // namespace
}  // namespace headwire::producers
