#pragma once
// The event times the core tests write their streams with: an hour in milliseconds, and T0,
// 2026-03-02T08:00:00Z, where most of their streams start. Shared, not redefined per file: the
// files of a test binary are compiled together in batches (CMake's unity build).

#include <cstdint>

namespace headwire::core::testing {

inline constexpr int64_t kHour = 3600 * 1000;
inline constexpr int64_t kT0 = 1772438400000;  // 2026-03-02T08:00:00Z

}  // namespace headwire::core::testing
