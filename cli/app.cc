// The `headwire` command line: global options, the configuration file and every subcommand.

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/config_file.h"

namespace headwire::cli {
namespace {

constexpr const char* kConfigEnvironment = "HEADWIRE_CONFIG";

// Why `path`, named by HEADWIRE_CONFIG, cannot be the configuration file, or "". CLI11 passes
// over a default file it cannot read (a directory) without a word, and reading a FIFO waits for
// a writer.
std::string NotAConfigurationFile(const char* path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return "no such configuration file";
  if (!std::filesystem::is_regular_file(status)) return "not a regular file";
  return "";
}

}  // namespace

void BuildApp(CLI::App& app, int& exit_code) {
  app.set_version_flag("--version", std::string("headwire ") + HEADWIRE_VERSION);
  // Options belong wherever a user puts them: a subcommand passes the options it does not know
  // (--config, --log-level) to its parent. Subcommands inherit this when they are created.
  app.fallthrough();
  app.config_formatter(std::make_shared<TomlConfig>(app));
  // CLI11 reads the configuration file before it looks at the environment, so HEADWIRE_CONFIG
  // becomes the option's default: a --config on the command line still wins.
  const char* environment_file = std::getenv(kConfigEnvironment);
  app.set_config("--config", environment_file != nullptr ? environment_file : "",
                 "TOML config file: global options at the top, a [subcommand] table per "
                 "subcommand, librdkafka properties in [kafka] or [subcommand.kafka]")
      ->envname(kConfigEnvironment);
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
  RegisterBenchCommand(app, exit_code);
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
  // CLI11 passes over a default file that does not exist, but one the user named must exist,
  // unless the command line gives a file of its own (or asks only for help or the version).
  const auto given = [&](std::initializer_list<std::string_view> names) {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      for (const std::string_view name : names) {
        if (arg == name || (name.starts_with("--") && arg.starts_with(std::string(name) + "="))) {
          return true;
        }
      }
    }
    return false;
  };
  if (const char* file = std::getenv(kConfigEnvironment);
      file != nullptr && *file != '\0' && !given({"--config", "--help", "-h", "--version"})) {
    if (std::string why = NotAConfigurationFile(file); !why.empty()) {
      std::cerr << "headwire: error: " << kConfigEnvironment << "=" << file << ": " << why << "\n";
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ConfigError& e) {
    std::cerr << "headwire: error: " << app.get_config_ptr()->as<std::string>() << ": " << e.what()
              << "\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    // A value the environment gave is refused under its flag's name: say where it came from.
    if (std::string message = WithOptionSources(app, e.what()); message != e.what()) {
      return app.exit(CLI::ParseError(std::move(message), e.get_exit_code())) == 0 ? kExitOk
                                                                                   : kExitUsage;
    }
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  // Results that never reached their reader (a full disk, a closed file) are a failure, even
  // when the command itself succeeded.
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "headwire: error: writing the output failed\n";
    return kExitFailure;
  }
  return exit_code;
}

}  // namespace headwire::cli
