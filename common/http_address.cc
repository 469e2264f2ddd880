#include "common/http_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace headwire::common {
namespace {

// Why `host` (brackets removed) cannot be a host to listen on, or "". A malformed address would
// otherwise be looked up as a name, and fail only once the server binds, after the command has
// started; a name that does not resolve is still found then.
std::string MalformedHost(std::string_view host, bool bracketed) {
  const std::string text(host);
  if (bracketed) {
    in6_addr v6{};
    return inet_pton(AF_INET6, text.c_str(), &v6) == 1 ? "" : "not an IPv6 address";
  }
  // Digits and dots only is an IPv4 address, never a name: "999.1.1.1", "10.0.0".
  if (host.find_first_not_of("0123456789.") == std::string_view::npos) {
    in_addr v4{};
    return inet_pton(AF_INET, text.c_str(), &v4) == 1 ? "" : "not an IPv4 address";
  }
  const bool name_text = std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
  return name_text ? "" : "not a host name";
}

}  // namespace

Result<HttpAddress> ParseHttpAddress(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Err(Status::InvalidArgument("HTTP address \"" + std::string(text) +
                                       "\": " + std::string(why) + " (expected HOST:PORT)"));
  };
  const size_t colon = text.rfind(':');
  // A bare port ("8080") is loopback on that port, like ":8080".
  const bool bare_port = colon == std::string_view::npos && !text.empty() &&
                         text.find_first_not_of("0123456789") == std::string_view::npos;
  if (colon == std::string_view::npos && !bare_port) return bad("no port");
  std::string_view host = bare_port ? std::string_view() : text.substr(0, colon);
  const std::string_view port_text = bare_port ? text : text.substr(colon + 1);
  const bool bracketed = host.starts_with('[');
  if (bracketed) {
    if (!host.ends_with(']') || host.size() < 3) return bad("unbalanced brackets");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 host needs brackets");
  }
  if (!host.empty()) {
    if (std::string why = MalformedHost(host, bracketed); !why.empty()) {
      return bad("host " + std::string(host) + " is " + why);
    }
  }
  int port = -1;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  HttpAddress address;
  address.host = host.empty() ? "127.0.0.1" : std::string(host);
  address.port = port;
  return address;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  // Only address literals: a name such as "127.0.0.1.example.com" resolves wherever its owner
  // says.
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::string FormatHttpAddress(const HttpAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace headwire::common
