#pragma once
// CallWhileWaiting: runs a call that blocks its thread with no way to hear from it meanwhile (a
// librdkafka request such as rd_kafka_committed or rd_kafka_offsets_for_times, which takes a
// timeout and no callback, or a whole topic read) on a thread of its own, while the calling thread
// calls `meanwhile` every `interval` until the call returned. A daemon's loop passes its
// beat-and-tick there, so that /healthz and /readyz stay current through such a wait as through
// the waits it slices itself (KafkaProducer::Flush and its `meanwhile`).
//
// The call must be safe to run on another thread (librdkafka's client calls are) and must share
// nothing with `meanwhile` but what is thread-safe. Without `meanwhile`, or when no thread can be
// started, it runs on the calling thread. The call's own timeout bounds the wait: it is never
// abandoned, so nothing outlives it, and a daemon asked to stop meanwhile waits it out.

#include <chrono>
#include <functional>
#include <future>
#include <system_error>
#include <type_traits>
#include <utility>

namespace headwire::common {

template <typename Call>
std::invoke_result_t<Call&> CallWhileWaiting(
    Call&& call, const std::function<void()>& meanwhile,
    std::chrono::milliseconds interval = std::chrono::milliseconds(200)) {
  if (!meanwhile) return call();
  std::future<std::invoke_result_t<Call&>> result;
  try {
    result = std::async(std::launch::async, call);
  } catch (const std::system_error&) {
    // No thread to be had (a pids limit): waiting without the beat beats throwing through the
    // librdkafka callback that may be on the stack.
    return call();
  }
  while (result.wait_for(interval) != std::future_status::ready) meanwhile();
  return result.get();
}

}  // namespace headwire::common
