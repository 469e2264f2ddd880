#include "producers/time_range.h"

#include <charconv>
#include <string>

#include "common/time_format.h"

namespace headwire::producers {

Result<int64_t> ParseTimeBound(std::string_view text) {
  int64_t ms = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    // Beyond what RFC 3339 can write, a bound is a typing slip, and the windows computed from it
    // (watermark minus a window) would overflow.
    if (ms < common::kMinRfc3339Ms || ms > common::kMaxRfc3339Ms) {
      return Err(Status::InvalidArgument("\"" + std::string(text) +
                                         "\" is outside the years 0000-9999 (epoch milliseconds " +
                                         std::to_string(common::kMinRfc3339Ms) + " to " +
                                         std::to_string(common::kMaxRfc3339Ms) + ")"));
    }
    return ms;
  }
  auto parsed = common::ParseRfc3339(text);
  if (!parsed) {
    return Err(Status::InvalidArgument("\"" + std::string(text) +
                                       "\" is neither RFC 3339 nor epoch milliseconds"));
  }
  return *parsed;
}

}  // namespace headwire::producers
