#include "core/fingerprint.h"

#include <xxhash.h>

#include "core/text.h"

namespace headwire::core {

uint64_t UrlHash(std::string_view canonical_url) {
  if (canonical_url.empty()) return 0;
  return XXH3_64bits(canonical_url.data(), canonical_url.size());
}

uint64_t ContentHash(std::string_view title, std::string_view body) {
  std::string key = NormalizeForMatching(title);
  const std::string normalized_body = NormalizeForMatching(body);
  if (key.empty() && normalized_body.empty()) return 0;
  key.push_back('\n');
  key += normalized_body;
  return XXH3_64bits(key.data(), key.size());
}

std::string Hex128(std::string_view data) {
  const XXH128_hash_t h = XXH3_128bits(data.data(), data.size());
  return HexDigest128(h.high64, h.low64);
}

std::string HexDigest128(uint64_t high, uint64_t low) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<size_t>(15 - i)] = kDigits[(high >> (4 * i)) & 0xF];
    out[static_cast<size_t>(31 - i)] = kDigits[(low >> (4 * i)) & 0xF];
  }
  return out;
}

}  // namespace headwire::core
