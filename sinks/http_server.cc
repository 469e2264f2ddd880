#include "sinks/http_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string_view>
#include <thread>

#include "common/guarded_http_server.h"
#include "common/http_address.h"
#include "common/logging.h"
#include "core/ascii.h"
#include "sinks/http_page.h"
#include "sinks/query_api.h"

namespace headwire::sinks {
namespace {

constexpr std::string_view kJsonType = "application/json; charset=utf-8";

// Whether `authorization` is "Bearer <token>", the scheme in any case (RFC 9110, 11.1: schemes
// are case-insensitive); compares the token in time independent of where it differs.
bool HasBearerToken(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "bearer ";
  if (core::AsciiLowercase(authorization.substr(0, kScheme.size())) != kScheme) return false;
  const std::string_view given = authorization.substr(kScheme.size());
  unsigned char diff = given.size() == token.size() ? 0 : 1;
  for (size_t i = 0; i < token.size(); ++i) {
    diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
  }
  return diff == 0;
}

// 128 random bits in hex, for one response's Content-Security-Policy nonce.
std::string NewNonce() {
  std::random_device random;
  std::string nonce;
  for (int i = 0; i < 4; ++i) {
    char word[9];
    std::snprintf(word, sizeof word, "%08x", random());
    nonce += word;
  }
  return nonce;
}

// The host part of a Host header ("localhost:8080", "[::1]:8080", "127.0.0.1"), lower case.
std::string HostOfHostHeader(std::string_view header) {
  if (header.starts_with('[')) {
    const size_t close = header.find(']');
    return core::AsciiLowercase(
        header.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  return core::AsciiLowercase(header.substr(0, header.rfind(':')));
}

// Whether a request to an API on loopback without a token may be answered. A web page the
// operator opens can make the browser send requests to 127.0.0.1 under the page's own host name
// (DNS rebinding) and read the answers; a browser always names that host in Host, so requests
// that name a host other than a loopback one are refused. Clients that send no Host (HTTP/1.0)
// are no browsers and are served.
bool IsAddressedToLoopback(const httplib::Request& req) {
  if (!req.has_header("Host")) return true;
  const std::string host = HostOfHostHeader(req.get_header_value("Host"));
  return common::IsLoopbackHost(host);
}

bool IsKnownPath(const std::string& path) {
  if (path == "/" || path == "/healthz" || path == "/v1/status") return true;
  for (const QueryKind kind : kQueryKinds) {
    if (path == "/v1/" + std::string(QueryKindName(kind))) return true;
  }
  return false;
}

// Titles come from the wire; a stray invalid byte must not turn a response into an exception.
std::string Dump(const common::Json& json) {
  return json.dump(-1, ' ', false, common::Json::error_handler_t::replace);
}

void SendJson(httplib::Response& res, int status, const common::Json& body) {
  res.status = status;
  res.set_content(Dump(body) + "\n", std::string(kJsonType));
}

void SendError(httplib::Response& res, int status, std::string_view code,
               const std::string& message) {
  common::Json error;
  error["error"]["code"] = code;
  error["error"]["message"] = message;
  SendJson(res, status, error);
}

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

void SendStatus(httplib::Response& res, const Status& status) {
  SendError(res, HttpStatusOf(status), StatusCodeName(status.code()), status.message());
}

// The query string as ParseQueryRequest takes it; a parameter given twice is ambiguous.
Result<std::map<std::string, std::string>> SingleParams(const httplib::Request& req) {
  std::map<std::string, std::string> params;
  for (const auto& [key, value] : req.params) {
    if (!params.emplace(key, value).second) {
      return Err(Status::InvalidArgument("parameter \"" + key + "\" is given more than once"));
    }
  }
  return params;
}

std::string StatusText(int status) {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 414:
      return "URI_TOO_LONG";
    default:
      return status >= 500 ? "INTERNAL" : "HTTP_" + std::to_string(status);
  }
}

// The message of an error httplib answers by itself, before any handler: it may know nothing of
// the request (a malformed one has no path).
std::string ErrorMessage(const httplib::Request& req, int status) {
  switch (status) {
    case 400:
      return "malformed request: its request line (method, target, HTTP version) or a header "
             "cannot be parsed";
    case 404:
      return "no such path: " + req.path;
    case 413:
      return "request body too large: this API takes no body";
    case 414:
      return "request target too long: the request line may take at most " +
             std::to_string(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH) + " bytes";
    default:
      return "request failed with HTTP status " + std::to_string(status) +
             (req.path.empty() ? "" : ": " + req.path);
  }
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(const common::HttpGuardOptions& guard) : server(guard) {}
  common::GuardedHttpServer server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  std::string page;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl, std::string address)
    : impl_(std::move(impl)), address_(std::move(address)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
  spdlog::info("msg=\"http server stopped\" address={}", address_);
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      const ArticleStore& store,
                                                      StatusFields status_fields,
                                                      HealthCheck health) {
  auto address = common::ParseHttpAddress(options.address);
  if (!address) return Err(address.error());
  if (options.threads == 0) return Err(Status::InvalidArgument("HTTP threads must be at least 1"));
  if (options.page_poll_ms < 100) {
    return Err(Status::InvalidArgument("page poll interval must be at least 100 ms"));
  }

  const common::HttpConnectionLimits& limits = options.connections;
  if (limits.total == 0 || limits.total > kMaxHttpConnections) {
    return Err(Status::InvalidArgument(
        fmt::format("HTTP connections in all must be between 1 and {}, not {}", kMaxHttpConnections,
                    limits.total)));
  }
  if (limits.per_client == 0 || limits.per_client > limits.total) {
    return Err(Status::InvalidArgument(
        fmt::format("HTTP connections per client must be between 1 and the total ({}), not {}",
                    limits.total, limits.per_client)));
  }

  common::HttpGuardOptions guard;
  guard.concurrent_requests = options.threads;
  guard.connections = limits;
  auto impl = std::make_unique<Impl>(guard);
  impl->page = std::string(kLivePageHtml);
  const size_t at = impl->page.find(kLivePagePollPlaceholder);
  if (at == std::string::npos) return Err(Status::Internal("live page lacks its poll placeholder"));
  impl->page.replace(at, kLivePagePollPlaceholder.size(), std::to_string(options.page_poll_ms));

  httplib::Server& server = impl->server;
  // httplib's default also sets SO_REUSEPORT, which would let a second server bind the same
  // port and steal half of its connections; a busy port must be an error instead.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // The guard ignores Range (every answer is whole, 200); httplib would otherwise announce
  // "Accept-Ranges: bytes".
  server.set_default_headers({{"Cache-Control", "no-store"},
                              {"X-Content-Type-Options", "nosniff"},
                              {"Accept-Ranges", "none"}});

  const bool loopback_only = common::IsLoopbackHost(address->host) && options.bearer_token.empty();
  server.set_pre_routing_handler([token = options.bearer_token, loopback_only](
                                     const httplib::Request& req, httplib::Response& res) {
    if (loopback_only && !IsAddressedToLoopback(req)) {
      SendError(res, 403, "FORBIDDEN",
                "this API listens on loopback without --http-token-file and answers only requests "
                "addressed to localhost, 127.0.0.1 or [::1], not to " +
                    req.get_header_value("Host") + " (a guard against DNS rebinding)");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method == "GET" || req.method == "HEAD") {
      if (token.empty() || !req.path.starts_with("/v1/") ||
          HasBearerToken(req.get_header_value("Authorization"), token)) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      res.set_header("WWW-Authenticate", "Bearer");
      SendError(res, 401, "UNAUTHENTICATED",
                "this API needs \"Authorization: Bearer TOKEN\" (the sink's --http-token-file)");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (IsKnownPath(req.path)) {
      res.set_header("Allow", "GET, HEAD");
      SendError(res, 405, "METHOD_NOT_ALLOWED", req.method + " is not allowed on " + req.path);
    } else {
      SendError(res, 404, "NOT_FOUND", "no such path: " + req.path);
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  // Everything httplib answers by itself (no route, malformed request) gets the JSON error shape.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        SendError(res, res.status, StatusText(res.status), ErrorMessage(req, res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("msg=\"http handler failed\" path={} error={}", common::Quote(req.path),
                      common::Quote(what));
        SendError(res, 500, "INTERNAL", "internal error");
      });

  const std::string* page = &impl->page;
  server.Get("/", [page](const httplib::Request&, httplib::Response& res) {
    // The page may talk to this server only: no other origin, no external fonts or scripts, and
    // no inline script or style but its own, which carry this response's nonce.
    const std::string nonce = NewNonce();
    std::string body = *page;
    for (size_t at = body.find(kLivePageNoncePlaceholder); at != std::string::npos;
         at = body.find(kLivePageNoncePlaceholder, at + nonce.size())) {
      body.replace(at, kLivePageNoncePlaceholder.size(), nonce);
    }
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" +
                       nonce +
                       "'; img-src data:; connect-src 'self'; base-uri 'none'; "
                       "form-action 'none'; frame-ancestors 'none'");
    res.set_content(body, "text/html; charset=utf-8");
  });
  server.Get("/healthz", [health](const httplib::Request&, httplib::Response& res) {
    if (auto why = health ? health() : std::nullopt) {
      return SendJson(res, 503, {{"status", "unavailable"}, {"reason", *why}});
    }
    SendJson(res, 200, {{"status", "ok"}});
  });
  server.Get("/v1/status",
             [&store, status_fields, health](const httplib::Request& req, httplib::Response& res) {
               if (!req.params.empty()) {
                 SendError(res, 400, "INVALID_ARGUMENT", "/v1/status takes no parameters");
                 return;
               }
               // The totals and watermark of the counts query, so they agree with /v1/counts.
               QueryRequest counts;
               counts.kind = QueryKind::kCounts;
               counts.window = core::WindowSize::kDay;
               counts.limit = 1;
               auto snapshot = RunQuery(store, counts);
               if (!snapshot) return SendStatus(res, snapshot.error());
               common::Json body = {{"status", "ok"}};
               if (auto why = health ? health() : std::nullopt) {
                 body = {{"status", "unavailable"}, {"reason", *why}};
               }
               if (status_fields) body.update(status_fields());
               body["watermark"] = (*snapshot)["watermark"];
               body["store"] = (*snapshot)["totals"];
               SendJson(res, 200, body);
             });
  for (const QueryKind kind : kQueryKinds) {
    server.Get("/v1/" + std::string(QueryKindName(kind)),
               [&store, kind](const httplib::Request& req, httplib::Response& res) {
                 auto params = SingleParams(req);
                 if (!params) return SendStatus(res, params.error());
                 auto request = ParseQueryRequest(kind, *params);
                 if (!request) return SendStatus(res, request.error());
                 auto response = RunQuery(store, *request);
                 if (!response) return SendStatus(res, response.error());
                 SendJson(res, 200, *response);
               });
  }

  int port = address->port;
  if (port == 0) {
    port = server.bind_to_any_port(address->host);
    if (port < 0) port = -1;
  } else if (!server.bind_to_port(address->host, port)) {
    port = -1;
  }
  if (port < 0) {
    return Err(Status::IoError("cannot listen on " + options.address +
                               " (address in use, or not an address of this host)"));
  }
  address->port = port;
  std::string bound = common::FormatHttpAddress(*address);
  if (!common::IsLoopbackHost(address->host) && options.bearer_token.empty()) {
    spdlog::warn(
        "msg=\"the HTTP API has no authentication and listens beyond loopback: anyone who can "
        "reach this address reads the whole state (see --http-token-file)\" address={}",
        bound);
  }

  Impl* state = impl.get();
  impl->thread = std::thread([state] {
    state->server.listen_after_bind();
    state->listen_returned = true;
  });
  // stop() is a no-op until the listen loop runs; wait for it so Stop() always ends the thread.
  while (!server.is_running() && !state->listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  spdlog::info("msg=\"http server listening\" address={} url=http://{}/", bound, bound);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), std::move(bound)));
}

}  // namespace headwire::sinks
