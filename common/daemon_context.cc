#include "common/daemon_context.h"

#include <optional>

#include "common/shutdown.h"

namespace headwire::common {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

DaemonContext::DaemonContext(std::string name, const DaemonOptions& options)
    : name_(std::move(name)), options_(options), metrics_(name_), last_beat_ns_(NowNs()) {}

DaemonContext::~DaemonContext() {
  if (admin_) admin_->Stop();
}

Result<std::unique_ptr<DaemonContext>> DaemonContext::Start(std::string name,
                                                            const DaemonOptions& options) {
  std::unique_ptr<DaemonContext> context(new DaemonContext(std::move(name), options));
  if (!options.admin.empty()) {
    DaemonContext* self = context.get();
    auto admin = AdminServer::Start(
        {.address = options.admin}, context->metrics_, [self] { return self->Liveness(); },
        [self] { return self->Readiness(); });
    if (!admin) return Err(admin.error());
    context->admin_ = std::move(*admin);
  }
  return context;
}

void DaemonContext::Beat() { last_beat_ns_.store(NowNs(), std::memory_order_relaxed); }

void DaemonContext::SetReady(Probe ready) {
  std::lock_guard lock(mutex_);
  ready_ = std::move(ready);
}

void DaemonContext::SetDependencies(Probe dependencies) {
  std::lock_guard lock(mutex_);
  dependencies_ = std::move(dependencies);
}

Probe DaemonContext::Health() const {
  Probe live = Liveness();
  if (!live.ok) return live;
  std::lock_guard lock(mutex_);
  return dependencies_;
}

Probe DaemonContext::Liveness() const {
  const auto since = std::chrono::nanoseconds(NowNs() - last_beat_ns_.load());
  if (since > options_.stall_after) {
    return {
        .ok = false,
        .reason = "loop has not turned for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(since).count()) +
                  " s"};
  }
  return {};
}

Probe DaemonContext::Readiness() const {
  // From the signal on, while the daemon finishes its batch, hands its partitions over and leaves
  // its group, a load balancer or orchestrator should send it nothing new.
  if (ShutdownRequested()) return {.ok = false, .reason = "shutting down"};
  std::lock_guard lock(mutex_);
  return ready_;
}

bool DaemonContext::ShutdownRequested() const { return common::ShutdownRequested(); }

std::string DaemonContext::admin_address() const { return admin_ ? admin_->address() : ""; }

std::function<bool()> KeepWaitingUntilStop(const DaemonContext& context,
                                           std::chrono::milliseconds bound,
                                           std::function<void()> beat,
                                           std::function<void()> past_bound) {
  return [&context, bound, beat = std::move(beat), past_bound = std::move(past_bound),
          beat_until = std::optional<std::chrono::steady_clock::time_point>()]() mutable {
    const auto now = std::chrono::steady_clock::now();
    if (!beat_until) beat_until = now + bound;
    if (now < *beat_until) {
      beat();
    } else {
      past_bound();
    }
    return !context.ShutdownRequested();
  };
}

}  // namespace headwire::common
