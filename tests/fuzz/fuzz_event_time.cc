// Event times: RFC 3339 text as published_at and query parameters carry it, and any 64-bit
// millisecond value formatted back. A parsed time must format and parse to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "common/time_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headwire::common;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto parsed = ParseRfc3339(text); parsed) {
    auto again = ParseRfc3339(FormatRfc3339(*parsed));
    if (!again || *again != *parsed) std::abort();
  }
  if (size >= sizeof(int64_t)) {
    int64_t ms = 0;
    std::memcpy(&ms, data, sizeof ms);
    const std::string formatted = FormatRfc3339(ms);
    if (ms >= kMinRfc3339Ms && ms <= kMaxRfc3339Ms) {
      auto back = ParseRfc3339(formatted);
      if (!back || *back != ms) std::abort();
    }
  }
  return 0;
}
