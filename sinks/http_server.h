#pragma once
// HttpServer: the sink's read-only HTTP/JSON API and its live page, served from a pool of
// background threads beside a running sink (see docs/api.md).
//
//   GET /                the live page (self-contained HTML, compiled into the binary)
//   GET /healthz         {"status": "ok"}, or 503 {"status": "unavailable", "reason": ...}
//                        while the HealthCheck fails
//   GET /v1/status       what the process reports (StatusFields), the watermark and the
//                        store's totals
//   GET /v1/<kind>       latest, counts, stories, trending, sources: ParseQueryRequest →
//                        RunQuery (sinks/query_api.h), so the API answers what `headwire query`
//                        answers, from one snapshot per request
//
// Errors are JSON {"error": {"code", "message"}}: 400 bad parameter, 401 missing or wrong bearer
// token (HttpServerOptions::bearer_token), 403 a request whose Host names anything but a loopback
// host while the server listens on loopback without a token (a guard against DNS rebinding), 404
// unknown path, 405 any method but GET/HEAD, 500 anything else. Handlers only read the ArticleStore
// (RocksDB reads are thread-safe beside the sink's writer). Start and Stop belong to one owning
// thread.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/article_json.h"
#include "common/http_connection_limits.h"
#include "common/status.h"
#include "sinks/article_store.h"

namespace headwire::sinks {

// The most connections HttpServerOptions::connections may allow in all: a thread each.
inline constexpr size_t kMaxHttpConnections = 1024;

struct HttpServerOptions {
  // Where to listen, HOST:PORT (common/http_address.h); port 0 picks a free one. Default:
  // "127.0.0.1:8080", loopback, because the API has no authentication.
  std::string address = "127.0.0.1:8080";
  // Requests served at once (common/guarded_http_server.h: each connection serves one request,
  // its head must arrive within 5 s). Default: 8.
  size_t threads = 8;
  // Connections read or served at once, in all and per client address; each has a thread. At
  // most kMaxHttpConnections in all; per client at most the total. Default: HttpConnectionLimits's.
  common::HttpConnectionLimits connections;
  // How often the live page polls the API, in milliseconds; a page URL's `?poll_ms=` overrides
  // it. Default: 5000.
  int page_poll_ms = 5000;
  // When non-empty, every /v1/ request must carry "Authorization: Bearer <token>" or is answered
  // 401 UNAUTHENTICATED; the page and /healthz stay open (the page sends the token given as
  // /#token=...). Default: empty, no authentication (then keep the API on loopback).
  std::string bearer_token;
};

// Fields the owning process adds to /v1/status, e.g. the sink's consumed counts. Called on
// server threads, concurrently: it must be thread-safe.
using StatusFields = std::function<common::Json()>;

// Why the owning process is unhealthy (e.g. Kafka cannot be reached), or nullopt when it is
// healthy; /healthz then answers 503 and /v1/status says "unavailable" with the reason. Called
// on server threads, concurrently: it must be thread-safe.
using HealthCheck = std::function<std::optional<std::string>()>;

class HttpServer {
 public:
  // Binds the address and starts serving. `store` must outlive the server. Returns
  // InvalidArgument for a malformed address or options, IoError when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   const ArticleStore& store,
                                                   StatusFields status_fields,
                                                   HealthCheck health = nullptr);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Stops serving, as Stop() does.
  ~HttpServer();

  // The bound address, HOST:PORT with the real port when the options asked for port 0.
  const std::string& address() const { return address_; }

  // Stops accepting, lets requests in flight finish and joins the threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl, std::string address);

  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace headwire::sinks
