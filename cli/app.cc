// The `headwire` command line: global options, the configuration file and every subcommand.

#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/config_file.h"

namespace headwire::cli {

void BuildApp(CLI::App& app, int& exit_code) {
  app.set_version_flag("--version", std::string("headwire ") + HEADWIRE_VERSION);
  // Options belong wherever a user puts them: a subcommand passes the options it does not know
  // (--config, --log-level) to its parent. Subcommands inherit this when they are created.
  app.fallthrough();
  app.config_formatter(std::make_shared<TomlConfig>(app));
  app.set_config("--config", "",
                 "TOML config file: global options at the top, a [subcommand] table per "
                 "subcommand, librdkafka properties in [kafka] or [subcommand.kafka]")
      ->envname("HEADWIRE_CONFIG");
  app.add_option("--log-level", LogLevel(), "trace, debug, info, warn, error or off")
      ->envname("HEADWIRE_LOG_LEVEL")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--log-format", LogFormatName(), "Log lines as logfmt or json (one object a line)")
      ->envname("HEADWIRE_LOG_FORMAT")
      ->capture_default_str()
      ->check(CLI::IsMember({"logfmt", "json"}));
  app.require_subcommand(1);

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
  RegisterConfigCommand(app, exit_code);
  RegisterDlqCommand(app, exit_code);
}

int ParseAndRun(CLI::App& app, int argc, const char* const* argv, const int& exit_code) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ConfigError& e) {
    std::cerr << "headwire: error: " << app.get_config_ptr()->as<std::string>() << ": " << e.what()
              << "\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}

}  // namespace headwire::cli
