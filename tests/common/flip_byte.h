#pragma once
// FlipByte(path, position): changes one byte of a file in place (XOR 0x5a), as bit rot or a
// damaged disk would, for tests of what readers make of damaged files.

#include <cstdint>
#include <fstream>
#include <string>

namespace headwire::testing {

inline void FlipByte(const std::string& path, uint64_t position) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(position));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(position));
  f.write(&c, 1);
}

}  // namespace headwire::testing
