#include "common/shutdown.h"

#include <atomic>
#include <csignal>

namespace headwire::common {
namespace {

// Set by the handler on whichever thread the signal lands on and read by the daemon's loop on
// its own: an atomic (lock-free, so safe in a handler), not a volatile flag, which only
// synchronises with a handler on the reading thread.
std::atomic<bool> g_shutdown{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnSignal(int) { g_shutdown.store(true); }

}  // namespace

void InstallShutdownHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool ShutdownRequested() { return g_shutdown.load(); }

}  // namespace headwire::common
