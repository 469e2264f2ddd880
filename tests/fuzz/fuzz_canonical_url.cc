// Article URLs as the processor canonicalizes them for exact dedup.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/canonical_url.h"
#include "core/fingerprint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  if (auto canonical = headwire::core::CanonicalizeUrl(url); canonical) {
    (void)headwire::core::UrlHash(*canonical);
  }
  return 0;
}
