#include "common/ingest_time.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/time_format.h"
#include "producers/article_reader.h"

namespace headwire::common {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

int64_t Ms(const char* text) { return *ParseRfc3339(text); }

TEST(IngestTimeTest, AnArticleDatedMoreThanTheBoundAfterItWasReadHasABadEventTime) {
  const int64_t read = Ms("2026-03-02T08:15:00Z");
  EXPECT_FALSE(CheckAheadOfIngest(read - 400 * kDayMs, read, 7 * kDayMs));
  EXPECT_FALSE(CheckAheadOfIngest(read + 7 * kDayMs, read, 7 * kDayMs));
  auto error = CheckAheadOfIngest(read + 7 * kDayMs + 1, read, 7 * kDayMs);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->reason, "bad_event_time");
  // 73 years, 18 of them leap years (2028 to 2096).
  error = CheckAheadOfIngest(Ms("2099-03-02T08:15:00Z"), read, 7 * kDayMs);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message,
            "published_at 2099-03-02T08:15:00Z is 26663 days after the record was read "
            "(2026-03-02T08:15:00Z): an article is not dated more than 7 days ahead; a date "
            "that far is wrong (a typo, the wrong year or time zone)");
  error = CheckAheadOfIngest(read + 30 * 3600 * 1000LL, read, 3600 * 1000LL);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("is 30 hours after"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("more than 1 hours ahead"), std::string::npos) << error->message;
}

TEST(IngestTimeTest, AnUnknownTimeIsNeverJudgedAndExtremesDoNotOverflow) {
  EXPECT_FALSE(CheckAheadOfIngest(0, Ms("2026-03-02T08:15:00Z"), kDayMs));
  EXPECT_FALSE(CheckAheadOfIngest(Ms("2099-03-02T08:15:00Z"), 0, kDayMs));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(CheckAheadOfIngest(kMax, kMax - 5, kDayMs));
  auto error = CheckAheadOfIngest(kMax, -1000, kDayMs);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("is centuries after"), std::string::npos) << error->message;
  EXPECT_TRUE(CheckAheadOfIngest(kMax, std::numeric_limits<int64_t>::min() + 1, kDayMs));
}

// `produce` and `replay --file` read lines with the time they read them.
TEST(IngestTimeTest, AProducedLineDatedFarPastItsReadingIsRefusedAndAnUndatedOneIsNot) {
  const int64_t read = Ms("2026-12-06T09:00:00Z");
  auto typo = producers::ReadArticleLine(
      R"({"title":"Typo date","published_at":"2099-03-02T08:15:00Z"})", {}, read);
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().reason, "bad_event_time");
  auto soon = producers::ReadArticleLine(
      R"({"title":"Embargoed","published_at":"2026-12-07T06:00:00Z"})", {}, read);
  ASSERT_TRUE(soon) << soon.error().message;
  auto undated = producers::ReadArticleLine(R"({"title":"Undated"})", {}, read);
  ASSERT_TRUE(undated) << undated.error().message;
  EXPECT_EQ(undated->published_at_ms(), read);
}

}  // namespace
}  // namespace headwire::common
