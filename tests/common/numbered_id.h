#pragma once
// NumberedId("m", 7) == "m7": the ids tests give their numbered records. Built by appending
// rather than as "literal" + std::to_string(n), which GCC 12's -Wrestrict misreads in Release
// builds (a false positive that -Werror would make fatal).

#include <cstddef>
#include <string>
#include <string_view>

namespace headwire::testing {

inline std::string NumberedId(std::string_view prefix, size_t n) {
  std::string id(prefix);
  id += std::to_string(n);
  return id;
}

}  // namespace headwire::testing
