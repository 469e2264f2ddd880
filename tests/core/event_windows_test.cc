#include "core/event_windows.h"

#include <gtest/gtest.h>

#include "core/watermark.h"

namespace headwire::core {
namespace {

TEST(EventWindows, TumblingStartsAlignToTheEpochIncludingNegativeTimes) {
  EXPECT_EQ(WindowStart(0, kHourMs), 0);
  EXPECT_EQ(WindowStart(kHourMs - 1, kHourMs), 0);
  EXPECT_EQ(WindowStart(kHourMs, kHourMs), kHourMs);
  EXPECT_EQ(WindowStart(-1, kHourMs), -kHourMs);
  EXPECT_EQ(WindowStart(-kHourMs, kHourMs), -kHourMs);
  // 2026-03-02T08:15:00Z lies in the day starting 2026-03-02T00:00:00Z.
  EXPECT_EQ(WindowStart(1772439300000, kDayMs), 1772409600000);
}

TEST(EventWindows, NamesRoundTripAndUnknownNamesAreRejected) {
  for (const WindowSize size : kAllWindowSizes) EXPECT_EQ(ParseWindowSize(WindowName(size)), size);
  EXPECT_FALSE(ParseWindowSize("week").has_value());
  EXPECT_EQ(WindowLengthMs(WindowSize::kMinute), 60'000);
  EXPECT_EQ(WindowLengthMs(WindowSize::kDay), 86'400'000);
}

TEST(EventWindows, HoppingWindowsContainingATime) {
  // An hour-long window hopping by 15 minutes: four windows contain 10:20.
  const int64_t t = 10 * kHourMs + 20 * kMinuteMs;
  const auto starts = HoppingWindowStarts(t, kHourMs, 15 * kMinuteMs);
  ASSERT_EQ(starts.size(), 4u);
  EXPECT_EQ(starts.front(), 9 * kHourMs + 30 * kMinuteMs);
  EXPECT_EQ(starts.back(), 10 * kHourMs + 15 * kMinuteMs);
  for (const int64_t s : starts) {
    EXPECT_LE(s, t);
    EXPECT_GT(s + kHourMs, t);
  }
  EXPECT_EQ(HoppingWindowStarts(t, kHourMs, kHourMs), std::vector<int64_t>{10 * kHourMs});
}

TEST(Watermark, LatenessIsJudgedAgainstTheRecordsOwnPartition) {
  WatermarkTracker tracker({.max_out_of_order_ms = 10, .grace_ms = 100});
  EXPECT_FALSE(tracker.IsLate("p0", 0));  // nothing seen yet
  tracker.Observe("p0", 1000);
  tracker.Observe("p0", 500);  // never moves back
  EXPECT_EQ(tracker.PartitionWatermark("p0"), 990);
  EXPECT_FALSE(tracker.IsLate("p0", 890));
  EXPECT_TRUE(tracker.IsLate("p0", 889));
  // Another partition far behind is not late: it has its own watermark.
  tracker.Observe("p1", 200);
  EXPECT_FALSE(tracker.IsLate("p1", 150));
}

TEST(Watermark, GlobalIsTheMinimumOverActivePartitionsAndIdleOnesDoNotHoldItBack) {
  WatermarkTracker tracker({.max_out_of_order_ms = 10, .grace_ms = 100});
  EXPECT_FALSE(tracker.GlobalWatermark({}).has_value());
  tracker.Observe("p0", 1000);
  tracker.Observe("p1", 300);
  EXPECT_EQ(tracker.GlobalWatermark({}), 290);
  EXPECT_EQ(tracker.GlobalWatermark({"p1"}), 990);
  EXPECT_EQ(tracker.GlobalWatermark({"p0", "p1"}), 990);  // all idle: the furthest one
  EXPECT_EQ(tracker.MaxEventTime(), 1000);
}

TEST(Watermark, AWindowIsFinalOnceTheWatermarkPassesItsEndPlusGrace) {
  WatermarkTracker tracker({.max_out_of_order_ms = 10, .grace_ms = 100});
  EXPECT_FALSE(tracker.IsFinal(500, std::nullopt));
  EXPECT_FALSE(tracker.IsFinal(500, 599));
  EXPECT_TRUE(tracker.IsFinal(500, 600));
}

TEST(Watermark, ARecordFarAheadOfItsPartitionIsFlaggedWithoutOverflow) {
  WatermarkTracker tracker({.max_out_of_order_ms = 0, .grace_ms = 0, .max_ahead_ms = kDayMs});
  EXPECT_FALSE(tracker.IsFarAhead("p0", INT64_MAX));  // nothing to be ahead of yet
  tracker.Observe("p0", 1772409600000);
  EXPECT_FALSE(tracker.IsFarAhead("p0", 1772409600000 + kDayMs));
  EXPECT_TRUE(tracker.IsFarAhead("p0", 1772409600000 + kDayMs + 1));
  EXPECT_TRUE(tracker.IsFarAhead("p0", INT64_MAX));
  EXPECT_FALSE(tracker.IsFarAhead("p1", INT64_MAX));  // judged per partition
  EXPECT_FALSE(IsFarAhead(INT64_MAX, INT64_MAX - 5, kDayMs));
  EXPECT_FALSE(IsFarAhead(INT64_MIN, INT64_MAX, kDayMs));
}

TEST(Watermark, RestoredMaximaGiveTheSameVerdicts) {
  WatermarkTracker a({.max_out_of_order_ms = 10, .grace_ms = 100});
  a.Observe("p0", 5000);
  WatermarkTracker b({.max_out_of_order_ms = 10, .grace_ms = 100});
  for (const auto& [p, t] : a.maxima()) b.Restore(p, t);
  for (const int64_t t : {4000, 4889, 4890, 6000}) EXPECT_EQ(a.IsLate("p0", t), b.IsLate("p0", t));
}

}  // namespace
}  // namespace headwire::core
