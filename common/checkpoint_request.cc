#include "common/checkpoint_request.h"

#include <csignal>

namespace headwire::common {
namespace {

volatile std::sig_atomic_t g_checkpoint_requested = 0;

extern "C" void OnCheckpointSignal(int) { g_checkpoint_requested = 1; }

}  // namespace

void InstallCheckpointRequestHandler() {
  struct sigaction action {};
  action.sa_handler = OnCheckpointSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR1, &action, nullptr);
}

bool TakeCheckpointRequest() {
  if (g_checkpoint_requested == 0) return false;
  g_checkpoint_requested = 0;
  return true;
}

}  // namespace headwire::common
