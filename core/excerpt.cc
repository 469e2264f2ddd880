#include "core/excerpt.h"

#include <algorithm>

#include "core/text.h"

namespace headwire::core {

std::string Excerpt(std::string_view bytes, size_t max_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  size_t chars = 0;
  size_t i = 0;
  while (i < bytes.size()) {
    if (chars == max_chars) return out + "...";
    const auto c = static_cast<unsigned char>(bytes[i]);
    // The length of a well-formed UTF-8 sequence starting here, or 0.
    size_t length = 0;
    if (c >= 0x20 && c < 0x7f) {
      length = 1;
    } else if (c >= 0xc2 && c <= 0xf4) {
      const size_t want = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      length = want;
      // Surrogates, overlong forms and code points past U+10FFFF are not well-formed either.
      if (i + want > bytes.size() || !IsValidUtf8(bytes.substr(i, want))) length = 0;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (length == 0) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      length = 1;
    } else {
      out.append(bytes.substr(i, length));
    }
    i += std::max<size_t>(length, 1);
    ++chars;
  }
  return out;
}

}  // namespace headwire::core
