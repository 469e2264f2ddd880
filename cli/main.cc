// headwire: a streaming headline aggregation pipeline. One binary, one subcommand per stage.

#include <CLI/CLI.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/checkpoint_request.h"
#include "common/shutdown.h"

int main(int argc, char** argv) {
  using namespace headwire::cli;
  CLI::App app{"headwire: deduplicate, cluster and classify news headlines on Kafka"};
  app.set_version_flag("--version", std::string("headwire ") + HEADWIRE_VERSION);
  app.set_config("--config", "", "TOML config file; a [subcommand] table holds its options")
      ->envname("HEADWIRE_CONFIG");
  app.add_option("--log-level", LogLevel(), "trace, debug, info, warn, error or off")
      ->envname("HEADWIRE_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-format", LogFormatName(), "Log lines as logfmt or json (one object a line)")
      ->envname("HEADWIRE_LOG_FORMAT")
      ->capture_default_str()
      ->check(CLI::IsMember({"logfmt", "json"}));
  app.require_subcommand(1);

  if (argc > 0) ProgramPath() = argv[0];
  int exit_code = kExitOk;
  RegisterBrokerCommand(app, exit_code);
  RegisterProduceCommand(app, exit_code);
  RegisterFeedCommand(app, exit_code);
  RegisterProcessCommand(app, exit_code);
  RegisterSinkCommand(app, exit_code);
  RegisterQueryCommand(app, exit_code);
  RegisterDigestCommand(app, exit_code);
  RegisterFilterCommands(app, exit_code);
  RegisterDemoCommand(app, exit_code);
  RegisterTrainCommand(app, exit_code);
  RegisterArchiveCommand(app, exit_code);
  RegisterReplayCommand(app, exit_code);
  CLI::App* eval = AddEvalCommand(app);
  RegisterEvalClassifyCommand(*eval, exit_code);
  RegisterEvalDedupCommand(*eval, exit_code);

  headwire::common::InstallShutdownHandlers();
  headwire::common::InstallCheckpointRequestHandler();
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
