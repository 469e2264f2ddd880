#pragma once
// Paces a replay in event time: at speed N, a record whose event time is E is released at
// start + (E - E0) / N of wall time, where E0 is the first record's event time and start the
// moment it was released. A record that is not newer than the latest one released goes at once,
// so out-of-order records never stall the replay. Speed 0 means as fast as possible.
//
// The clock is injected so that tests run without sleeping. Not thread-safe.

#include <cstdint>
#include <functional>
#include <optional>

namespace headwire::producers {

class PacerClock {
 public:
  virtual ~PacerClock() = default;
  // Milliseconds on a monotonic clock.
  virtual int64_t NowMs() = 0;
  // Sleeps about `ms` milliseconds.
  virtual void SleepMs(int64_t ms) = 0;
};

// The process's steady clock and a real sleep.
PacerClock& SteadyPacerClock();

class ReplayPacer {
 public:
  // `speed`: event-time milliseconds per wall-clock millisecond; 0 for no pacing.
  ReplayPacer(double speed, PacerClock& clock) : speed_(speed), clock_(clock) {}

  // Waits until the record with `event_ms` is due. Sleeps in slices of at most 200 ms and
  // returns false early when `stop` says so.
  bool Wait(int64_t event_ms, const std::function<bool()>& stop);

  // Wall-clock milliseconds after the start when a record with `event_ms` is due.
  int64_t DueOffsetMs(int64_t event_ms) const;

 private:
  double speed_;
  PacerClock& clock_;
  std::optional<int64_t> first_event_ms_;
  int64_t start_ms_ = 0;
  int64_t latest_event_ms_ = 0;
};

}  // namespace headwire::producers
