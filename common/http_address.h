#pragma once
// The listening address of an HTTP endpoint (the sink's API, a daemon's --admin), "HOST:PORT":
// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80". An empty host (":8080") or a bare port ("8080")
// means loopback, so nothing is exposed by accident; port 0 asks the system for a free port.

#include <string>
#include <string_view>

#include "common/status.h"

namespace headwire::common {

struct HttpAddress {
  std::string host;  // without brackets for IPv6
  int port = 0;      // 0..65535
};

// Returns InvalidArgument, naming what is wrong, for anything but HOST:PORT, :PORT or PORT.
Result<HttpAddress> ParseHttpAddress(std::string_view text);

// True when `host` only reaches this machine: an address literal in 127.0.0.0/8, ::1 or
// "localhost" (a name that merely begins with "127." is not one).
bool IsLoopbackHost(std::string_view host);

// "host:port", or "[host]:port" when the host is an IPv6 address.
std::string FormatHttpAddress(const HttpAddress& address);

}  // namespace headwire::common
