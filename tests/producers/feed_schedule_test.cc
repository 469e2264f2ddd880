#include "producers/feed_schedule.h"

#include <gtest/gtest.h>

namespace headwire::producers {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

TEST(FeedScheduleTest, DelayStaysWithinTheJitterBand) {
  std::mt19937_64 rng(42);
  ScheduleOptions options;
  options.jitter = 0.1;
  milliseconds low = minutes(100), high = milliseconds(0);
  for (int i = 0; i < 1000; ++i) {
    const milliseconds d = NextPollDelay(minutes(10), 0, options, rng);
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_GE(low, minutes(9));
  EXPECT_LE(high, minutes(11));
  EXPECT_LT(low, milliseconds(minutes(10)) - minutes(1) / 2);  // the band is really used
  EXPECT_GT(high, milliseconds(minutes(10)) + minutes(1) / 2);
}

TEST(FeedScheduleTest, SameSeedSameSchedule) {
  std::mt19937_64 a(7), b(7);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(NextPollDelay(minutes(5), 0, {}, a), NextPollDelay(minutes(5), 0, {}, b));
  }
}

TEST(FeedScheduleTest, FailuresBackOffExponentiallyUpToTheCeiling) {
  std::mt19937_64 rng(1);
  ScheduleOptions options;
  options.jitter = 0;
  options.max_backoff = minutes(60);
  EXPECT_EQ(NextPollDelay(minutes(5), 0, options, rng), minutes(5));
  EXPECT_EQ(NextPollDelay(minutes(5), 1, options, rng), minutes(10));
  EXPECT_EQ(NextPollDelay(minutes(5), 3, options, rng), minutes(40));
  EXPECT_EQ(NextPollDelay(minutes(5), 4, options, rng), minutes(60));
  EXPECT_EQ(NextPollDelay(minutes(5), 1000, options, rng), minutes(60));
  // An interval longer than the ceiling is never shortened by a failure.
  EXPECT_EQ(NextPollDelay(minutes(90), 2, options, rng), minutes(90));
}

}  // namespace
}  // namespace headwire::producers
