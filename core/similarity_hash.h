#pragma once
// Locality-sensitive fingerprints for near-duplicate candidates.
//
// MinHash (Broder 1997) estimates the Jaccard similarity of two sets of token hashes: each of
// the k slots keeps the minimum of one hash permutation over the set, and two sets agree in a
// slot with probability equal to their Jaccard similarity. Banding the slots (b bands of r
// slots) gives candidate keys: two sets share at least one band key with probability
// 1 - (1 - J^r)^b. SimHash (Charikar 2002) maps a bag of features to 64 bits whose Hamming
// distance tracks cosine distance; split into 4 blocks of 16 bits, any two fingerprints within
// 3 bits share a block exactly (Manku et al. 2007), which makes the blocks candidate keys.
// Pure, deterministic and platform-independent (no std::hash).

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace headwire::core {

// A 64-bit mix with full avalanche (the splitmix64 finaliser).
constexpr uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline constexpr size_t kMinHashSlots = 16;
using MinHashSignature = std::array<uint32_t, kMinHashSlots>;

// The signature of a set of token hashes (duplicates in `tokens` are harmless). An empty set has
// all slots at UINT32_MAX.
MinHashSignature ComputeMinHash(std::span<const uint64_t> tokens);

// Band keys of a signature: `bands` keys of kMinHashSlots / bands slots each, each key also
// carrying its band number so that equal slot values in different bands do not collide.
std::vector<uint64_t> MinHashBandKeys(const MinHashSignature& signature, size_t bands);

// SimHash of a bag of feature hashes; 0 for an empty bag.
uint64_t ComputeSimHash(std::span<const uint64_t> features);

// The four 16-bit blocks of a SimHash as candidate keys (block number in the high bits).
std::array<uint64_t, 4> SimHashBlockKeys(uint64_t simhash);

int HammingDistance(uint64_t a, uint64_t b);

}  // namespace headwire::core
