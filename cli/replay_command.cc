// `headwire replay`: a historical stream into the raw topic or into a sink state.

#include "cli/cli_support.h"
#include "cli/commands.h"

namespace headwire::cli {

void RegisterReplayCommand(CLI::App& app, int& exit_code) {
  (void)app;
  (void)exit_code;
}

}  // namespace headwire::cli
