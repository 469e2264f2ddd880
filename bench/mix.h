#pragma once
// Mix: a 64-bit finaliser (MurmurHash3's fmix64) that turns a record number into deterministic
// pseudo-random bits, so that a benchmark builds the same synthetic data on every run.

#include <cstdint>

namespace headwire::bench {

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

}  // namespace headwire::bench
