#include "core/event_windows.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

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

TEST(EventWindows, HoppingWindowsListThoseHoldingAStoredOneWithWhatTheyHold) {
  // Hour-long windows hopping by 15 minutes over quarters starting 10:00, 10:15 and 12:00.
  const int64_t q = 15 * kMinuteMs;
  const std::vector<int64_t> starts = {40 * q, 41 * q, 48 * q};
  const auto spans = HoppingWindowsOver(starts, kHourMs, q);
  std::vector<std::tuple<int64_t, size_t, size_t>> got;
  for (const auto& s : spans) got.emplace_back(s.start_ms, s.first, s.end);
  const std::vector<std::tuple<int64_t, size_t, size_t>> want = {
      {37 * q, 0, 1},
      {38 * q, 0, 2},
      {39 * q, 0, 2},
      {40 * q, 0, 2},
      {41 * q, 1, 2},
      // 10:30 .. 11:00 hold nothing and are not listed.
      {45 * q, 2, 3},
      {46 * q, 2, 3},
      {47 * q, 2, 3},
      {48 * q, 2, 3}};
  EXPECT_EQ(got, want);
}

TEST(EventWindows, TumblingWindowsOverStoredOnesAreThoseWindows) {
  const std::vector<int64_t> starts = {-2 * kHourMs, 0, 5 * kHourMs};
  const auto spans = HoppingWindowsOver(starts, kHourMs, kHourMs);
  ASSERT_EQ(spans.size(), 3u);
  for (size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(spans[i].start_ms, starts[i]);
    EXPECT_EQ(spans[i].first, i);
    EXPECT_EQ(spans[i].end, i + 1);
  }
  EXPECT_TRUE(HoppingWindowsOver({}, kHourMs, kMinuteMs).empty());
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
  EXPECT_FALSE(tracker.IsFarAhead("p0", INT64_MAX, 0));  // nothing to be ahead of yet
  tracker.Observe("p0", 1772409600000);
  EXPECT_FALSE(tracker.IsFarAhead("p0", 1772409600000 + kDayMs, 0));
  EXPECT_TRUE(tracker.IsFarAhead("p0", 1772409600000 + kDayMs + 1, 0));
  EXPECT_TRUE(tracker.IsFarAhead("p0", INT64_MAX, 0));
  EXPECT_FALSE(tracker.IsFarAhead("p1", INT64_MAX, 0));  // judged per partition
  EXPECT_FALSE(IsFarAhead(INT64_MAX, INT64_MAX - 5, kDayMs));
  EXPECT_FALSE(IsFarAhead(INT64_MIN, INT64_MAX, kDayMs));
}

// A partition whose largest event time is stale (a feed's months-old pinned item came first)
// must not reject every current record: a live record's own ingestion time vouches for it.
TEST(Watermark, ARecordReadWithinTheBoundOfItsEventTimeIsNotFarAheadOfAStalePartition) {
  WatermarkTracker tracker({.max_out_of_order_ms = 0, .grace_ms = 0, .max_ahead_ms = kDayMs});
  const int64_t stale = 1772409600000;
  const int64_t now = stale + 60 * kDayMs;
  tracker.Observe("p0", stale);
  EXPECT_TRUE(tracker.IsFarAhead("p0", now, 0));  // no ingestion time: nothing vouches
  EXPECT_FALSE(tracker.IsFarAhead("p0", now, now));
  EXPECT_FALSE(tracker.IsFarAhead("p0", now + kDayMs, now));
  EXPECT_TRUE(tracker.IsFarAhead("p0", now + kDayMs + 1, now));  // dated after its ingestion
  EXPECT_FALSE(tracker.IsFarAhead("p0", now - kDayMs, now));
  // Replayed long after it was published: its stream's own times judge it.
  EXPECT_TRUE(tracker.IsFarAhead("p0", now - kDayMs - 1, now));
  EXPECT_TRUE(VouchedByIngestTime(INT64_MAX, INT64_MAX - 5, kDayMs));  // without overflow
  EXPECT_FALSE(VouchedByIngestTime(INT64_MAX, INT64_MIN + 5, kDayMs));
}

TEST(Watermark, ARecordDatedAfterItWasReadMovesTheWatermarkOnlyToItsReadingTime) {
  const int64_t read = 1772409600000;
  EXPECT_EQ(WatermarkEventTime(read - kDayMs, read), read - kDayMs);
  EXPECT_EQ(WatermarkEventTime(read + kIngestClockSkewMs, read), read + kIngestClockSkewMs);
  EXPECT_EQ(WatermarkEventTime(read + 3 * 3600'000, read), read + kIngestClockSkewMs);
  EXPECT_EQ(WatermarkEventTime(read + 3 * 3600'000, 0), read + 3 * 3600'000);  // read when: unknown
  EXPECT_EQ(WatermarkEventTime(INT64_MAX, INT64_MAX - 5), INT64_MAX);          // without overflow
}

// The rule itself, which the sink's partitions and the processor's window both apply to their
// stream's largest event time.
TEST(Watermark, ARecordIsFarAheadOfItsStreamWhenPastTheBoundAndItsIngestionDoesNotVouch) {
  const int64_t stream_max = 1772409600000;
  const int64_t now = stream_max + 60 * kDayMs;
  EXPECT_FALSE(IsFarAheadOfStream(stream_max + kDayMs, 0, stream_max, kDayMs));
  EXPECT_TRUE(IsFarAheadOfStream(stream_max + kDayMs + 1, 0, stream_max, kDayMs));
  EXPECT_FALSE(IsFarAheadOfStream(now, now, stream_max, kDayMs));  // read live: vouched for
  // Replayed long after it was published: only its stream judges it.
  EXPECT_TRUE(IsFarAheadOfStream(now - kDayMs - 1, now, stream_max, kDayMs));
  EXPECT_FALSE(IsFarAheadOfStream(INT64_MAX, 0, INT64_MAX - 5, kDayMs));  // without overflow
  EXPECT_TRUE(IsFarAheadOfStream(INT64_MAX, INT64_MIN + 5, INT64_MIN, kDayMs));
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
