#include "producers/replay_pacer.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/producers/fake_pacer_clock.h"

namespace headwire::producers {
namespace {

using testing::FakePacerClock;

TEST(ReplayPacerTest, SixtyTimesRealTimeReleasesAnHourOfEventsInOneMinute) {
  FakePacerClock clock(1000);
  ReplayPacer pacer(60, clock);
  const int64_t t0 = 1'772'438'400'000;
  std::vector<int64_t> released;
  for (int64_t minute : {0, 15, 30, 60}) {
    ASSERT_TRUE(pacer.Wait(t0 + minute * 60'000, [] { return false; }));
    released.push_back(clock.now_ - 1000);
  }
  EXPECT_EQ(released, (std::vector<int64_t>{0, 15'000, 30'000, 60'000}));
}

TEST(ReplayPacerTest, OutOfOrderRecordsAreNotDelayed) {
  FakePacerClock clock(1000);
  ReplayPacer pacer(10, clock);
  ASSERT_TRUE(pacer.Wait(100'000, [] { return false; }));
  ASSERT_TRUE(pacer.Wait(200'000, [] { return false; }));
  const int64_t slept = clock.slept_;
  EXPECT_EQ(slept, 10'000);
  ASSERT_TRUE(pacer.Wait(150'000, [] { return false; }));
  EXPECT_EQ(clock.slept_, slept);
}

TEST(ReplayPacerTest, MaxSpeedNeverSleeps) {
  FakePacerClock clock(1000);
  ReplayPacer pacer(0, clock);
  for (int64_t t : {0, 3'600'000, 86'400'000}) ASSERT_TRUE(pacer.Wait(t, [] { return false; }));
  EXPECT_EQ(clock.slept_, 0);
}

TEST(ReplayPacerTest, StopEndsTheWaitEarly) {
  FakePacerClock clock(1000);
  ReplayPacer pacer(1, clock);
  ASSERT_TRUE(pacer.Wait(0, [] { return false; }));
  EXPECT_FALSE(pacer.Wait(3'600'000, [&clock] { return clock.slept_ >= 1000; }));
  EXPECT_LT(clock.slept_, 3'600'000);
}

}  // namespace
}  // namespace headwire::producers
