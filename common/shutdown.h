#pragma once
// Graceful shutdown: SIGINT and SIGTERM set a flag that daemon loops check between batches,
// so a daemon finishes and persists the batch in hand before it exits.

namespace headwire::common {

// Installs the handlers. Call once, early in main().
void InstallShutdownHandlers();

// True once SIGINT or SIGTERM has arrived.
bool ShutdownRequested();

}  // namespace headwire::common
