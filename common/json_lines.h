#pragma once
// ForEachLine: how every command that reads JSON Lines walks its input, so that all of them skip
// and number lines alike. Calls `visit(line_number, line)` for every line of `in` that holds more
// than spaces and tabs, with a trailing CR removed (files saved on Windows); line numbers are
// 1-based and count every line, blank ones too, so that "FILE:N" names the line an editor shows.
// A line longer than kMaxLineBytes is read to its end but only its first kMaxLineBytes + 1 bytes
// are kept, so that one absurd line costs bounded memory; a visitor that takes a third argument
// is also given the line's whole length. Stops at the first non-OK status `visit` returns and
// returns it; returns IoError naming `input_name` when the stream fails, OK at the end of the
// input.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/status.h"

namespace headwire::common {

// The longest line a reader keeps whole: far above any article a producer accepts
// (core::MaxRecordBytes), so that such a line is still dead-lettered as it came.
inline constexpr size_t kMaxLineBytes = size_t{64} << 20;

// Reads the next line of `in` into `line` (without its "\n"), keeping at most max_bytes + 1 of its
// bytes. Returns the line's whole length, or nullopt at the end of the input.
inline std::optional<uint64_t> ReadBoundedLine(std::istream& in, std::string& line,
                                               size_t max_bytes) {
  line.clear();
  std::streambuf* buffer = in.rdbuf();
  uint64_t length = 0;
  bool any = false;
  for (int c = buffer->sbumpc(); c != std::char_traits<char>::eof(); c = buffer->sbumpc()) {
    any = true;
    if (c == '\n') return length;
    if (line.size() <= max_bytes) line.push_back(static_cast<char>(c));
    ++length;
  }
  in.setstate(std::ios::eofbit);
  return any ? std::optional<uint64_t>(length) : std::nullopt;
}

template <typename Visit>
Status ForEachLine(std::istream& in, std::string_view input_name, Visit&& visit) {
  std::string line;
  uint64_t line_number = 0;
  while (const std::optional<uint64_t> length = ReadBoundedLine(in, line, kMaxLineBytes)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Status status;
    if constexpr (std::is_invocable_v<Visit, uint64_t, const std::string&, uint64_t>) {
      status = visit(line_number, line, *length);
    } else {
      status = visit(line_number, line);
    }
    if (!status.ok()) return status;
  }
  if (in.bad()) return Status::IoError("reading " + std::string(input_name) + " failed");
  return Status::Ok();
}

}  // namespace headwire::common
