// The taxonomy TOML file of the rules classifier (--taxonomy).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/rules_classifier.h"
#include "core/taxonomy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto taxonomy = headwire::core::Taxonomy::FromString(text, "fuzz.toml");
  if (taxonomy) (void)taxonomy->topics();
  return 0;
}
