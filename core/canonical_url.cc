#include "core/canonical_url.h"

#include <uriparser/Uri.h>

#include <algorithm>
#include <array>
#include <vector>

#include "core/ascii.h"

namespace headwire::core {
namespace {

// Query parameters that track the reader, not the item.
constexpr std::array<std::string_view, 24> kTrackingParameters{
    "fbclid", "gclid",   "dclid",    "gclsrc", "msclkid", "yclid", "igshid",   "mc_cid",
    "mc_eid", "_ga",     "_gl",      "cmpid",  "ocid",    "ncid",  "icid",     "smid",
    "ref",    "ref_src", "referrer", "cmp",    "taid",    "mbid",  "sr_share", "amp"};
constexpr std::array<std::string_view, 5> kTrackingPrefixes{"utm_", "at_", "mkt_", "pk_", "hsa_"};

std::string_view RangeText(const UriTextRangeA& range) {
  if (range.first == nullptr || range.afterLast == nullptr) return {};
  return {range.first, static_cast<size_t>(range.afterLast - range.first)};
}

bool IsTrackingParameter(std::string_view name, std::string_view value) {
  const std::string lower = AsciiLowercase(name);
  if (lower == "outputtype" && AsciiLowercase(value) == "amp") return true;
  for (auto p : kTrackingParameters) {
    if (lower == p) return true;
  }
  for (auto p : kTrackingPrefixes) {
    if (lower.starts_with(p)) return true;
  }
  return false;
}

// Owns a parsed UriUriA for the duration of a call.
class ParsedUri {
 public:
  ParsedUri() = default;
  ParsedUri(const ParsedUri&) = delete;
  ParsedUri& operator=(const ParsedUri&) = delete;
  ~ParsedUri() {
    if (parsed_) uriFreeUriMembersA(&uri_);
  }

  bool Parse(const std::string& text) {
    const char* error = nullptr;
    parsed_ = uriParseSingleUriA(&uri_, text.c_str(), &error) == URI_SUCCESS;
    return parsed_;
  }
  UriUriA& uri() { return uri_; }

 private:
  UriUriA uri_{};
  bool parsed_ = false;
};

}  // namespace

Result<std::string> CanonicalizeUrl(std::string_view url) {
  std::string text(url);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  text.erase(0, text.find_first_not_of(" \t"));
  if (text.empty()) return Err(Status::InvalidArgument("empty URL"));
  // "mailto:x", "urn:y": a scheme without "//" is not a scheme-less web address.
  const size_t colon = text.find(':');
  const bool has_scheme_without_slashes =
      colon != std::string::npos && colon > 0 && colon < text.find('/') && IsAsciiAlpha(text[0]) &&
      !(colon + 1 < text.size() && IsAsciiDigit(text[colon + 1]));
  if (has_scheme_without_slashes && text.find("://") == std::string::npos) {
    return Err(Status::InvalidArgument("not an http(s) URL: " + text));
  }
  if (text.find("://") == std::string::npos) {
    if (text.starts_with("//")) {
      text = "http:" + text;
    } else {
      text = "http://" + text;
    }
  }

  ParsedUri parsed;
  if (!parsed.Parse(text)) return Err(Status::InvalidArgument("not a valid URL: " + text));
  UriUriA& uri = parsed.uri();
  if (uriNormalizeSyntaxA(&uri) != URI_SUCCESS) {
    return Err(Status::InvalidArgument("URL cannot be normalised: " + text));
  }
  const std::string scheme = AsciiLowercase(RangeText(uri.scheme));
  if (scheme != "http" && scheme != "https") {
    return Err(Status::InvalidArgument("not an http(s) URL: " + text));
  }
  std::string host = AsciiLowercase(RangeText(uri.hostText));
  if (host.empty()) return Err(Status::InvalidArgument("URL has no host: " + text));

  std::vector<std::string> segments;
  for (const UriPathSegmentA* seg = uri.pathHead; seg != nullptr; seg = seg->next) {
    segments.emplace_back(RangeText(seg->text));
  }

  // Google's AMP cache serves https://<host>.cdn.ampproject.org/c/s/<origin host>/<path>.
  if (host.ends_with(".cdn.ampproject.org") && segments.size() >= 3 &&
      (segments[0] == "c" || segments[0] == "v")) {
    const size_t host_index = segments[1] == "s" ? 2 : 1;
    if (host_index < segments.size()) {
      host = AsciiLowercase(segments[host_index]);
      segments.erase(segments.begin(), segments.begin() + static_cast<long>(host_index) + 1);
    }
  }
  for (std::string_view prefix : {"www.", "amp."}) {
    if (host.starts_with(prefix) && host.size() > prefix.size()) host.erase(0, prefix.size());
  }

  std::erase_if(segments,
                [](const std::string& s) { return s.empty() || AsciiLowercase(s) == "amp"; });
  if (!segments.empty()) {
    std::string& last = segments.back();
    if (last.ends_with(".amp.html")) {
      last.erase(last.size() - 9, 4);
    } else if (last.ends_with(".amp")) {
      last.erase(last.size() - 4);
    }
  }

  std::vector<std::string> parameters;
  const std::string_view query = RangeText(uri.query);
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      const std::string_view name = pair.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      if (!IsTrackingParameter(name, value)) parameters.emplace_back(pair);
    }
    if (end == query.size()) break;
    start = end + 1;
  }
  std::sort(parameters.begin(), parameters.end());

  std::string out = host;
  const std::string port(RangeText(uri.portText));
  // The scheme is dropped, so both default ports are dropped with it.
  if (!port.empty() && port != "80" && port != "443") {
    out += ":" + port;
  }
  for (const auto& segment : segments) {
    out += '/';
    out += segment;
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += parameters[i];
  }
  return out;
}

}  // namespace headwire::core
