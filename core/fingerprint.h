#pragma once
// Fingerprints: fixed-size digests that identify an article's address and content for exact
// duplicate detection. XXH3-64, which is stable across versions, platforms and runs.

#include <cstdint>
#include <string>
#include <string_view>

namespace headwire::core {

struct Fingerprints {
  uint64_t url_hash = 0;      // of the canonical URL; 0 when the article has none
  uint64_t content_hash = 0;  // of the normalised title and body; 0 when both are empty
};

// Hash of a canonical URL; 0 for an empty one.
uint64_t UrlHash(std::string_view canonical_url);

// Hash of the matching forms (NormalizeForMatching) of title and body, so that case, entities,
// quotes and spacing do not change it. 0 when both forms are empty (a title of markup,
// punctuation or emoji alone): records with no content are not the same content.
uint64_t ContentHash(std::string_view title, std::string_view body);

// 128-bit XXH3 of `data` as 32 lower-case hex digits.
std::string Hex128(std::string_view data);

// A 128-bit digest (high half first) as 32 lower-case hex digits.
std::string HexDigest128(uint64_t high, uint64_t low);

}  // namespace headwire::core
