#include "sinks/archive_writer.h"

#include <gtest/gtest.h>

#include "common/archive_catalog.h"
#include "tests/common/archived_records.h"
#include "tests/common/test_dir.h"

namespace headwire::sinks {
namespace {

class ArchiveWriterTest : public ::testing::Test {
 protected:
  static common::ArchiveRecord Record(int64_t offset) {
    common::ArchiveRecord r;
    r.offset = offset;
    r.event_time_ms = 1000 * offset;
    r.key = "k" + std::to_string(offset);
    // Bytes that do not compress away, so that segments fill up.
    uint64_t state = static_cast<uint64_t>(offset) * 2654435761u + 1;
    for (int i = 0; i < 2000; ++i) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      r.value.push_back(static_cast<char>(state >> 56));
    }
    return r;
  }

  ArchiveWriterOptions Options(uint64_t segment_bytes = ArchiveWriterOptions{}.segment_bytes) {
    ArchiveWriterOptions options;
    options.dir = dir_.string();
    options.segment_bytes = segment_bytes;
    return options;
  }

  const testing::TestDir dir_{"hw-archive-writer"};
};

TEST_F(ArchiveWriterTest, RedeliveredRecordsAreNotArchivedTwice) {
  auto writer = ArchiveWriter::Open(Options());
  ASSERT_TRUE(writer.has_value());
  for (int64_t o : {0, 1, 2, 1, 2, 3}) ASSERT_TRUE((*writer)->Append("t", Record(o)).has_value());
  ASSERT_TRUE((*writer)->Persist().ok());
  EXPECT_EQ((*writer)->archived(), 4u);
  EXPECT_EQ(testing::ArchivedRecords(dir_.string()), 4u);
}

TEST_F(ArchiveWriterTest, ResumesAfterTheLastDurableRecordAndDropsWhatWasNotPersisted) {
  {
    auto writer = ArchiveWriter::Open(Options());
    ASSERT_TRUE(writer.has_value());
    for (int64_t o = 0; o < 5; ++o) ASSERT_TRUE((*writer)->Append("t", Record(o)).has_value());
    ASSERT_TRUE((*writer)->Persist().ok());
    // Buffered but never persisted: as if the process died here.
    for (int64_t o = 5; o < 8; ++o) ASSERT_TRUE((*writer)->Append("t", Record(o)).has_value());
  }
  auto reopened = ArchiveWriter::Open(Options());
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ((*reopened)->NextOffset({"t", 0}), std::optional<int64_t>(5));
  EXPECT_EQ((*reopened)->NextOffset({"t", 1}), std::nullopt);
  for (int64_t o = 3; o < 8; ++o) ASSERT_TRUE((*reopened)->Append("t", Record(o)).has_value());
  ASSERT_TRUE((*reopened)->Persist().ok());
  EXPECT_EQ(testing::ArchivedRecords(dir_.string()), 8u);
  EXPECT_TRUE(common::VerifyArchive(dir_.string())->empty());
}

TEST_F(ArchiveWriterTest, FullSegmentsAreSealedWithAnIndexAndANewOneStarts) {
  auto writer = ArchiveWriter::Open(Options(4096));
  ASSERT_TRUE(writer.has_value());
  for (int64_t o = 0; o < 20; ++o) {
    ASSERT_TRUE((*writer)->Append("t", Record(o)).has_value());
    if (o % 5 == 4) {
      ASSERT_TRUE((*writer)->Persist().ok());
    }
  }
  auto segments = common::ListSegments(dir_.string());
  ASSERT_TRUE(segments.has_value());
  ASSERT_GE(segments->size(), 2u);
  EXPECT_TRUE(segments->front().sealed);
  int64_t expected_first = 0;
  for (const auto& s : *segments) {
    EXPECT_EQ(s.index.first_offset, expected_first);
    expected_first = s.index.last_offset + 1;
  }
  EXPECT_EQ(expected_first, 20);
  EXPECT_TRUE(common::VerifyArchive(dir_.string())->empty());
}

}  // namespace
}  // namespace headwire::sinks
