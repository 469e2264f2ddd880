#pragma once
// Graceful shutdown: SIGINT and SIGTERM set a flag that daemon loops check between batches,
// so a daemon finishes and persists the batch in hand before it exits.

namespace headwire::common {

// Installs the handlers. Only commands whose loops check the flag call it (at their start):
// every other command keeps the default action, so SIGINT or SIGTERM ends it at once.
void InstallShutdownHandlers();

// True once SIGINT or SIGTERM has arrived.
bool ShutdownRequested();

}  // namespace headwire::common
