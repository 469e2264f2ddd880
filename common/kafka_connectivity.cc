#include "common/kafka_connectivity.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "common/logging.h"

namespace headwire::common {
namespace {

// librdkafka needs a moment for the first connection; say nothing before its first verdict.
constexpr std::chrono::milliseconds kFirstReport{2000};

int64_t Ticks(ConnectivityWatch::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

ConnectivityWatch::ConnectivityWatch(ConnectivityOptions options)
    : options_(std::move(options)), unreachable_since_ns_(Ticks(Clock::now())) {}

void ConnectivityWatch::MarkReachable(bool reachable) {
  const bool was = reachable_.exchange(reachable, std::memory_order_relaxed);
  if (was == reachable) return;
  if (!reachable) {
    unreachable_since_ns_.store(Ticks(Clock::now()), std::memory_order_relaxed);
    return;
  }
  std::lock_guard lock(mutex_);
  if (reported_) {
    spdlog::info("msg=\"bootstrap servers reachable\" bootstrap={} client={}", options_.bootstrap,
                 options_.client);
  }
  reported_ = false;
  last_error_.clear();
}

void ConnectivityWatch::OnError(int error, std::string_view reason) {
  const auto err = static_cast<rd_kafka_resp_err_t>(error);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    MarkReachable(false);
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__RESOLVE ||
      err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__SSL) {
    std::lock_guard lock(mutex_);
    last_error_ = std::string(reason);
    return;
  }
  spdlog::warn("msg=\"kafka error\" error={} detail={}", rd_kafka_err2name(err), Quote(reason));
}

void ConnectivityWatch::OnStatistics(std::string_view json) {
  const auto stats = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!stats.is_object()) return;
  // Any connection up means the servers answer, but only brokers with an id are counted: the
  // bootstrap connection (id -1 until librdkafka matches it to one) and the logical coordinator
  // (another handle on a broker already listed) would count a broker twice.
  bool any_up = false;
  std::set<int64_t> ids_up;
  if (const auto brokers = stats.find("brokers"); brokers != stats.end() && brokers->is_object()) {
    for (const auto& broker : *brokers) {
      if (!broker.is_object() || broker.value("state", "") != "UP") continue;
      any_up = true;
      if (const int64_t id = broker.value("nodeid", int64_t{-1}); id >= 0) ids_up.insert(id);
    }
  }
  brokers_up_.store(static_cast<int>(ids_up.size()), std::memory_order_relaxed);
  tx_bytes_.store(stats.value("tx_bytes", uint64_t{0}), std::memory_order_relaxed);
  rx_bytes_.store(stats.value("rx_bytes", uint64_t{0}), std::memory_order_relaxed);
  MarkReachable(any_up);
}

std::chrono::milliseconds ConnectivityWatch::UnreachableFor() const {
  if (Reachable()) return std::chrono::milliseconds(0);
  const auto since = Clock::time_point(
      std::chrono::nanoseconds(unreachable_since_ns_.load(std::memory_order_relaxed)));
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
}

Status ConnectivityWatch::UnreachableError() const {
  std::string message =
      "cannot reach bootstrap servers " + options_.bootstrap + " (-b/--bootstrap)";
  std::lock_guard lock(mutex_);
  if (!last_error_.empty()) message += "; last error: " + last_error_;
  return Status::Unavailable(message);
}

bool ConnectivityWatch::Unreachable() const {
  return UnreachableFor() >= std::min(kFirstReport, options_.give_up_after);
}

Status ConnectivityWatch::Check() {
  if (!Unreachable()) return Status::Ok();
  const auto unreachable = UnreachableFor();
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    if (!reported_ || now - last_report_ >= options_.report_interval) {
      reported_ = true;
      last_report_ = now;
      spdlog::error(
          "msg=\"cannot reach bootstrap servers {}\" bootstrap={} client={} for_s={} last_error={} "
          "connect_timeout_s={}",
          options_.bootstrap, options_.bootstrap, options_.client,
          std::chrono::duration_cast<std::chrono::seconds>(unreachable).count(),
          Quote(last_error_.empty() ? "none yet" : last_error_),
          std::chrono::duration_cast<std::chrono::seconds>(options_.give_up_after).count());
    }
  }
  if (unreachable >= options_.give_up_after) return UnreachableError();
  return Status::Ok();
}

}  // namespace headwire::common
