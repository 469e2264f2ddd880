#include "common/blocking_call.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace headwire::common {
namespace {

// The call blocks until `meanwhile` has run three times: only a caller that keeps calling it
// while the call waits gets an answer before the call's own deadline.
TEST(CallWhileWaitingTest, MeanwhileIsCalledOnTheCallingThreadUntilTheBlockingCallReturns) {
  std::promise<void> release;
  std::future<void> released = release.get_future();
  int calls = 0;
  bool on_calling_thread = true;
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> call_on_caller = true;

  const bool answered = CallWhileWaiting(
      [&] {
        call_on_caller = std::this_thread::get_id() == caller;
        return released.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
      },
      [&] {
        on_calling_thread = on_calling_thread && std::this_thread::get_id() == caller;
        if (++calls == 3) release.set_value();
      },
      std::chrono::milliseconds(1));

  EXPECT_TRUE(answered);
  EXPECT_GE(calls, 3);
  EXPECT_TRUE(on_calling_thread);
  EXPECT_FALSE(call_on_caller);
}

TEST(CallWhileWaitingTest, WithoutMeanwhileTheCallRunsOnTheCallingThread) {
  const std::thread::id caller = std::this_thread::get_id();
  EXPECT_TRUE(CallWhileWaiting([&] { return std::this_thread::get_id() == caller; }, {}));
}

}  // namespace
}  // namespace headwire::common
