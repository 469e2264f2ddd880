#include "common/shutdown.h"

#include <atomic>
#include <csignal>

namespace headwire::common {
namespace {

// Set by the handler on whichever thread the signal lands on and read by the daemon's loop on
// its own: an atomic (lock-free, so safe in a handler), not a volatile flag, which only
// synchronises with a handler on the reading thread.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void OnSignal(int signal) {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal);
}

}  // namespace

void InstallShutdownHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A daemon started under nohup keeps SIGHUP ignored, as nohup asked.
  struct sigaction hangup {};
  sigaction(SIGHUP, nullptr, &hangup);
  if (hangup.sa_handler != SIG_IGN) sigaction(SIGHUP, &action, nullptr);
}

bool ShutdownRequested() { return g_signal.load() != 0; }

int ShutdownSignal() { return g_signal.load(); }

}  // namespace headwire::common
