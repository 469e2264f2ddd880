#pragma once
// DaemonContext: what every headwire daemon has, whether it consumes Kafka or not (a feed
// poller does not): its name, its metrics (common/daemon_metrics.h), liveness and readiness, and
// the admin endpoint that serves them (common/admin_server.h). Signals and logging are
// process-wide (common/shutdown.h, common/logging.h); the context only reads the former.
//
// A daemon's loop calls Beat() at every turn, so /healthz can tell a loop that turns from one that
// is stuck, and publishes its readiness with SetReady() whenever it changes (a consumer daemon
// does so about once a second). Usage:
//   auto context = DaemonContext::Start("feed", {.admin = "9100"});
//   while (!context->ShutdownRequested()) { context->Beat(); ...; context->SetReady({...}); }
//
// Thread-safe: Beat, SetReady and the probes may be called from any thread.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/admin_server.h"
#include "common/daemon_metrics.h"
#include "common/status.h"

namespace headwire::common {

struct DaemonOptions {
  // Where the admin endpoint listens: HOST:PORT, or a bare PORT on 127.0.0.1. Default: "" (no
  // endpoint).
  std::string admin;
  // /healthz fails when the loop has not turned for this long. Default: 120 s (longer than a
  // batch's flush may wait).
  std::chrono::milliseconds stall_after{120000};
};

class DaemonContext {
 public:
  // Creates the metrics and starts the admin endpoint when one is configured. Returns its
  // errors (a malformed address, a port in use).
  static Result<std::unique_ptr<DaemonContext>> Start(std::string name,
                                                      const DaemonOptions& options);
  DaemonContext(const DaemonContext&) = delete;
  DaemonContext& operator=(const DaemonContext&) = delete;
  ~DaemonContext();

  const std::string& name() const { return name_; }
  DaemonMetrics& metrics() { return metrics_; }

  // The loop turned.
  void Beat();
  // Publishes readiness; until the first call the daemon is "starting".
  void SetReady(Probe ready);

  // Publishes whether the daemon's dependencies (Kafka) can be reached; until the first call
  // they count as reachable.
  void SetDependencies(Probe dependencies);

  // Liveness: the loop turned within stall_after.
  Probe Liveness() const;
  // What SetReady published; not ready ("shutting down") once SIGINT/SIGTERM/SIGHUP arrived.
  Probe Readiness() const;
  // Liveness, and the dependencies can be reached: what a user-facing status says.
  Probe Health() const;

  // True once SIGINT/SIGTERM/SIGHUP arrived (common/shutdown.h).
  bool ShutdownRequested() const;

  // The admin endpoint's bound address, or "" without one.
  std::string admin_address() const;

 private:
  DaemonContext(std::string name, const DaemonOptions& options);

  std::string name_;
  DaemonOptions options_;
  DaemonMetrics metrics_;
  std::atomic<int64_t> last_beat_ns_;
  mutable std::mutex mutex_;  // guards ready_ and dependencies_
  Probe ready_{.ok = false, .reason = "starting"};
  Probe dependencies_;
  // Declared last: stops (joining its threads) before the state it reads goes away.
  std::unique_ptr<AdminServer> admin_;
};

// What a daemon's wait that may never end asks between its slices (KafkaProducer::Produce's
// keep_waiting: room in the producer's queue comes with deliveries or their failures after
// message.timeout.ms, which a user may set to never): it calls `beat` for `bound` from its first
// call and `past_bound` after that, so that /healthz then reports the stall, and it keeps the
// wait going until a stop is asked for, since room may never come. `context` and what `beat` and
// `past_bound` refer to must outlive the returned function (a Produce call's wait).
std::function<bool()> KeepWaitingUntilStop(
    const DaemonContext& context, std::chrono::milliseconds bound, std::function<void()> beat,
    std::function<void()> past_bound = [] {});

}  // namespace headwire::common
