#include "core/word_table.h"

#include <bit>
#include <cstring>

namespace headwire::core {
namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

// Reads a word with at most two overlapping loads instead of a loop over its bytes: the keys
// are short, and a collision only costs one more key comparison. Slots depend on the machine's
// byte order, lookups do not.
uint64_t WordHash(std::string_view word) {
  const char* p = word.data();
  const size_t n = word.size();
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x = 0, y = 0;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = static_cast<unsigned char>(p[0]) | (uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
        (uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
  }
  return Mix(a ^ Mix(b + n));
}

}  // namespace

WordTable::WordTable(std::initializer_list<Entry> entries)
    : WordTable(std::span<const Entry>(entries.begin(), entries.size())) {}

WordTable::WordTable(std::span<const Entry> entries) {
  Reserve(entries.size());
  for (const auto& [key, value] : entries) Add(key, value);
}

WordTable::WordTable(const std::vector<std::string_view>& keys) {
  Reserve(keys.size());
  for (std::string_view key : keys) Add(key, key);
}

void WordTable::Reserve(size_t count) {
  // At most half full: probe runs stay short and a miss ends at an empty slot quickly.
  const size_t capacity = std::bit_ceil(2 * count + 2);
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
}

void WordTable::Add(std::string_view key, std::string_view value) {
  const uint64_t hash = WordHash(key);
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    Slot& slot = slots_[i];
    if (!slot.used) {
      slot = Slot{hash, key, value, true};
      ++size_;
      if (key.size() > max_key_length_) max_key_length_ = key.size();
      return;
    }
    if (slot.hash == hash && slot.key == key) return;  // first entry wins
  }
}

const std::string_view* WordTable::Find(std::string_view key) const {
  if (key.size() > max_key_length_) return nullptr;
  const uint64_t hash = WordHash(key);
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (!slot.used) return nullptr;
    if (slot.hash == hash && slot.key == key) return &slot.value;
  }
}

}  // namespace headwire::core
