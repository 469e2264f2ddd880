#include "producers/feed_schedule.h"

#include <algorithm>
#include <cmath>

namespace headwire::producers {

std::chrono::milliseconds NextPollDelay(std::chrono::milliseconds interval,
                                        uint32_t consecutive_failures,
                                        const ScheduleOptions& options, std::mt19937_64& rng) {
  double base = static_cast<double>(interval.count());
  if (consecutive_failures > 0) {
    const double ceiling = std::max(base, static_cast<double>(options.max_backoff.count()));
    base = std::min(ceiling, base * std::pow(2.0, std::min<uint32_t>(consecutive_failures, 40)));
  }
  std::uniform_real_distribution<double> factor(1.0 - options.jitter, 1.0 + options.jitter);
  return std::chrono::milliseconds(static_cast<int64_t>(base * factor(rng)));
}

}  // namespace headwire::producers
