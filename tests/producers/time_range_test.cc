#include "producers/time_range.h"

#include <gtest/gtest.h>

namespace headwire::producers {
namespace {

TEST(TimeRangeTest, FromIsInclusiveAndToIsExclusive) {
  const TimeRange range{.from_ms = 1000, .to_ms = 2000};
  EXPECT_FALSE(range.Contains(999));
  EXPECT_TRUE(range.Contains(1000));
  EXPECT_TRUE(range.Contains(1999));
  EXPECT_FALSE(range.Contains(2000));
}

TEST(TimeRangeTest, MissingBoundsAreOpen) {
  EXPECT_TRUE(TimeRange{}.Contains(-5));
  TimeRange from_only;
  from_only.from_ms = 10;
  EXPECT_TRUE(from_only.Contains(1'000'000'000'000));
  TimeRange to_only;
  to_only.to_ms = 10;
  EXPECT_FALSE(to_only.Contains(10));
}

TEST(TimeRangeTest, ExcludesOnlyBlocksWhollyOutside) {
  const TimeRange range{.from_ms = 1000, .to_ms = 2000};
  EXPECT_TRUE(range.Excludes(0, 999));
  EXPECT_TRUE(range.Excludes(2000, 3000));
  EXPECT_FALSE(range.Excludes(0, 1000));
  EXPECT_FALSE(range.Excludes(1999, 5000));
}

TEST(TimeRangeTest, BoundsParseAsRfc3339OrEpochMilliseconds) {
  EXPECT_EQ(ParseTimeBound("2026-03-02T00:00:00Z").value(), 1772409600000);
  EXPECT_EQ(ParseTimeBound("1772409600000").value(), 1772409600000);
  EXPECT_FALSE(ParseTimeBound("yesterday").has_value());
  EXPECT_FALSE(ParseTimeBound("").has_value());
}

TEST(TimeRangeTest, EpochMillisecondsOutsideTheYears0000To9999AreRefused) {
  EXPECT_EQ(ParseTimeBound("-62167219200000").value(), -62167219200000);  // 0000-01-01
  EXPECT_EQ(ParseTimeBound("253402300799999").value(), 253402300799999);  // 9999-12-31, last ms
  EXPECT_FALSE(ParseTimeBound("-62167219200001").has_value());
  EXPECT_FALSE(ParseTimeBound("253402300800000").has_value());
  const auto refused = ParseTimeBound("-9223372036854775808");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find("0000-9999"), std::string::npos);
}

}  // namespace
}  // namespace headwire::producers
