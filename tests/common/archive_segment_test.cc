#include "common/archive_segment.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "common/archive_catalog.h"
#include "tests/common/flip_byte.h"
#include "tests/common/test_dir.h"

namespace headwire::common {
namespace {

namespace fs = std::filesystem;

class ArchiveSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_.path()); }

  static ArchiveRecord Record(int64_t offset, int64_t event_ms) {
    ArchiveRecord r;
    r.partition = 2;
    r.offset = offset;
    r.timestamp_ms = 1000 + offset;
    r.event_time_ms = event_ms;
    r.key = "key-" + std::to_string(offset);
    r.value = std::string(100, static_cast<char>('a' + offset % 26));
    r.headers = {{"headwire-type", "headwire.v1.RawArticle"}, {"empty", ""}};
    return r;
  }

  // Writes records [0, n) with three records per block.
  std::string WriteSegment(int n) {
    const std::string path = SegmentPath(dir_.string(), "t", 2, 0);
    fs::create_directories(fs::path(path).parent_path());
    auto writer = SegmentWriter::Open(path, {"t", 2});
    EXPECT_TRUE(writer.has_value());
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE((*writer)->Append(Record(i, 5000 - i)).ok());
      if (i % 3 == 2) {
        EXPECT_TRUE((*writer)->Sync().ok());
      }
    }
    EXPECT_TRUE((*writer)->Sync().ok());
    return path;
  }

  static std::vector<ArchiveRecord> ReadAll(const std::string& path) {
    auto scan = ScanSegment(path);
    EXPECT_TRUE(scan.has_value());
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    std::vector<ArchiveRecord> out;
    for (const auto& block : scan->blocks) {
      EXPECT_TRUE(ReadBlock(file.get(), block, scan->header.partition, out).ok());
    }
    return out;
  }

  const testing::TestDir dir_{"hw-archive"};
};

TEST_F(ArchiveSegmentTest, RecordsComeBackByteForByteWithKeyHeadersAndTimes) {
  const auto path = WriteSegment(7);
  const auto records = ReadAll(path);
  ASSERT_EQ(records.size(), 7u);
  for (int i = 0; i < 7; ++i) {
    const ArchiveRecord expected = Record(i, 5000 - i);
    EXPECT_EQ(records[i].partition, 2);
    EXPECT_EQ(records[i].offset, i);
    EXPECT_EQ(records[i].timestamp_ms, expected.timestamp_ms);
    EXPECT_EQ(records[i].event_time_ms, expected.event_time_ms);
    EXPECT_EQ(records[i].key, expected.key);
    EXPECT_EQ(records[i].value, expected.value);
    ASSERT_EQ(records[i].headers.size(), 2u);
    EXPECT_EQ(records[i].headers[0].value, "headwire.v1.RawArticle");
  }
}

TEST_F(ArchiveSegmentTest, MissingKeyStaysDistinctFromEmptyKey) {
  const std::string path = SegmentPath(dir_.string(), "t", 2, 0);
  fs::create_directories(fs::path(path).parent_path());
  auto writer = SegmentWriter::Open(path, {"t", 2});
  ASSERT_TRUE(writer.has_value());
  ArchiveRecord none = Record(0, 1);
  none.key.reset();
  ArchiveRecord empty = Record(1, 1);
  empty.key = "";
  ASSERT_TRUE((*writer)->Append(none).ok());
  ASSERT_TRUE((*writer)->Append(empty).ok());
  ASSERT_TRUE((*writer)->Sync().ok());
  const auto records = ReadAll(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(records[0].key.has_value());
  EXPECT_EQ(records[1].key, std::optional<std::string>(""));
}

TEST_F(ArchiveSegmentTest, TornTailIsSeenAsTornAndCutOffOnReopen) {
  const auto path = WriteSegment(6);
  const auto before = ScanSegment(path);
  ASSERT_TRUE(before.has_value());
  ASSERT_EQ(before->blocks.size(), 2u);
  // A crash in the middle of writing the second block.
  fs::resize_file(path, before->blocks[1].file_position + 20);
  auto torn = ScanSegment(path);
  ASSERT_TRUE(torn.has_value());
  EXPECT_EQ(torn->tail, TailState::kTorn);
  EXPECT_EQ(torn->blocks.size(), 1u);

  auto writer = SegmentWriter::Open(path, {"t", 2}, {.block_bytes = 1});
  ASSERT_TRUE(writer.has_value());
  EXPECT_EQ(fs::file_size(path), before->blocks[1].file_position);
  ASSERT_TRUE((*writer)->Append(Record(3, 1)).ok());
  ASSERT_TRUE((*writer)->Sync().ok());
  const auto records = ReadAll(path);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records.back().offset, 3);
  EXPECT_EQ(ScanSegment(path)->tail, TailState::kClean);
}

TEST_F(ArchiveSegmentTest, CorruptBlockBeforeTheTailIsCorruptionNotTorn) {
  const auto path = WriteSegment(9);
  const auto scan = ScanSegment(path);
  ASSERT_EQ(scan->blocks.size(), 3u);
  testing::FlipByte(path, scan->blocks[1].file_position + 70);  // inside the second block's payload
  const auto damaged = ScanSegment(path);
  EXPECT_EQ(damaged->tail, TailState::kCorrupt);
  EXPECT_EQ(damaged->blocks.size(), 1u);
  auto reopened = SegmentWriter::Open(path, {"t", 2});
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().code(), StatusCode::kCorruption);
}

// Listing an open segment leaves out what follows damage or a torn tail: the entry says which,
// for readers that would otherwise take the records before it for the whole segment.
TEST_F(ArchiveSegmentTest, ListingTellsTheDamageOfAnOpenSegmentFromItsTornTail) {
  const auto path = WriteSegment(9);
  const auto scan = ScanSegment(path);
  ASSERT_EQ(scan->blocks.size(), 3u);
  fs::resize_file(path, scan->blocks[2].file_position + 10);  // a torn last block
  auto torn = ListSegments(dir_.string());
  ASSERT_TRUE(torn.has_value());
  ASSERT_EQ(torn->size(), 1u);
  EXPECT_EQ((*torn)[0].damage, "");
  EXPECT_EQ((*torn)[0].torn_tail, ScanSegment(path)->problem);
  EXPECT_NE((*torn)[0].torn_tail, "");
  EXPECT_EQ((*torn)[0].index.records, 6u);
  testing::FlipByte(path, scan->blocks[0].file_position + 70);  // inside the first block's payload
  auto damaged = ListSegments(dir_.string());
  ASSERT_TRUE(damaged.has_value());
  ASSERT_EQ(damaged->size(), 1u);
  EXPECT_NE((*damaged)[0].damage, "");
  EXPECT_EQ((*damaged)[0].damage, ScanSegment(path)->problem);
  EXPECT_EQ((*damaged)[0].torn_tail, "");
  EXPECT_EQ((*damaged)[0].index.records, 0u);
}

TEST_F(ArchiveSegmentTest, VerifyNamesTheDamagedSegment) {
  const auto path = WriteSegment(9);
  auto clean = VerifyArchive(dir_.string());
  ASSERT_TRUE(clean.has_value());
  EXPECT_TRUE(clean->empty());
  testing::FlipByte(path, ScanSegment(path)->blocks[0].file_position + 60);
  auto findings = VerifyArchive(dir_.string());
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].segment, path);
  EXPECT_TRUE((*findings)[0].damaged);
}

TEST_F(ArchiveSegmentTest, IndexHoldsRangesAndCountAndMustMatchItsSegment) {
  const auto path = WriteSegment(9);
  const auto scan = ScanSegment(path);
  const SegmentIndex index = MakeSegmentIndex(scan->header, scan->blocks, scan->valid_bytes);
  EXPECT_EQ(index.records, 9u);
  EXPECT_EQ(index.first_offset, 0);
  EXPECT_EQ(index.last_offset, 8);
  EXPECT_EQ(index.min_event_ms, 4992);
  EXPECT_EQ(index.max_event_ms, 5000);
  ASSERT_TRUE(WriteSegmentIndex(IndexPathOf(path), index).ok());
  auto listed = ListSegments(dir_.string());
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].sealed);
  EXPECT_EQ((*listed)[0].index.blocks.size(), 3u);
  EXPECT_EQ((*listed)[0].index.blocks[1].first_offset, 3);
  EXPECT_TRUE(VerifyArchive(dir_.string())->empty());

  // A sealed segment that lost its last block no longer matches its index.
  fs::resize_file(path, scan->blocks[2].file_position);
  auto findings = VerifyArchive(dir_.string());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_TRUE((*findings)[0].damaged);
}

TEST_F(ArchiveSegmentTest, VerifyFindsSegmentsThatOverlapInOffsets) {
  WriteSegment(6);  // offsets 0..5
  const std::string second = SegmentPath(dir_.string(), "t", 2, 4);
  auto writer = SegmentWriter::Open(second, {"t", 2});
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->Append(Record(4, 1)).ok());
  ASSERT_TRUE((*writer)->Sync().ok());
  auto findings = VerifyArchive(dir_.string());
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].segment, second);
}

// Seals the segment WriteSegment wrote; returns its index path.
std::string Seal(const std::string& path) {
  const auto scan = ScanSegment(path);
  EXPECT_TRUE(scan.has_value());
  const std::string index_path = IndexPathOf(path);
  EXPECT_TRUE(
      WriteSegmentIndex(index_path, MakeSegmentIndex(scan->header, scan->blocks, scan->valid_bytes))
          .ok());
  return index_path;
}

// A copy sorts before the original in partition 0's directory: blaming the original would send
// the reader to the one file that is fine.
TEST_F(ArchiveSegmentTest, VerifyNamesASegmentCopiedIntoAnotherPartitionsDirectory) {
  const auto path = WriteSegment(6);
  const std::string index_path = Seal(path);
  const std::string copy = SegmentPath(dir_.string(), "t", 0, 0);
  fs::create_directories(fs::path(copy).parent_path());
  fs::copy_file(path, copy);
  fs::copy_file(index_path, IndexPathOf(copy));
  auto findings = VerifyArchive(dir_.string());
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].segment, copy);
  EXPECT_TRUE((*findings)[0].damaged);
}

// `archive ls` and replay trust the summary: records, offsets and event-time bounds.
TEST_F(ArchiveSegmentTest, VerifyFindsAnIndexSummaryThatDisagreesWithItsBlocks) {
  const auto path = WriteSegment(9);
  const std::string index_path = Seal(path);
  const auto sound = ReadSegmentIndex(index_path);
  ASSERT_TRUE(sound.has_value());
  for (const auto& edit : std::vector<std::function<void(SegmentIndex&)>>{
           [](SegmentIndex& i) { i.records = 7; }, [](SegmentIndex& i) { i.first_offset = 1; },
           [](SegmentIndex& i) { i.last_offset = 9; }, [](SegmentIndex& i) { i.min_event_ms = 1; },
           [](SegmentIndex& i) { i.max_event_ms = 1000000000001; }}) {
    SegmentIndex edited = *sound;
    edit(edited);
    ASSERT_TRUE(WriteSegmentIndex(index_path, edited).ok());
    auto findings = VerifyArchive(dir_.string());
    ASSERT_TRUE(findings.has_value());
    ASSERT_EQ(findings->size(), 1u);
    EXPECT_EQ((*findings)[0].segment, path);
    EXPECT_TRUE((*findings)[0].damaged);
  }
}

TEST_F(ArchiveSegmentTest, VerifyReportsAnIndexLeftWithoutItsSegmentAsAMissingSegment) {
  const auto path = WriteSegment(6);
  const std::string index_path = Seal(path);
  fs::remove(path);
  auto findings = VerifyArchive(dir_.string());
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].segment, path);
  EXPECT_NE((*findings)[0].problem.find("missing"), std::string::npos);
  EXPECT_NE((*findings)[0].problem.find(index_path), std::string::npos);
  EXPECT_TRUE((*findings)[0].damaged);
}

}  // namespace
}  // namespace headwire::common
