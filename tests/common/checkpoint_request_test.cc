#include "common/checkpoint_request.h"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace headwire::common {
namespace {

// SIGUSR1 handled on another thread than the daemon's loop is taken by the loop, exactly once.
TEST(CheckpointRequestTest, SignalHandledOnAnotherThreadIsTakenOnce) {
  InstallCheckpointRequestHandler();
  EXPECT_FALSE(TakeCheckpointRequest());
  std::thread other([] { std::raise(SIGUSR1); });  // handled on `other`
  while (!TakeCheckpointRequest()) std::this_thread::yield();
  other.join();
  EXPECT_FALSE(TakeCheckpointRequest());
}

}  // namespace
}  // namespace headwire::common
