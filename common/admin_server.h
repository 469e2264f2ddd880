#pragma once
// AdminServer: the operations endpoint of a daemon (`--admin HOST:PORT`), served by cpp-httplib
// on its own threads:
//   GET /metrics   Prometheus text exposition format (version 0.0.4) of the daemon's registry
//   GET /healthz   liveness: 200 {"status":"ok",...} or 503 {"status":"unavailable","reason":...}
//   GET /readyz    readiness, same shape
// The probes' verdicts come from functions the owner passes; they are called on the server's
// threads, so they must be thread-safe. Start and Stop belong to one owning thread.

#include <functional>
#include <memory>
#include <string>

#include "common/daemon_metrics.h"
#include "common/status.h"

namespace headwire::common {

// A probe's verdict: ok, or why not (a short phrase for people), plus details for the JSON body.
// An ok verdict may carry a reason too, saying in what state it is ok (a standby).
struct Probe {
  bool ok = true;
  std::string reason;
};

struct AdminServerOptions {
  // HOST:PORT, or a bare PORT meaning 127.0.0.1:PORT; port 0 picks a free one. Required.
  std::string address;
};

class AdminServer {
 public:
  // Binds and starts serving. `metrics` must outlive the server. Returns InvalidArgument for a
  // malformed address, IoError when it cannot be bound.
  static Result<std::unique_ptr<AdminServer>> Start(const AdminServerOptions& options,
                                                    const DaemonMetrics& metrics,
                                                    std::function<Probe()> liveness,
                                                    std::function<Probe()> readiness);
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;
  ~AdminServer();

  // The bound address, HOST:PORT with the real port.
  const std::string& address() const { return address_; }

  // Stops accepting, lets requests in flight finish and joins the threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  AdminServer(std::unique_ptr<Impl> impl, std::string address);

  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace headwire::common
