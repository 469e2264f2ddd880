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

}  // namespace headwire::core
