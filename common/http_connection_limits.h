#pragma once
// HttpConnectionLimits: how many connections one of headwire's HTTP servers reads or serves at
// once. common/guarded_http_server.h enforces them: a connection over either limit is answered
// 503 and closed. Every admitted connection has a thread of its own, so the limits also bound the
// server's threads.

#include <algorithm>
#include <cstddef>

namespace headwire::common {

// The per-client limit when none is given: 16, or `total` when that is lower, so that a total
// below 16 needs no per-client limit given with it.
constexpr size_t DefaultPerClientConnections(size_t total) { return std::min<size_t>(16, total); }

struct HttpConnectionLimits {
  // Connections read or served at once, over all clients. Default: 64.
  size_t total = 64;
  // Connections read or served at once from one IP address; at most `total`. Behind a reverse
  // proxy or a load balancer every request comes from the proxy's address, so there this must
  // be raised towards `total`. Default: DefaultPerClientConnections(64), 16.
  size_t per_client = DefaultPerClientConnections(64);
};

}  // namespace headwire::common
