#include "core/english_stemmer.h"

#include <libstemmer.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

namespace headwire::core {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};

sb_stemmer* ThreadStemmer() {
  thread_local const std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(
      sb_stemmer_new("english", "UTF_8"));
  return stemmer.get();
}

// Snowball costs about 20 times a table lookup, and news repeats its words: each thread keeps the
// stems of the words it has stemmed in an open-addressing table (linear probing) of 65,536 flat
// 64-byte slots, filled up to three quarters; after that, new words are stemmed uncached. The
// table only stores what the stemmer returned, so results never depend on it. Longer words bypass
// it.
constexpr size_t kCacheSlots = size_t{1} << 16;
constexpr size_t kCacheCapacity = kCacheSlots / 4 * 3;
constexpr size_t kMaxCachedBytes = 31;

struct alignas(64) CacheSlot {
  uint8_t word_size = 0xFF;  // 0xFF: empty
  uint8_t stem_size = 0;
  std::array<char, kMaxCachedBytes> word;
  std::array<char, kMaxCachedBytes> stem;
};
static_assert(sizeof(CacheSlot) == 64);  // one cache line each

struct ThreadCache {
  std::unique_ptr<CacheSlot[]> slots = std::make_unique<CacheSlot[]>(kCacheSlots);
  size_t used = 0;
};

// The thread's cache: a plain thread_local pointer needs no initialisation guard on every
// access; the owner frees it when the thread ends.
ThreadCache& Cache() {
  thread_local ThreadCache* cache = nullptr;
  thread_local std::unique_ptr<ThreadCache> owner;
  if (cache == nullptr) {
    owner = std::make_unique<ThreadCache>();
    cache = owner.get();
  }
  return *cache;
}

// FNV-1a: words are short, and an inlined loop beats a library call.
uint64_t SlotHash(std::string_view word) {
  uint64_t h = 14695981039346656037ull;
  for (const char c : word) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h ^ (h >> 29);
}

void StemUncached(std::string_view word, std::string& out) {
  sb_stemmer* stemmer = ThreadStemmer();
  const sb_symbol* stem =
      stemmer == nullptr ? nullptr
                         : sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                                           static_cast<int>(word.size()));
  if (stem == nullptr) {
    out.assign(word);
    return;
  }
  out.assign(reinterpret_cast<const char*>(stem), static_cast<size_t>(sb_stemmer_length(stemmer)));
}

}  // namespace

void SnowballStemInto(std::string_view word, std::string& out) {
  if (word.size() > kMaxCachedBytes) {
    StemUncached(word, out);
    return;
  }
  ThreadCache& cache = Cache();
  size_t i = SlotHash(word) & (kCacheSlots - 1);
  for (;; i = (i + 1) & (kCacheSlots - 1)) {
    const CacheSlot& slot = cache.slots[i];
    if (slot.word_size == 0xFF) break;
    if (slot.word_size == word.size() &&
        std::memcmp(slot.word.data(), word.data(), word.size()) == 0) {
      out.assign(slot.stem.data(), slot.stem_size);
      return;
    }
  }
  StemUncached(word, out);
  if (out.size() > kMaxCachedBytes || cache.used >= kCacheCapacity) return;
  CacheSlot& slot = cache.slots[i];
  slot.word_size = static_cast<uint8_t>(word.size());
  std::memcpy(slot.word.data(), word.data(), word.size());
  slot.stem_size = static_cast<uint8_t>(out.size());
  std::memcpy(slot.stem.data(), out.data(), out.size());
  ++cache.used;
}

void PrefetchSnowballStem(std::string_view word) {
  if (word.size() > kMaxCachedBytes) return;
  __builtin_prefetch(&Cache().slots[SlotHash(word) & (kCacheSlots - 1)]);
}

std::string SnowballStem(std::string_view word) {
  std::string out;
  SnowballStemInto(word, out);
  return out;
}

}  // namespace headwire::core
