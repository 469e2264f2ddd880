#pragma once
// ConnectivityWatch: whether a Kafka client (consumer or producer) can reach its bootstrap
// servers, from librdkafka's error callback (ALL_BROKERS_DOWN, transport and resolve errors) and
// its statistics callback (a broker in state UP), so that a daemon can say so in its own log
// format within seconds instead of waiting silently.
//
// Check() is called from the client's polling thread at each turn: while nothing is reachable it
// logs `cannot reach bootstrap servers B` (with the client, how long and librdkafka's last error)
// at once and
// then every report_interval, and once unreachable for give_up_after it returns Unavailable (a
// caller decides whether that ends it: daemons with --exit-at-end and `produce` do). Reachable()
// may be read from any thread (health probes). Callbacks arrive on the polling thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace headwire::common {

struct ConnectivityOptions {
  // bootstrap.servers, for the messages. Required.
  std::string bootstrap;
  // The kind of client watched ("consumer", "producer"), the `client` field of the messages: a
  // daemon with both logs a change of connectivity once per client. Required.
  std::string client;
  // How long unreachable before Check() returns Unavailable. Default: 30 s.
  std::chrono::milliseconds give_up_after{30000};
  // How often the "cannot reach" line is repeated. Default: 10 s.
  std::chrono::milliseconds report_interval{10000};
};

class ConnectivityWatch {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConnectivityWatch(ConnectivityOptions options);
  ConnectivityWatch(const ConnectivityWatch&) = delete;
  ConnectivityWatch& operator=(const ConnectivityWatch&) = delete;

  // librdkafka's error callback: ALL_BROKERS_DOWN marks the servers unreachable; transport and
  // resolve errors are kept as the reason to show.
  void OnError(int error, std::string_view reason);
  // librdkafka's statistics (JSON): a broker in state UP marks the servers reachable. Also keeps
  // the count of distinct broker ids up (not the bootstrap connection) and the bytes sent and
  // received, for metrics.
  void OnStatistics(std::string_view json);

  // Logs while unreachable (see above). Returns Unavailable, naming the servers and
  // --bootstrap, once they have been unreachable for give_up_after; OK otherwise.
  Status Check();

  // False while no broker is up since start or since librdkafka reported every broker down.
  bool Reachable() const { return reachable_.load(std::memory_order_relaxed); }
  // True once the servers have been unreachable for longer than librdkafka needs for a first
  // connection (2 s, or give_up_after when shorter): from then on Check() reports and probes
  // fail.
  bool Unreachable() const;
  // From the latest statistics: distinct broker ids in state UP, and bytes sent to / received from
  // brokers since the client started.
  int brokers_up() const { return brokers_up_.load(std::memory_order_relaxed); }
  uint64_t tx_bytes() const { return tx_bytes_.load(std::memory_order_relaxed); }
  uint64_t rx_bytes() const { return rx_bytes_.load(std::memory_order_relaxed); }

 private:
  void MarkReachable(bool reachable);
  // How long the servers have been unreachable (zero while reachable).
  std::chrono::milliseconds UnreachableFor() const;
  // The error Check() returns after give_up_after: the servers, --bootstrap, the last error.
  Status UnreachableError() const;

  ConnectivityOptions options_;
  std::atomic<bool> reachable_{false};
  std::atomic<int64_t> unreachable_since_ns_;  // Clock time; meaningful while !reachable_
  std::atomic<int> brokers_up_{0};
  std::atomic<uint64_t> tx_bytes_{0};
  std::atomic<uint64_t> rx_bytes_{0};
  mutable std::mutex mutex_;  // guards the fields below
  std::string last_error_;
  Clock::time_point last_report_{};
  bool reported_ = false;
};

}  // namespace headwire::common
