#pragma once
// LogSampler: bounds the log volume of an event that input can repeat at will (a sink's rejected
// records). Of each interval's events the first `burst` are logged in full and the rest only
// counted; once the interval is over, TakeSuppressed() hands the count over for one summary line.
// The caller passes the time, so that the sampling is decided by its arguments alone:
//   if (uint64_t n = sampler.TakeSuppressed(now)) spdlog::warn("... count={}", n);
//   if (sampler.Admit(now)) spdlog::warn(...);
// (and TakeSuppressed alone now and then, so that the summary comes when the events stop too;
// TakeSuppressedAtStop when the caller stops, so that the last interval is summarised as well).
// Not thread-safe.

#include <chrono>
#include <cstdint>

namespace headwire::common {

struct LogSamplerOptions {
  // Events logged in full per interval. Default: 5.
  uint64_t burst = 5;
  // Default: 10 s.
  std::chrono::steady_clock::duration interval = std::chrono::seconds(10);
};

class LogSampler {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LogSampler(LogSamplerOptions options = {}) : options_(options) {}

  // Counts an event at `now`; true when it is to be logged in full.
  bool Admit(Clock::time_point now);
  // Once the interval of the first counted event is over: the events not logged in full since
  // (0 when none), and a new interval begins with the next event. Before then: 0.
  uint64_t TakeSuppressed(Clock::time_point now);
  // The events not logged in full since the last summary, whether or not their interval is over
  // (0 when none): for the summary of a caller that stops before the interval ends. A new
  // interval begins with the next event.
  uint64_t TakeSuppressedAtStop();

 private:
  LogSamplerOptions options_;
  bool open_ = false;  // an interval has begun
  Clock::time_point start_{};
  uint64_t events_ = 0;
};

}  // namespace headwire::common
