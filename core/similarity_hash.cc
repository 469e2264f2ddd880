#include "core/similarity_hash.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace headwire::core {

MinHashSignature ComputeMinHash(std::span<const uint64_t> tokens) {
  MinHashSignature signature;
  signature.fill(std::numeric_limits<uint32_t>::max());
  for (const uint64_t token : tokens) {
    // One strong mix per token, then cheap per-slot permutations derived from it: slot i uses
    // the high 32 bits of (h * odd_i + i-th constant), a multiply-shift family.
    const uint64_t h = Mix64(token);
    for (size_t i = 0; i < kMinHashSlots; ++i) {
      const uint64_t odd = 0x9e3779b97f4a7c15ULL + 2 * 0x632be59bd9b4e019ULL * i;
      const uint32_t value =
          static_cast<uint32_t>((h * (odd | 1) + i * 0xd6e8feb86659fd93ULL) >> 32);
      signature[i] = std::min(signature[i], value);
    }
  }
  return signature;
}

std::vector<uint64_t> MinHashBandKeys(const MinHashSignature& signature, size_t bands) {
  std::vector<uint64_t> keys;
  if (bands == 0) return keys;
  const size_t rows = kMinHashSlots / bands;
  keys.reserve(bands);
  for (size_t band = 0; band < bands; ++band) {
    uint64_t key = Mix64(band + 1);
    for (size_t row = 0; row < rows; ++row) {
      key = Mix64(key ^ signature[band * rows + row]);
    }
    keys.push_back(key);
  }
  return keys;
}

uint64_t ComputeSimHash(std::span<const uint64_t> features) {
  if (features.empty()) return 0;
  std::array<int32_t, 64> votes{};
  for (const uint64_t feature : features) {
    const uint64_t h = Mix64(feature);
    for (int bit = 0; bit < 64; ++bit) votes[bit] += ((h >> bit) & 1) ? 1 : -1;
  }
  uint64_t simhash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (votes[bit] > 0) simhash |= 1ULL << bit;
  }
  return simhash;
}

std::array<uint64_t, 4> SimHashBlockKeys(uint64_t simhash) {
  std::array<uint64_t, 4> keys;
  for (uint64_t block = 0; block < 4; ++block) {
    keys[block] = (block << 16) | ((simhash >> (16 * block)) & 0xFFFF);
  }
  return keys;
}

int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

}  // namespace headwire::core
