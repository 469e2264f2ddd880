#pragma once
// GuardedHttpServer: an httplib::Server that bounds what slow or greedy clients can hold, so
// that a few clients trickling bytes cannot starve everyone else (/healthz included).
//   - Each connection serves one request (Connection: close).
//   - Its request line and headers must arrive whole within head_timeout, counted from the
//     connection's first turn, however the bytes trickle in; otherwise it is answered 408 and
//     closed. Heads larger than 16 KiB get 431.
//   - A Range header is ignored: every response is whole.
//   - A connection ends with the bytes the client sent after its request read and dropped, so
//     that a pipelined request does not reset it and cut the answer short.
//   - At most `connections.per_client` connections of one IP address and `connections.total` of
//     all clients are read or served at once; one over either limit is answered 503 and closed.
//     A connection stops counting before the client can see it end (closed or reset), so a
//     client that has seen its connection end may connect again at once.
//   - Its answer must be handed whole to the kernel within response_timeout, counted from the
//     first byte the handler's answer is written with (the handler's own time is not counted);
//     otherwise the connection is reset, cutting the answer short, and the cut is logged. What
//     is bounded is the handing over, not the client's reading: an answer that fits the
//     socket's send buffer is queued at once and never cut, however slowly the client reads it
//     (the kernel then holds it, not a thread). Each single wait to write is bounded by 5 s
//     besides.
//   - At most `concurrent_requests` requests run their handlers at once; reading heads and
//     sending answers do not count against it (a client reading slowly holds only its own
//     connection, for response_timeout at most), nor do requests for `probe_path`, which must
//     answer while slow requests hold every handler.
//   - It logs each request it answers at debug level, when the answer has been handed over or
//     given up: msg="http request" method, path, status (the answer's head's), answer ("whole";
//     "cut" at the response deadline; "failed": the client went away or made no room for 5 s),
//     body_sent (bytes of the body handed to the kernel), body_length (the body's, as the
//     handler set it whole; 0 for HEAD) and client. So it takes httplib's logger for itself:
//     another set there would silence this log. A connection refused before a request was read
//     (503 over the limits, 408, 431) is logged too, with answer "refused" and method and path
//     "-".
// It runs connections on a pool of connections.total + 1 threads of its own: one for each
// connection it admits, so that reading heads never waits behind handlers, and one more, so that
// a connection over the total is refused at once instead of waiting in the queue for an admitted
// one to end (at most for one that has stopped counting to finish closing, which never waits for
// its client).
// Thread safety: as httplib::Server; the connection counts are locked.

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>

#include "common/http_connection_limits.h"

namespace headwire::common {

struct HttpGuardOptions {
  // How long a request line and its headers may take to arrive, in total. Default: 5 s.
  std::chrono::milliseconds head_timeout{5000};
  // How long handing one answer to the kernel may take, in total, from its first byte: bounds how
  // long a client reading slowly holds its connection, its thread and its per-client slot (an
  // answer the send buffer takes whole holds none of them). Default: 30 s.
  std::chrono::milliseconds response_timeout{30000};
  // Connections read or served at once. Default: HttpConnectionLimits's.
  HttpConnectionLimits connections;
  // Requests whose handlers run at once. Default: 8.
  size_t concurrent_requests = 8;
  // GET or HEAD requests of this path run their handlers at once, whatever else runs; its
  // handler must be cheap. Empty: none. Default: "/healthz".
  std::string probe_path = "/healthz";
};

class GuardedHttpServer final : public httplib::Server {
 public:
  explicit GuardedHttpServer(const HttpGuardOptions& options);

  // The request log is this server's own (above).
  httplib::Server& set_logger(httplib::Logger logger) = delete;

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Whether the request whose head this is asks for the probe path.
  bool IsProbe(std::string_view head) const;
  // Counts `ip` in; false (nothing counted) when a limit is reached.
  bool Admit(const std::string& ip);
  void Release(const std::string& ip);

  HttpGuardOptions options_;
  std::counting_semaphore<> handlers_;
  std::mutex mutex_;
  size_t open_ = 0;                       // guarded by mutex_
  std::map<std::string, size_t> per_ip_;  // guarded by mutex_
};

}  // namespace headwire::common
