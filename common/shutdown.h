#pragma once
// Graceful shutdown: SIGINT, SIGTERM and SIGHUP set a flag that daemon loops check between
// batches, so a daemon finishes and persists the batch in hand before it exits. SIGHUP is a stop,
// not a reload (a daemon reads its configuration only at the start): it is what a daemon started
// from a terminal gets when the terminal closes, and the default action would end it at once. A
// daemon started with SIGHUP ignored (nohup) keeps it ignored.

namespace headwire::common {

// Installs the handlers. Only commands whose loops check the flag call it (at their start):
// every other command keeps the default action, so any of these signals ends it at once.
void InstallShutdownHandlers();

// True once one of those signals has arrived.
bool ShutdownRequested();

// The first of those signals to arrive (SIGINT, SIGTERM or SIGHUP), or 0 while none has. A
// command that stops short of its end because of it exits with 128 + this number, as a shell
// reports a process the signal ended, so that a script can tell an interrupted run from a
// complete one.
int ShutdownSignal();

}  // namespace headwire::common
