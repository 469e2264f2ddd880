#include "common/admin_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

namespace headwire::common {

struct AdminServer::Impl {
  httplib::Server server;
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

Result<std::pair<std::string, int>> ParseAdminAddress(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Err(Status::InvalidArgument("admin address \"" + std::string(text) + "\": " +
                                       std::string(why) + " (expected HOST:PORT or PORT)"));
  };
  const size_t colon = text.rfind(':');
  std::string host = "127.0.0.1";
  std::string_view port_text = text;
  if (colon != std::string_view::npos) {
    std::string_view h = text.substr(0, colon);
    if (h.starts_with('[') && h.ends_with(']') && h.size() > 2) h = h.substr(1, h.size() - 2);
    if (!h.empty()) host = std::string(h);
    port_text = text.substr(colon + 1);
  }
  int port = -1;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  return std::pair{host, port};
}

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
  auto address = ParseAdminAddress(options.address);
  if (!address) return Err(address.error());
  auto impl = std::make_unique<Impl>();
  httplib::Server& server = impl->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_keep_alive_timeout(2);
  // No SO_REUSEPORT: a busy port must be an error, not a shared one.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
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
  const auto& [host, port] = *address;
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound < 0) {
    return Err(
        Status::IoError("admin endpoint: cannot listen on " + host + ":" + std::to_string(port)));
  }
  const std::string where =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(bound);
  impl->thread = std::thread([&server] { server.listen_after_bind(); });
  // Stop() only stops a running server: wait until it runs, or a quick Stop() would be lost and
  // its join() would wait for ever.
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  spdlog::info("msg=\"admin endpoint listening\" address={}", where);
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl), where));
}

}  // namespace headwire::common
