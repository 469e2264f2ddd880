#include "producers/replay_pacer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace headwire::producers {
namespace {

class SteadyClock : public PacerClock {
 public:
  int64_t NowMs() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void SleepMs(int64_t ms) override { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
};

constexpr int64_t kSliceMs = 200;

}  // namespace

PacerClock& SteadyPacerClock() {
  static SteadyClock clock;
  return clock;
}

int64_t ReplayPacer::DueOffsetMs(int64_t event_ms) const {
  if (!first_event_ms_ || speed_ <= 0) return 0;
  return static_cast<int64_t>(
      std::llround(static_cast<double>(event_ms - *first_event_ms_) / speed_));
}

bool ReplayPacer::Wait(int64_t event_ms, const std::function<bool()>& stop) {
  if (speed_ <= 0) return !stop();
  if (!first_event_ms_) {
    first_event_ms_ = event_ms;
    latest_event_ms_ = event_ms;
    start_ms_ = clock_.NowMs();
    return !stop();
  }
  if (event_ms <= latest_event_ms_) return !stop();
  latest_event_ms_ = event_ms;
  const int64_t due = start_ms_ + DueOffsetMs(event_ms);
  for (int64_t now = clock_.NowMs(); now < due; now = clock_.NowMs()) {
    if (stop()) return false;
    clock_.SleepMs(std::min(due - now, kSliceMs));
  }
  return !stop();
}

}  // namespace headwire::producers
