#include "common/shutdown.h"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "common/daemon_context.h"

namespace headwire::common {
namespace {

// A process-wide signal is handled on whichever thread does not block it (an HTTP or Kafka
// thread as well as the loop's): the loop, polling on its own thread, still sees it.
TEST(ShutdownTest, SignalHandledOnAnotherThreadStopsTheLoop) {
  InstallShutdownHandlers();
  EXPECT_FALSE(ShutdownRequested());
  std::thread other([] { std::raise(SIGTERM); });  // handled on `other`
  while (!ShutdownRequested()) std::this_thread::yield();
  other.join();
  EXPECT_TRUE(ShutdownRequested());
  EXPECT_EQ(ShutdownSignal(), SIGTERM);
}

// What a command's exit code reports is the signal that stopped it, not a later one (a second
// Ctrl-C while it finishes its batch).
TEST(ShutdownTest, TheFirstSignalIsTheOneNamed) {
  InstallShutdownHandlers();
  // ctest runs each test in a process of its own; run together, the test above came first.
  const int before = ShutdownSignal();
  std::raise(SIGINT);
  std::raise(SIGTERM);
  EXPECT_EQ(ShutdownSignal(), before != 0 ? before : SIGINT);
}

// A terminal that closes sends SIGHUP to the daemon started from it: the daemon stops as on
// SIGTERM, persisting its batch, instead of dying by the default action; it does not reload.
TEST(ShutdownTest, SighupStopsTheLoopAsSigtermDoes) {
  // As a daemon started from a terminal finds it; a test run under nohup inherits it ignored.
  std::signal(SIGHUP, SIG_DFL);
  InstallShutdownHandlers();
  ASSERT_FALSE(ShutdownRequested()) << "ctest runs each test in a process of its own";
  std::raise(SIGHUP);
  EXPECT_TRUE(ShutdownRequested());
  EXPECT_EQ(ShutdownSignal(), SIGHUP);
}

TEST(ShutdownTest, ADaemonStartedUnderNohupKeepsSighupIgnored) {
  std::signal(SIGHUP, SIG_IGN);  // what nohup does before it starts the command
  InstallShutdownHandlers();
  std::raise(SIGHUP);
  EXPECT_FALSE(ShutdownRequested());
  struct sigaction hangup {};
  sigaction(SIGHUP, nullptr, &hangup);
  EXPECT_EQ(hangup.sa_handler, SIG_IGN);
}

// Between the signal and the exit a daemon persists its batch and leaves its group, which may
// take seconds: it must not be sent new work meanwhile.
TEST(ShutdownTest, ADaemonIsNotReadyFromTheSignalOn) {
  InstallShutdownHandlers();
  auto context = DaemonContext::Start("test", {});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  (*context)->SetReady({});
  ASSERT_TRUE((*context)->Readiness().ok) << "ctest runs each test in a process of its own";
  std::raise(SIGTERM);
  const Probe ready = (*context)->Readiness();
  EXPECT_FALSE(ready.ok);
  EXPECT_EQ(ready.reason, "shutting down");
  EXPECT_TRUE((*context)->Liveness().ok);
}

}  // namespace
}  // namespace headwire::common
