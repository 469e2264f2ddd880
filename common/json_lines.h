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

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
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
  // getline into a fixed chunk finds the newline with the stream's own buffer search; a line
  // longer than a chunk arrives in several.
  char chunk[1 << 14];
  uint64_t length = 0;
  while (true) {
    in.getline(chunk, sizeof chunk);
    const auto extracted = static_cast<size_t>(in.gcount());
    const bool full = in.fail() && !in.eof() && extracted == sizeof chunk - 1;
    const bool newline = !in.fail() && !in.eof();
    const size_t stored = newline ? extracted - 1 : extracted;
    if (line.size() <= max_bytes) line.append(chunk, std::min(stored, max_bytes + 1 - line.size()));
    length += stored;
    if (full) {
      in.clear(in.rdstate() & ~std::ios::failbit);
      continue;
    }
    if (newline) return length;
    // The end of the input: getline also flags failure when it took nothing.
    in.clear((in.rdstate() & std::ios::badbit) | std::ios::eofbit);
    return length > 0 || extracted > 0 ? std::optional<uint64_t>(length) : std::nullopt;
  }
}

// An input named on a command line, for ForEachLine: standard input for "-", otherwise the file.
// A file that cannot be read is an IoError naming the path and why ("No such file or
// directory", a directory), since "cannot open" alone leaves the user guessing and a directory
// opens and then fails as a read.
class CommandLineInput {
 public:
  static Result<CommandLineInput> Open(const std::string& name) {
    CommandLineInput input;
    if (name == "-") {
      input.standard_input_ = true;
      return input;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(name, ec)) {
      return Err(Status::IoError("cannot read " + name + ": it is a directory"));
    }
    input.file_.open(name);
    if (!input.file_) {
      return Err(Status::IoError("cannot open " + name + ": " + std::strerror(errno)));
    }
    return input;
  }
  std::istream& stream() { return standard_input_ ? std::cin : file_; }

 private:
  std::ifstream file_;
  bool standard_input_ = false;
};

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
