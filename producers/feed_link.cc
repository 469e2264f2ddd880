#include "producers/feed_link.h"

#include <curl/curl.h>
#include <idn2.h>

#include <cctype>
#include <memory>

namespace headwire::producers {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// Copies `part` of `url` into `out`; false when `url` has no such part.
bool GetPart(CURLU* url, CURLUPart part, std::string& out) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK) return false;
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  out = raw;
  return true;
}

bool IsAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Bytes a URI may not hold as they are (RFC 3986 section 2): controls, space, non-ASCII and the
// delimiters outside its character set.
bool NeedsEscape(unsigned char c) {
  if (c <= 0x20 || c >= 0x7F) return true;
  switch (c) {
    case '"':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
      return true;
    default:
      return false;
  }
}

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

char Upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

// `text` with every byte NeedsEscape names percent-encoded, and the escapes already there in
// uppercase: libcurl writes those it makes when resolving a relative link in lowercase, and the
// two cases are one URI (RFC 3986 section 6.2.2.1) that should give one article id.
std::string PercentEncoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (NeedsEscape(byte)) {
      out += {'%', kHex[byte >> 4], kHex[byte & 0xF]};
    } else if (byte == '%' && i + 2 < text.size() && IsHex(text[i + 1]) && IsHex(text[i + 2])) {
      out += {'%', Upper(text[i + 1]), Upper(text[i + 2])};
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string ResolveFeedLink(std::string_view link, std::string_view base) {
  std::string cleaned;
  for (const char c : link) {
    if (c != '\t' && c != '\r' && c != '\n') cleaned += c;
  }
  const auto first = cleaned.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  cleaned = cleaned.substr(first, cleaned.find_last_not_of(' ') - first + 1);

  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (url == nullptr) return "";
  // A base libcurl cannot read is no base: only an absolute link then resolves.
  if (!base.empty()) {
    curl_url_set(url.get(), CURLUPART_URL, std::string(base).c_str(), CURLU_ALLOW_SPACE);
  }
  if (curl_url_set(url.get(), CURLUPART_URL, cleaned.c_str(), CURLU_ALLOW_SPACE) != CURLUE_OK) {
    return "";
  }
  std::string scheme;
  if (!GetPart(url.get(), CURLUPART_SCHEME, scheme) || (scheme != "http" && scheme != "https")) {
    return "";
  }
  // libcurl 7.88's own CURLU_PUNYCODE fails on every IDN host, so libidn2 converts it.
  std::string host;
  if (!GetPart(url.get(), CURLUPART_HOST, host)) return "";
  if (!IsAscii(host)) {
    char* ascii = nullptr;
    if (idn2_to_ascii_8z(host.c_str(), &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK) return "";
    const std::string punycode(ascii);
    idn2_free(ascii);
    if (curl_url_set(url.get(), CURLUPART_HOST, punycode.c_str(), 0) != CURLUE_OK) return "";
  }
  std::string resolved;
  if (!GetPart(url.get(), CURLUPART_URL, resolved)) return "";
  return PercentEncoded(resolved);
}

}  // namespace headwire::producers
