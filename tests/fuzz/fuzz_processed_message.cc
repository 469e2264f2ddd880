// A message on the processed topic as the sink decodes it. Input layout as fuzz_raw_message:
// type header \0 version header \0 value. Whatever the bytes, the result is an article with an
// id or a reason that is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.h"
#include "sinks/processed_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  auto next = [&rest]() -> std::optional<std::string_view> {
    if (rest.empty()) return std::nullopt;
    const size_t end = rest.find('\0');
    const std::string_view part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return part;
  };
  const auto type = next();
  const auto version = next();
  auto decoded = headwire::sinks::DecodeProcessedRecord(type, version, rest);
  if (decoded ? decoded->article().id().empty() : !headwire::core::IsValidUtf8(decoded.error())) {
    std::abort();
  }
  return 0;
}
