#include "common/http_address.h"

#include <charconv>

namespace headwire::common {

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
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) return bad("unbalanced brackets");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 host needs brackets");
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
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string FormatHttpAddress(const HttpAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace headwire::common
