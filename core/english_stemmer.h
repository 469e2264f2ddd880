#pragma once
// English word stems from the Snowball stemmer (Debian's libstemmer): "hiring", "hires" and
// "hired" share "hire", "companies" and "company" share "compani". The stem is a grouping key,
// not a word to show a reader. Input is a lower-cased UTF-8 token (NormalizeForMatching output).
// Thread-safe: each thread keeps its own stemmer, created on first use, and a cache of the stems
// of the first 49,152 distinct words it stems (4 MB). Deterministic: the result depends on the
// word alone.

#include <string>
#include <string_view>

namespace headwire::core {

// The Snowball English stem of `word`. Returns `word` unchanged when the stemmer cannot be
// created (out of memory).
std::string SnowballStem(std::string_view word);

// SnowballStem into a caller-owned string (replaced), so a hot loop can reuse its capacity.
void SnowballStemInto(std::string_view word, std::string& out);

// Asks the processor for the cache line where SnowballStemInto(word) looks first; changes
// nothing. The thread's cache is 4 MB, so each word's first look is a cache miss: a caller that
// knows several words before it stems them (ExtractHeadlineFeatures) overlaps those misses.
void PrefetchSnowballStem(std::string_view word);

}  // namespace headwire::core
