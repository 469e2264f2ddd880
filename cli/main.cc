// headwire: a streaming headline aggregation pipeline. One binary, one subcommand per stage.

#include <CLI/CLI.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/checkpoint_request.h"

int main(int argc, char** argv) {
  using namespace headwire::cli;
  CLI::App app{"headwire: deduplicate, cluster and classify news headlines on Kafka"};
  if (argc > 0) ProgramPath() = argv[0];
  int exit_code = kExitOk;
  BuildApp(app, exit_code);
  headwire::common::InstallCheckpointRequestHandler();
  return ParseAndRun(app, argc, argv, exit_code);
}
