#pragma once
// HttpConnectionLimits: how many connections one of headwire's HTTP servers reads or serves at
// once. common/guarded_http_server.h enforces them: a connection over either limit is answered
// 503 and closed. Every admitted connection has a thread of its own, so the limits also bound the
// server's threads.

#include <cstddef>

namespace headwire::common {

struct HttpConnectionLimits {
  // Connections read or served at once, over all clients. Default: 64.
  size_t total = 64;
  // Connections read or served at once from one IP address. Behind a reverse proxy or a load
  // balancer every request comes from the proxy's address, so there this must be raised towards
  // `total`. Default: 16.
  size_t per_client = 16;
};

}  // namespace headwire::common
