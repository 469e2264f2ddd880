#include "common/log_sampler.h"

namespace headwire::common {

bool LogSampler::Admit(Clock::time_point now) {
  if (open_ && now - start_ >= options_.interval && events_ <= options_.burst) {
    // The last interval ended with nothing held back: no summary is due, start afresh.
    open_ = false;
  }
  if (!open_) {
    open_ = true;
    start_ = now;
    events_ = 0;
  }
  return ++events_ <= options_.burst;
}

uint64_t LogSampler::TakeSuppressed(Clock::time_point now) {
  if (!open_ || now - start_ < options_.interval) return 0;
  open_ = false;
  return events_ > options_.burst ? events_ - options_.burst : 0;
}

uint64_t LogSampler::TakeSuppressedAtStop() {
  if (!open_) return 0;
  open_ = false;
  return events_ > options_.burst ? events_ - options_.burst : 0;
}

}  // namespace headwire::common
