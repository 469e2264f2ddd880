#include "common/shutdown.h"

#include <csignal>

namespace headwire::common {
namespace {

volatile std::sig_atomic_t g_shutdown = 0;

extern "C" void OnSignal(int) { g_shutdown = 1; }

}  // namespace

void InstallShutdownHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool ShutdownRequested() { return g_shutdown != 0; }

}  // namespace headwire::common
