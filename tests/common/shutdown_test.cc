#include "common/shutdown.h"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

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

}  // namespace
}  // namespace headwire::common
