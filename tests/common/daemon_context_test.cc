#include "common/daemon_context.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "common/shutdown.h"
#include "tests/common/exit_saying.h"

namespace headwire::common {
namespace {

// Counts the calls a wait for room makes between its slices.
struct WaitCalls {
  int beats = 0;
  int past_bound = 0;
};

std::function<bool()> CountingWait(const DaemonContext& context, std::chrono::milliseconds bound,
                                   WaitCalls& calls) {
  return KeepWaitingUntilStop(
      context, bound, [&calls] { ++calls.beats; }, [&calls] { ++calls.past_bound; });
}

// A wait for room beats while it is within its bound, so that /healthz holds, and only the
// other call (readiness, without the beat) once it has gone past, so that /healthz reports the
// stall; either way it goes on waiting while no stop was asked for.
TEST(KeepWaitingUntilStopTest, AWaitBeatsWithinItsBoundAndNotPastIt) {
  auto context = DaemonContext::Start("process", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();

  WaitCalls within;
  auto long_bound = CountingWait(**context, std::chrono::hours(1), within);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(long_bound());
  EXPECT_EQ(within.beats, 3);
  EXPECT_EQ(within.past_bound, 0);

  WaitCalls past;
  auto no_bound = CountingWait(**context, std::chrono::milliseconds(0), past);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(no_bound());
  EXPECT_EQ(past.beats, 0);
  EXPECT_EQ(past.past_bound, 3);
}

// Each wait has a bound of its own, counted from its first slice: a wait that follows one that
// went past its bound beats again.
TEST(KeepWaitingUntilStopTest, EachWaitCountsItsBoundFromItsOwnFirstSlice) {
  auto context = DaemonContext::Start("process", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  WaitCalls first;
  auto spent = CountingWait(**context, std::chrono::milliseconds(0), first);
  EXPECT_TRUE(spent());
  WaitCalls second;
  auto fresh = CountingWait(**context, std::chrono::hours(1), second);
  EXPECT_TRUE(fresh());
  EXPECT_EQ(first.past_bound, 1);
  EXPECT_EQ(second.beats, 1);
}

// In a process of its own (the signal's flag is process-wide and stays set): a stop ends the
// wait, within its bound or past it.
[[noreturn]] void AskAfterAStop() {
  InstallShutdownHandlers();
  auto context = DaemonContext::Start("process", {});
  if (!context) testing::ExitSaying("setup: " + context.error().ToString());
  WaitCalls calls;
  auto within = CountingWait(**context, std::chrono::hours(1), calls);
  auto past = CountingWait(**context, std::chrono::milliseconds(0), calls);
  const bool before = within();
  std::raise(SIGTERM);
  testing::ExitSaying("before=" + std::to_string(before) + " within=" + std::to_string(within()) +
                      " past=" + std::to_string(past()));
}

TEST(KeepWaitingUntilStopTest, AStopEndsTheWaitWhereverItIs) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(AskAfterAStop(), ::testing::ExitedWithCode(0), "before=1 within=0 past=0");
}

}  // namespace
}  // namespace headwire::common
