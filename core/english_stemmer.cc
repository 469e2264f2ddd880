#include "core/english_stemmer.h"

#include <libstemmer.h>

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

}  // namespace

void SnowballStemInto(std::string_view word, std::string& out) {
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

std::string SnowballStem(std::string_view word) {
  std::string out;
  SnowballStemInto(word, out);
  return out;
}

}  // namespace headwire::core
