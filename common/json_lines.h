#pragma once
// ForEachLine: how every command that reads JSON Lines walks its input, so that all of them skip
// and number lines alike. Calls `visit(line_number, line)` for every line of `in` that holds more
// than spaces and tabs, with a trailing CR removed (files saved on Windows); line numbers are
// 1-based and count every line, blank ones too, so that "FILE:N" names the line an editor shows.
// Stops at the first non-OK status `visit` returns and returns it; returns IoError naming
// `input_name` when the stream fails, OK at the end of the input.

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "common/status.h"

namespace headwire::common {

template <typename Visit>
Status ForEachLine(std::istream& in, std::string_view input_name, Visit&& visit) {
  std::string line;
  uint64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (Status status = visit(line_number, line); !status.ok()) return status;
  }
  if (in.bad()) return Status::IoError("reading " + std::string(input_name) + " failed");
  return Status::Ok();
}

}  // namespace headwire::common
