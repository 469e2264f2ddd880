#include "sinks/archive_daemon.h"

#include <gtest/gtest.h>

#include "common/archive_catalog.h"
#include "common/archive_gaps.h"
#include "tests/common/archived_records.h"
#include "tests/common/input_topic.h"
#include "tests/common/test_dir.h"

namespace headwire::sinks {
namespace {

// The topic's first records were deleted while the archiver was stopped (as by retention), and
// the archive holds offsets 0 and 1: the archiver resumes at 2, which the topic no longer holds.
class ArchiverAfterRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(input_.Start());
    ASSERT_NO_FATAL_FAILURE(input_.ProducePastRetention());
    ArchiveWriterOptions options;
    options.dir = dir_.string();
    auto writer = ArchiveWriter::Open(options);
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    for (int64_t offset : {0, 1}) {
      common::ArchiveRecord record;
      record.offset = offset;
      record.value = "archived before the archiver stopped";
      ASSERT_TRUE((*writer)->Append("in", record).has_value());
    }
    ASSERT_TRUE((*writer)->Persist().ok());
  }

  Result<ArchiverStats> Run(common::OffsetGapPolicy policy) {
    ArchiverOptions options;
    options.consumer.kafka = input_.kafka;
    options.consumer.loop.exit_at_end = true;
    options.consumer.offset_gap = policy;
    options.topic = "in";
    options.writer.dir = dir_.string();
    return RunArchiver(options);
  }

  test_support::InputTopic input_;
  testing::TestDir dir_{"archiver-retention"};
};

TEST_F(ArchiverAfterRetentionTest, RecordsDeletedBeforeTheyWereArchivedStopTheArchiverByDefault) {
  auto stats = Run(common::OffsetGapPolicy::kFail);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), StatusCode::kNotFound) << stats.error().ToString();
  EXPECT_EQ(testing::ArchivedRecords(dir_.string()), 2u);
  auto gaps = common::ListArchiveGaps(dir_.string());
  ASSERT_TRUE(gaps.has_value());
  EXPECT_TRUE(gaps->empty());
}

TEST_F(ArchiverAfterRetentionTest, WithGapsSkippedTheArchiveSaysWhichRecordsItLacks) {
  auto stats = Run(common::OffsetGapPolicy::kSkip);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  ASSERT_GT(stats->archived, 0u);
  // The records archived after the loss are the topic's last ones.
  const int64_t first_held =
      test_support::InputTopic::kPastRetention - static_cast<int64_t>(stats->archived);
  ASSERT_GT(first_held, 2);
  auto gaps = common::ListArchiveGaps(dir_.string());
  ASSERT_TRUE(gaps.has_value()) << gaps.error().ToString();
  EXPECT_EQ(*gaps, std::vector<common::ArchiveGap>({{"in", 0, 2, first_held - 1}}));
  EXPECT_EQ(testing::ArchivedRecords(dir_.string()), 2 + stats->archived);
  auto findings = common::VerifyArchive(dir_.string());
  ASSERT_TRUE(findings.has_value());
  EXPECT_TRUE(findings->empty());

  // A second run finds the archive at the topic's end: nothing more is lost or noted.
  input_.Produce(test_support::InputTopic::kPastRetention, 1);
  auto again = Run(common::OffsetGapPolicy::kSkip);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->archived, 1u);
  EXPECT_EQ(*common::ListArchiveGaps(dir_.string()), *gaps);
}

}  // namespace
}  // namespace headwire::sinks
