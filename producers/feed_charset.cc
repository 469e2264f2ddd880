#include "producers/feed_charset.h"

#include <libxml/encoding.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>

#include "core/text.h"
#include "producers/feed_text.h"

namespace headwire::producers {

std::string HeaderCharset(std::string_view content_type) {
  const std::string lower = Lower(content_type);
  const auto at = lower.find("charset=");
  if (at == std::string::npos) return "";
  std::string value(content_type.substr(at + 8));
  value = Trim(value.substr(0, value.find(';')));
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

std::string BomEncoding(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) return "UTF-8";
  if (body.starts_with("\xFF\xFE")) return "UTF-16LE";
  if (body.starts_with("\xFE\xFF")) return "UTF-16BE";
  return "";
}

std::string DeclaredEncoding(std::string_view body) {
  const std::string_view head = body.substr(0, 1024);
  const auto decl = head.find("<?xml");
  if (decl == std::string_view::npos) return "";
  const std::string_view declaration = head.substr(decl, head.find("?>", decl) - decl);
  const auto attribute = declaration.find("encoding");
  if (attribute == std::string_view::npos) return "";
  const auto open = declaration.find_first_of("\"'", attribute);
  if (open == std::string_view::npos) return "";
  const auto close = declaration.find(declaration[open], open + 1);
  if (close == std::string_view::npos) return "";
  return std::string(declaration.substr(open + 1, close - open - 1));
}

bool IsUtf8Name(std::string_view encoding) {
  const std::string lower = Lower(encoding);
  return lower == "utf-8" || lower == "utf8";
}

bool IsUtf16Or32Name(std::string_view encoding) {
  const std::string lower = Lower(encoding);
  return lower.starts_with("utf-16") || lower.starts_with("utf16") || lower.starts_with("utf-32") ||
         lower.starts_with("utf32") || lower.starts_with("ucs");
}

bool IsWindows1252Label(std::string_view encoding) {
  // The labels of windows-1252 in the WHATWG Encoding Standard.
  static constexpr std::string_view kLabels[] = {
      "ansi_x3.4-1968",  "ascii",      "cp1252",    "cp819",        "csisolatin1", "ibm819",
      "iso-8859-1",      "iso-ir-100", "iso8859-1", "iso88591",     "iso_8859-1",  "l1",
      "iso_8859-1:1987", "latin1",     "us-ascii",  "windows-1252", "x-cp1252"};
  const std::string label = Lower(Trim(encoding));
  return std::find(std::begin(kLabels), std::end(kLabels), label) != std::end(kLabels);
}

bool IsAsciiLabel(std::string_view encoding) {
  // The labels among IsWindows1252Label's that name ASCII itself.
  static constexpr std::string_view kLabels[] = {"ansi_x3.4-1968", "ascii", "us-ascii"};
  const std::string label = Lower(Trim(encoding));
  return std::find(std::begin(kLabels), std::end(kLabels), label) != std::end(kLabels);
}

std::string Windows1252Reference(std::string_view reference) {
  if (!reference.starts_with("&#") || !reference.ends_with(';')) return "";
  std::string_view digits = reference.substr(2, reference.size() - 3);
  int base = 10;
  if (digits.starts_with('x') || digits.starts_with('X')) {
    base = 16;
    digits.remove_prefix(1);
  }
  unsigned value = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      value < 0x80 || value > 0x9F) {
    return "";
  }
  const char32_t character = core::Windows1252CodePoint(static_cast<unsigned char>(value));
  return character == 0 ? "" : "&#" + std::to_string(static_cast<uint32_t>(character)) + ";";
}

size_t IncompleteUtf8Tail(std::string_view text) {
  for (size_t tail = 1; tail <= 3 && tail <= text.size(); ++tail) {
    const auto lead = static_cast<unsigned char>(text[text.size() - tail]);
    if ((lead & 0xC0) == 0x80) continue;  // a continuation byte: the lead is further back
    const size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                          : lead >= 0xE0 && lead <= 0xEF ? 3
                          : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                         : 0;
    if (length <= tail) return 0;
    if (tail >= 2) {
      // The second byte's range is narrower after these leads (no overlong forms, surrogates or
      // code points past U+10FFFF).
      const auto second = static_cast<unsigned char>(text[text.size() - tail + 1]);
      const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
      const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
      if (second < low || second > high) return 0;
    }
    return tail;
  }
  return 0;
}

std::string DetectCharset(std::string_view body) {
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* detector = ucsdet_open(&status);
  if (U_FAILURE(status)) return "";
  std::string name;
  ucsdet_enableInputFilter(detector, true);  // ignore markup when guessing
  ucsdet_setText(detector, body.data(),
                 static_cast<int32_t>(std::min<size_t>(body.size(), 1 << 20)), &status);
  const UCharsetMatch* match = U_SUCCESS(status) ? ucsdet_detect(detector, &status) : nullptr;
  if (match != nullptr && U_SUCCESS(status)) {
    const char* detected = ucsdet_getName(match, &status);
    if (U_SUCCESS(status) && detected != nullptr) name = detected;
  }
  ucsdet_close(detector);
  return name;
}

std::string EncodingNameForLog(std::string_view name) {
  return core::RepairUtf8AsWindows1252(name.substr(0, 64));
}

bool LibxmlKnowsEncoding(const std::string& name) {
  if (name.empty()) return false;
  xmlCharEncodingHandlerPtr handler = xmlFindCharEncodingHandler(name.c_str());
  if (handler == nullptr) return false;
  xmlCharEncCloseFunc(handler);
  return true;
}

}  // namespace headwire::producers
