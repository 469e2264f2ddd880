#include "common/checkpoint_request.h"

#include <atomic>
#include <csignal>

namespace headwire::common {
namespace {

// Set by the handler on whichever thread the signal lands on, taken by the daemon's loop: an
// atomic (lock-free, so safe in a handler) taken with one exchange, so that a request arriving
// while the loop takes the previous one is never lost.
std::atomic<bool> g_checkpoint_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnCheckpointSignal(int) { g_checkpoint_requested.store(true); }

}  // namespace

void InstallCheckpointRequestHandler() {
  struct sigaction action {};
  action.sa_handler = OnCheckpointSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR1, &action, nullptr);
}

bool TakeCheckpointRequest() { return g_checkpoint_requested.exchange(false); }

}  // namespace headwire::common
