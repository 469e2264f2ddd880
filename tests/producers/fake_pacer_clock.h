#pragma once
// FakePacerClock: a PacerClock for tests of pacing, which only moves when the pacer sleeps, by
// exactly what it asked for, so that when a record is released is read off the clock instead of
// measured. `now_` may be set by a test (time spent elsewhere); `slept_` adds up the sleeps.

#include <cstdint>

#include "producers/replay_pacer.h"

namespace headwire::testing {

class FakePacerClock : public producers::PacerClock {
 public:
  explicit FakePacerClock(int64_t start_ms = 0) : now_(start_ms) {}
  int64_t NowMs() override { return now_; }
  void SleepMs(int64_t ms) override {
    now_ += ms;
    slept_ += ms;
  }
  int64_t now_;
  int64_t slept_ = 0;
};

}  // namespace headwire::testing
