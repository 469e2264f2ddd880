#include "core/english_stemmer.h"

#include <libstemmer.h>
#include <xxhash.h>

#include <memory>
#include <vector>

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
// stems of recent words in a direct-mapped cache (a word evicts the one in its slot). The cache
// only stores what the stemmer returned, so results never depend on it.
constexpr size_t kCacheSlots = size_t{1} << 14;

struct CachedStem {
  std::string word;
  std::string stem;
  bool filled = false;
};

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
  thread_local std::vector<CachedStem> cache(kCacheSlots);
  CachedStem& slot = cache[XXH3_64bits(word.data(), word.size()) & (kCacheSlots - 1)];
  if (!slot.filled || slot.word != word) {
    StemUncached(word, slot.stem);
    slot.word.assign(word);
    slot.filled = true;
  }
  out.assign(slot.stem);
}

std::string SnowballStem(std::string_view word) {
  std::string out;
  SnowballStemInto(word, out);
  return out;
}

}  // namespace headwire::core
