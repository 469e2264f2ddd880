#pragma once
// The records file the sink benchmarks share: what kcat wrote with `-f '%K %S %k%s'` ("<key
// length> <value length> <key><value>" per message), read whole into memory so that only the
// work after it is timed. Header-only: each benchmark is one translation unit.

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace headwire::bench {

using KcatRecord = std::pair<std::string, std::string>;  // key, value

// Reads every record of `path` into `out`. On failure returns false with `error` saying why (the
// file cannot be read, or it is not in kcat's format).
inline bool ReadKcatRecords(const std::string& path, std::vector<KcatRecord>& out,
                            std::string& error) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    error = "cannot read " + path;
    return false;
  }
  size_t at = 0;
  while (at < bytes.size()) {
    char* end = nullptr;
    const long key_size = std::strtol(bytes.c_str() + at, &end, 10);
    const long value_size = std::strtol(end, &end, 10);
    if (end == nullptr || *end != ' ' || key_size < 0 || value_size < 0 ||
        static_cast<size_t>(end - bytes.c_str()) + 1 + static_cast<size_t>(key_size + value_size) >
            bytes.size()) {
      error = path + " is not in kcat's '%K %S %k%s' format";
      return false;
    }
    at = static_cast<size_t>(end - bytes.c_str()) + 1;
    const char* key = bytes.data() + at;
    out.emplace_back(std::string(key, static_cast<size_t>(key_size)),
                     std::string(key + key_size, static_cast<size_t>(value_size)));
    at += static_cast<size_t>(key_size + value_size);
  }
  return true;
}

}  // namespace headwire::bench
