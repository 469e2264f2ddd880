#pragma once
// The byte-level text helpers the feed parser's files share (feed_parser.cc, feed_charset.cc):
// ASCII white space trimmed, ASCII letters lowered, as HTTP headers, XML declarations and feed
// attributes are compared. Bytes outside ASCII are kept as they are.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace headwire::producers {

// `text` without the white space (space, tab, CR, LF, FF, VT) at its ends.
inline std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n\f\v");
  return std::string(text.substr(first, last - first + 1));
}

// `text` with its ASCII capitals in lower case.
inline std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace headwire::producers
