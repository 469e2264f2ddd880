#include "core/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <utility>

#include "core/ascii.h"

namespace headwire::core {
namespace {

struct NamedEntity {
  std::string_view name;  // without '&' and ';'
  std::string_view utf8;  // one or two code points
};

// Every named HTML5 character reference that ends in ';', sorted by name (generated at build
// time by scripts/build/html_entities.py).
constexpr NamedEntity kNamedEntities[] = {
#include "html_entities.inc"
};
constexpr size_t kLongestEntityName = [] {
  size_t longest = 0;
  for (const NamedEntity& entity : kNamedEntities) longest = std::max(longest, entity.name.size());
  return longest;
}();

// The UTF-8 text of the named reference `name`, or an empty view when there is none.
std::string_view FindNamedEntity(std::string_view name) {
  const auto it = std::lower_bound(
      std::begin(kNamedEntities), std::end(kNamedEntities), name,
      [](const NamedEntity& entity, std::string_view key) { return entity.name < key; });
  return it != std::end(kNamedEntities) && it->name == name ? it->utf8 : std::string_view();
}

void AppendUtf8(char32_t cp, std::string& out) {
  std::array<utf8proc_uint8_t, 4> buf{};
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf.data());
  out.append(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
}

// A decoded reference: a numeric one's code point or a named one's UTF-8 text, and the number of
// bytes consumed (including the ';'); 0 consumed when there is no reference.
struct Reference {
  char32_t code_point = 0;
  std::string_view named;
  size_t used = 0;
};

// Appends the text of `reference` to `out`.
void AppendReference(const Reference& reference, std::string& out) {
  if (reference.named.empty()) {
    AppendUtf8(reference.code_point, out);
  } else {
    out.append(reference.named);
  }
}

// Parses "name;" / "#123;" / "#x1F;" at the start of `s`.
Reference ParseReference(std::string_view s) {
  const size_t semi = s.substr(0, kLongestEntityName + 1).find(';');
  if (semi == std::string_view::npos || semi == 0) return {};
  const std::string_view name = s.substr(0, semi);
  if (name[0] == '#') {
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return {};
    uint32_t value = 0;
    for (char c : digits) {
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return {};
      }
      value = value * (hex ? 16 : 10) + d;
      if (value > 0x10FFFF) return {};
    }
    if (value == 0 || !utf8proc_codepoint_valid(static_cast<utf8proc_int32_t>(value))) {
      return {};
    }
    return {static_cast<char32_t>(value), {}, semi + 1};
  }
  const std::string_view named = FindNamedEntity(name);
  if (named.empty()) return {};
  return {0, named, semi + 1};
}

// utf8proc_map result owned by a unique_ptr so every path frees it.
struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

std::string Utf8procMap(std::string_view text, int options) {
  utf8proc_uint8_t* raw = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &raw,
                              static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(raw);
  if (n < 0) return {};
  return {reinterpret_cast<const char*>(raw), static_cast<size_t>(n)};
}

bool IsAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Case folding, compatibility decomposition, accent stripping and lumping of typographic
// punctuation (curly quotes, dashes, exotic spaces) into ASCII.
std::string FoldUnicode(std::string_view text) {
  if (IsAscii(text)) return AsciiLowercase(text);
  const std::string valid = IsValidUtf8(text) ? std::string(text) : RepairUtf8(text);
  return Utf8procMap(valid, UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_LUMP |
                                UTF8PROC_IGNORE);
}

bool IsWordCodePoint(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// The code point starting at byte `i` of `text` and its length in bytes; the length is 0 or
// negative where the bytes there are not UTF-8.
std::pair<utf8proc_int32_t, utf8proc_ssize_t> CodePointAt(std::string_view text, size_t i) {
  utf8proc_int32_t cp = 0;
  const auto length = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                       static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
  return {cp, length};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const auto [cp, n] = CodePointAt(text, i);
    if (n <= 0) return false;
    i += static_cast<size_t>(n);
  }
  return true;
}

std::string RepairUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto [cp, n] = CodePointAt(text, i);
    if (n <= 0) {
      AppendUtf8(U'\uFFFD', out);
      ++i;
    } else {
      out.append(text.substr(i, static_cast<size_t>(n)));
      i += static_cast<size_t>(n);
    }
  }
  return out;
}

char32_t Windows1252CodePoint(unsigned char byte) {
  // windows-1252's 0x80-0x9F; 0 where it defines no character. The other bytes are Latin-1's.
  static constexpr char32_t kHigh[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  return byte >= 0x80 && byte < 0xA0 ? kHigh[byte - 0x80] : byte;
}

namespace {

void AppendWindows1252(unsigned char byte, std::string& out) {
  const char32_t decoded = Windows1252CodePoint(byte);
  AppendUtf8(decoded != 0 || byte == 0 ? decoded : U'\uFFFD', out);
}

}  // namespace

std::string RepairUtf8AsWindows1252(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t i = 0;
  while (i < text.size()) {
    const auto [cp, n] = CodePointAt(text, i);
    if (n > 0) {
      out.append(text.substr(i, static_cast<size_t>(n)));
      i += static_cast<size_t>(n);
      continue;
    }
    AppendWindows1252(static_cast<unsigned char>(text[i]), out);
    ++i;
  }
  return out;
}

std::string Windows1252ToUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) AppendWindows1252(static_cast<unsigned char>(c), out);
  return out;
}

std::string EscapeForTerminal(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto [cp, n] = CodePointAt(text, i);
    if (n <= 0) {
      const auto byte = static_cast<unsigned char>(text[i]);
      out += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7F) {
      out += {'\\', 'x', kHex[cp >> 4], kHex[cp & 0xF]};
    } else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
               (cp >= 0x2066 && cp <= 0x2069)) {
      out +=
          {'\\',          'u', kHex[(cp >> 12) & 0xF], kHex[(cp >> 8) & 0xF], kHex[(cp >> 4) & 0xF],
           kHex[cp & 0xF]};
    } else if (cp == '\\') {
      out += "\\\\";
    } else {
      out.append(text.substr(i, static_cast<size_t>(n)));
    }
    i += static_cast<size_t>(n);
  }
  return out;
}

bool IsBlankText(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto [cp, n] = CodePointAt(text, i);
    if (n <= 0) return false;
    i += static_cast<size_t>(n);
    switch (utf8proc_category(cp)) {
      case UTF8PROC_CATEGORY_ZS:
      case UTF8PROC_CATEGORY_ZL:
      case UTF8PROC_CATEGORY_ZP:
      case UTF8PROC_CATEGORY_CC:
      case UTF8PROC_CATEGORY_CF:
        continue;
      default:
        break;
    }
    // Letters and symbols that render as nothing: Hangul fillers and the blank Braille pattern.
    if (cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x2800) continue;
    return false;
  }
  return true;
}

std::string DecodeHtmlEntities(std::string_view text) {
  // Every reference this decodes ends in ';': without one the text is already decoded.
  if (text.find(';') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '&') {
      const Reference reference = ParseReference(text.substr(i + 1));
      if (reference.used > 0) {
        AppendReference(reference, out);
        i += 1 + reference.used;
        continue;
      }
    } else if (c == '#') {
      // "#39;" left behind when a feed lost the ampersand of "&#39;"; such feeds often put a
      // space where the ampersand was ("Google #39;s"), which an apostrophe does not keep.
      const Reference reference = ParseReference(text.substr(i));
      if (reference.used > 0) {
        if (reference.code_point == U'\'' && !out.empty() && out.back() == ' ') out.pop_back();
        AppendReference(reference, out);
        i += reference.used;
        continue;
      }
    } else if ((i == 0 || !IsAsciiAlnum(text[i - 1])) &&
               (text.substr(i).starts_with("quot;") || text.substr(i).starts_with("amp;"))) {
      const bool quot = text[i] == 'q';
      out.push_back(quot ? '"' : '&');
      i += quot ? 5 : 4;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::string StripHtmlTags(std::string_view text) {
  if (text.find('<') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    // As in HTML, a '<' opens a tag only when a tag name (a letter), '/' or '!' follows:
    // "a < b" and "<3%" stay text.
    if (c == '<' && i + 1 < text.size() &&
        (IsAsciiAlpha(text[i + 1]) || text[i + 1] == '/' || text[i + 1] == '!')) {
      const size_t close = text.find('>', i + 1);
      if (close != std::string_view::npos) {
        out.push_back(' ');
        i = close + 1;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::string MarkupToPlainText(std::string_view text) {
  std::string stripped;
  if (text.find('<') != std::string_view::npos) text = stripped = StripHtmlTags(text);
  return CollapseWhitespace(DecodeHtmlEntities(text));
}

std::string NormalizeForMatching(std::string_view text) {
  // The usual title has no tag and no entity: then it goes to folding without a copy.
  std::string stripped, decoded;
  std::string_view view = text;
  if (view.find('<') != std::string_view::npos) view = stripped = StripHtmlTags(view);
  if (view.find(';') != std::string_view::npos) view = decoded = DecodeHtmlEntities(view);
  const std::string folded = FoldUnicode(view);
  std::string out;
  out.reserve(folded.size());
  // Length of the current run of word characters since the last joined '.', to recognise
  // dotted initialisms such as "u.s." whose pieces are single letters.
  size_t segment_length = 0;
  auto separate = [&]() {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
    segment_length = 0;
  };
  size_t i = 0;
  while (i < folded.size()) {
    const unsigned char c = static_cast<unsigned char>(folded[i]);
    if (c < 0x80) {
      const char ch = static_cast<char>(c);
      const char next = i + 1 < folded.size() ? folded[i + 1] : '\0';
      const char prev = out.empty() ? ' ' : out.back();
      if (IsAsciiAlnum(ch)) {
        out.push_back(ch);
        ++segment_length;
      } else if ((ch == '.' || ch == ',') && IsDigit(prev) && IsDigit(next)) {
        if (ch == '.') out.push_back('.');  // "6.1" keeps its point; "1,000" loses its comma
      } else if (ch == '.' && segment_length == 1 && prev != ' ' &&
                 (next == '\0' || next == ' ' || IsAsciiAlnum(next) || next == ',')) {
        segment_length = 0;  // joined initialism: "u.s." -> "us"
        if (!IsAsciiAlnum(next)) separate();
      } else if (ch == '\'' && prev != ' ') {
        // Possessive "'s" goes; other apostrophes join ("don't" -> "dont").
        const char after = i + 2 < folded.size() ? folded[i + 2] : '\0';
        if (next == 's' && !IsAsciiAlnum(after)) {
          ++i;
        }
      } else {
        separate();
      }
      ++i;
      continue;
    }
    const auto [cp, n] = CodePointAt(folded, i);
    if (n <= 0) {
      separate();
      ++i;
      continue;
    }
    if (IsWordCodePoint(cp)) {
      out.append(folded, i, static_cast<size_t>(n));
      ++segment_length;
    } else {
      separate();
    }
    i += static_cast<size_t>(n);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string_view> Tokenize(std::string_view normalized) {
  std::vector<std::string_view> tokens;
  TokenizeInto(normalized, tokens);
  return tokens;
}

void TokenizeInto(std::string_view normalized, std::vector<std::string_view>& tokens) {
  tokens.clear();
  size_t start = 0;
  while (start < normalized.size()) {
    size_t end = normalized.find(' ', start);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > start) tokens.push_back(normalized.substr(start, end - start));
    start = end + 1;
  }
}

std::string CollapseWhitespace(std::string_view text) {
  const bool ascii = IsAscii(text);
  std::string composed;
  if (!ascii) {
    composed = Utf8procMap(IsValidUtf8(text) ? std::string(text) : RepairUtf8(text),
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  }
  const std::string_view lumped = ascii ? text : std::string_view(composed);
  std::string out;
  out.reserve(lumped.size());
  size_t i = 0;
  bool pending_space = false;
  while (i < lumped.size()) {
    const unsigned char c = static_cast<unsigned char>(lumped[i]);
    size_t n = 1;
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (c >= 0x80) {
      const auto [cp, len] = CodePointAt(lumped, i);
      n = len > 0 ? static_cast<size_t>(len) : 1;
      space = len > 0 && (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == 0x2028 ||
                          cp == 0x2029 || cp == 0x85);
    }
    if (space) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.append(lumped, i, n);
    }
    i += n;
  }
  return out;
}

}  // namespace headwire::core
