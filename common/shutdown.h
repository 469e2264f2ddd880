#pragma once
// Graceful shutdown: SIGINT and SIGTERM set a flag that daemon loops check between batches,
// so a daemon finishes and persists the batch in hand before it exits.

namespace headwire::common {

// Installs the handlers. Only commands whose loops check the flag call it (at their start):
// every other command keeps the default action, so SIGINT or SIGTERM ends it at once.
void InstallShutdownHandlers();

// True once SIGINT or SIGTERM has arrived.
bool ShutdownRequested();

// The first of those signals to arrive (SIGINT or SIGTERM), or 0 while none has. A command
// that stops short of its end because of it exits with 128 + this number, as a shell reports a
// process the signal ended, so that a script can tell an interrupted run from a complete one.
int ShutdownSignal();

}  // namespace headwire::common
