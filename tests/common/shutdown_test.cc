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
}

}  // namespace
}  // namespace headwire::common
