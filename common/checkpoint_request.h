#pragma once
// On-demand checkpoints: SIGUSR1 sets a flag that a daemon takes between batches, so that an
// operator can ask for a copy of the state without stopping the daemon: the sink writes a
// checkpoint, the processor snapshots its domains.

namespace headwire::common {

// Installs the SIGUSR1 handler. Call once, early in main().
void InstallCheckpointRequestHandler();

// True once per request: returns whether a checkpoint was asked for since the last call, and
// clears the request.
bool TakeCheckpointRequest();

}  // namespace headwire::common
