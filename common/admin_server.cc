#include "common/admin_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/guarded_http_server.h"
#include "common/http_address.h"

namespace headwire::common {
namespace {

// Scrapes and probes only, all cheap: every admitted connection may run its handler at once,
// and no client can hold more than half of them, nor any past the head deadline. A client that
// asks again as soon as it has read an answer, before the server has ended that connection, may
// still be counted for it: half leaves room for a few scrapers and probes from one address.
constexpr size_t kAdminConnections = 16;

HttpGuardOptions AdminGuard() {
  HttpGuardOptions guard;
  guard.connections.total = kAdminConnections;
  guard.connections.per_client = kAdminConnections / 2;
  guard.concurrent_requests = kAdminConnections;
  return guard;
}

}  // namespace

struct AdminServer::Impl {
  GuardedHttpServer server{AdminGuard()};
  std::thread thread;
};

namespace {

void SendProbe(httplib::Response& res, const Probe& probe) {
  nlohmann::json body = {{"status", probe.ok ? "ok" : "unavailable"}};
  if (!probe.reason.empty()) body["reason"] = probe.reason;
  res.status = probe.ok ? 200 : 503;
  res.set_content(body.dump() + "\n", "application/json");
}

}  // namespace

AdminServer::AdminServer(std::unique_ptr<Impl> impl, std::string address)
    : impl_(std::move(impl)), address_(std::move(address)) {}

AdminServer::~AdminServer() { Stop(); }

void AdminServer::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
}

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const AdminServerOptions& options,
                                                        const DaemonMetrics& metrics,
                                                        std::function<Probe()> liveness,
                                                        std::function<Probe()> readiness) {
  auto address = ParseHttpAddress(options.address);
  if (!address) return Err(address.error());
  auto impl = std::make_unique<Impl>();
  httplib::Server& server = impl->server;
  // No SO_REUSEPORT: a busy port must be an error, not a shared one.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Another method on a path served here is 405 naming the ones it takes (httplib answers 400
  // or 404 by itself, which would send an operator looking for a wrong path or request); on any
  // other path it is 404 here, before httplib's routing of it could read a request body.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    const bool ours = req.path == "/metrics" || req.path == "/healthz" || req.path == "/readyz";
    if (ours) {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
      res.set_content(req.method + " is not allowed on " + req.path + "\n", "text/plain");
    } else {
      res.status = 404;
      res.set_content("no such path: " + req.path + "\n", "text/plain");
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.Serialize(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.Get("/healthz", [liveness](const httplib::Request&, httplib::Response& res) {
    SendProbe(res, liveness());
  });
  server.Get("/readyz", [readiness](const httplib::Request&, httplib::Response& res) {
    SendProbe(res, readiness());
  });
  const std::string& host = address->host;
  const int port = address->port;
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound < 0) {
    return Err(Status::IoError("admin endpoint: cannot listen on " + FormatHttpAddress(*address)));
  }
  const std::string where = FormatHttpAddress({.host = host, .port = bound});
  impl->thread = std::thread([&server] { server.listen_after_bind(); });
  // Stop() before the loop runs would not end it: wait until it does.
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  spdlog::info("msg=\"admin endpoint listening\" address={}", where);
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl), where));
}

}  // namespace headwire::common
