#pragma once
// ReadAtMost: the whole of a stream that holds at most `max_bytes`, read in chunks, for the files
// headwire reads whole (a configuration, a headline corpus). A file named by mistake (a device
// such as /dev/zero, a log) costs at most the bound and a chunk, in memory and in reading, and a
// small file costs only its size.
//
//   std::optional<std::string> text = core::ReadAtMost(in, size_t{4} << 20);
//   if (!text) ...  // more than 4 MiB; a read error leaves in.bad() set, as a read would

#include <cstddef>
#include <istream>
#include <optional>
#include <string>

namespace headwire::core {

// The rest of `in` when it holds at most `max_bytes`, else nullopt.
inline std::optional<std::string> ReadAtMost(std::istream& in, size_t max_bytes) {
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= max_bytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (!in) break;  // the end of the input, or an error the caller sees in in.bad()
  }
  if (text.size() > max_bytes) return std::nullopt;
  return text;
}

}  // namespace headwire::core
