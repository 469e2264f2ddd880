#include "common/log_sampler.h"

#include <gtest/gtest.h>

namespace headwire::common {
namespace {

using std::chrono::seconds;
const LogSampler::Clock::time_point kStart{seconds(1000)};

TEST(LogSamplerTest, LogsTheFirstOfAnIntervalThenSummarisesTheRest) {
  LogSampler sampler({.burst = 3, .interval = seconds(10)});
  int logged = 0;
  for (int i = 0; i < 100; ++i) logged += sampler.Admit(kStart) ? 1 : 0;
  EXPECT_EQ(logged, 3);
  EXPECT_EQ(sampler.TakeSuppressed(kStart + seconds(9)), 0u);  // the interval is not over
  EXPECT_EQ(sampler.TakeSuppressed(kStart + seconds(10)), 97u);
  EXPECT_EQ(sampler.TakeSuppressed(kStart + seconds(30)), 0u);  // told once
  // A new interval logs its first events in full again.
  EXPECT_TRUE(sampler.Admit(kStart + seconds(31)));
}

TEST(LogSamplerTest, FewEventsAreAllLoggedAndNeedNoSummary) {
  LogSampler sampler({.burst = 3, .interval = seconds(10)});
  EXPECT_TRUE(sampler.Admit(kStart));
  EXPECT_TRUE(sampler.Admit(kStart + seconds(1)));
  EXPECT_EQ(sampler.TakeSuppressed(kStart + seconds(20)), 0u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(sampler.Admit(kStart + seconds(21)));
  EXPECT_FALSE(sampler.Admit(kStart + seconds(21)));
}

TEST(LogSamplerTest, AnIntervalWithoutSuppressedEventsEndsAtTheNextEvent) {
  LogSampler sampler({.burst = 2, .interval = seconds(10)});
  EXPECT_TRUE(sampler.Admit(kStart));
  EXPECT_TRUE(sampler.Admit(kStart + seconds(11)));  // a new interval, no summary owed
  EXPECT_TRUE(sampler.Admit(kStart + seconds(12)));
  EXPECT_FALSE(sampler.Admit(kStart + seconds(13)));
  EXPECT_EQ(sampler.TakeSuppressed(kStart + seconds(21)), 1u);
}

// A caller that stops within an interval would otherwise never say how many it held back.
TEST(LogSamplerTest, StoppingWithinAnIntervalSummarisesWhatItHeldBack) {
  LogSampler sampler({.burst = 5, .interval = seconds(10)});
  for (int i = 0; i < 8; ++i) sampler.Admit(kStart + seconds(1));
  EXPECT_EQ(sampler.TakeSuppressed(kStart + seconds(2)), 0u);  // the interval is not over
  EXPECT_EQ(sampler.TakeSuppressedAtStop(), 3u);
  EXPECT_EQ(sampler.TakeSuppressedAtStop(), 0u);  // told once
  EXPECT_EQ(sampler.TakeSuppressed(kStart + seconds(30)), 0u);
}

TEST(LogSamplerTest, StoppingAfterFewEventsOwesNoSummary) {
  LogSampler sampler({.burst = 5, .interval = seconds(10)});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(sampler.Admit(kStart));
  EXPECT_EQ(sampler.TakeSuppressedAtStop(), 0u);
  EXPECT_EQ(LogSampler().TakeSuppressedAtStop(), 0u);
}

}  // namespace
}  // namespace headwire::common
