#include "common/archive_gaps.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/archive_catalog.h"
#include "tests/common/test_dir.h"

namespace headwire::common {
namespace {

class ArchiveGapsTest : public ::testing::Test {
 protected:
  std::string dir() const { return dir_.string(); }

  testing::TestDir dir_{"archive-gaps"};
};

TEST_F(ArchiveGapsTest, AnArchiveWithoutLossesListsNoGaps) {
  std::filesystem::create_directories(dir_.path());
  auto gaps = ListArchiveGaps(dir());
  ASSERT_TRUE(gaps.has_value()) << gaps.error().ToString();
  EXPECT_TRUE(gaps->empty());
  EXPECT_EQ(ListArchiveGaps(dir() + "/missing").error().code(), StatusCode::kNotFound);
}

TEST_F(ArchiveGapsTest, NotingTheSameLossAgainChangesNothing) {
  const ArchiveGap gap{"raw", 0, 2, 9};
  ASSERT_TRUE(NoteArchiveGap(dir(), gap).ok());
  ASSERT_TRUE(NoteArchiveGap(dir(), gap).ok());
  auto gaps = ListArchiveGaps(dir());
  ASSERT_TRUE(gaps.has_value()) << gaps.error().ToString();
  EXPECT_EQ(*gaps, std::vector<ArchiveGap>{gap});
  EXPECT_EQ((*gaps)[0].records(), 8u);
}

TEST_F(ArchiveGapsTest, LossesThatOverlapOrTouchAreOneGapAndOthersStayApartInOffsetOrder) {
  ASSERT_TRUE(NoteArchiveGap(dir(), {"raw", 0, 100, 110}).ok());
  ASSERT_TRUE(NoteArchiveGap(dir(), {"raw", 0, 2, 9}).ok());
  ASSERT_TRUE(NoteArchiveGap(dir(), {"raw", 0, 5, 20}).ok());     // overlaps 2..9
  ASSERT_TRUE(NoteArchiveGap(dir(), {"raw", 0, 111, 120}).ok());  // touches 100..110
  auto gaps = ListArchiveGaps(dir());
  ASSERT_TRUE(gaps.has_value()) << gaps.error().ToString();
  EXPECT_EQ(*gaps, (std::vector<ArchiveGap>{{"raw", 0, 2, 20}, {"raw", 0, 100, 120}}));
}

TEST_F(ArchiveGapsTest, GapsAreListedByTopicPartitionAndOffsetAndAreNotSegments) {
  ASSERT_TRUE(NoteArchiveGap(dir(), {"raw", 1, 7, 7}).ok());
  ASSERT_TRUE(NoteArchiveGap(dir(), {"other", 0, 3, 4}).ok());
  ASSERT_TRUE(NoteArchiveGap(dir(), {"raw", 0, 5, 6}).ok());
  auto gaps = ListArchiveGaps(dir());
  ASSERT_TRUE(gaps.has_value()) << gaps.error().ToString();
  EXPECT_EQ(*gaps,
            (std::vector<ArchiveGap>{{"other", 0, 3, 4}, {"raw", 0, 5, 6}, {"raw", 1, 7, 7}}));
  EXPECT_EQ(GapsPath(dir(), "raw", 1), dir() + "/raw/1/gaps.json");
  EXPECT_EQ(DescribeArchiveGap((*gaps)[2]),
            "offsets 7..7 (1 record) were deleted from the topic before they were archived");
  auto segments = ListSegments(dir());
  ASSERT_TRUE(segments.has_value());
  EXPECT_TRUE(segments->empty());
}

TEST_F(ArchiveGapsTest, ALossThatEndsBeforeItStartsIsRefused) {
  EXPECT_EQ(NoteArchiveGap(dir(), {"raw", 0, 9, 2}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NoteArchiveGap(dir(), {"raw", 0, -1, 2}).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(GapsPath(dir(), "raw", 0)));
}

TEST_F(ArchiveGapsTest, AGapsFileThatDoesNotParseIsNamed) {
  ASSERT_TRUE(NoteArchiveGap(dir(), {"raw", 0, 2, 9}).ok());
  std::ofstream(GapsPath(dir(), "raw", 0)) << "{\"topic\": \"raw\", \"gaps\": [";
  auto gaps = ListArchiveGaps(dir());
  ASSERT_FALSE(gaps.has_value());
  EXPECT_EQ(gaps.error().code(), StatusCode::kCorruption);
  EXPECT_NE(gaps.error().message().find("raw/0/gaps.json"), std::string::npos);
  EXPECT_EQ(NoteArchiveGap(dir(), {"raw", 0, 20, 29}).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace headwire::common
