#pragma once
// When to poll a feed next: its interval scaled by a random jitter, so that hundreds of feeds do
// not fall due at the same instant, and doubled per consecutive failure (exponential backoff) up
// to a ceiling. Pure given the random generator; not thread-safe (the generator is the caller's).

#include <chrono>
#include <cstdint>
#include <random>

namespace headwire::producers {

struct ScheduleOptions {
  // Time between two polls of a feed whose entry sets no interval. Default: 15 minutes.
  std::chrono::milliseconds interval = std::chrono::minutes(15);
  // Every delay is multiplied by a factor drawn uniformly from [1 - jitter, 1 + jitter]; 0..0.5.
  // Default: 0.1.
  double jitter = 0.1;
  // Longest delay after failures: each consecutive failure doubles the interval up to this.
  // Default: 6 hours.
  std::chrono::milliseconds max_backoff = std::chrono::hours(6);
};

// The delay before the next poll of a feed polled every `interval` that has failed
// `consecutive_failures` times in a row (0 after a success).
std::chrono::milliseconds NextPollDelay(std::chrono::milliseconds interval,
                                        uint32_t consecutive_failures,
                                        const ScheduleOptions& options, std::mt19937_64& rng);

}  // namespace headwire::producers
