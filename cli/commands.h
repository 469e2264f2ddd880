#pragma once
// Registration of every subcommand of the `headwire` binary. Each Register function adds its
// subcommand to `app`; when the subcommand runs, it stores its exit code in `exit_code`.

#include <CLI/CLI.hpp>

namespace headwire::cli {

// Adds the global options, the configuration file and every subcommand to `app`.
void BuildApp(CLI::App& app, int& exit_code);

// Parses the command line and runs the chosen subcommand. Returns its exit code, or kExitUsage
// (after printing why) for a command line or configuration file that cannot be used; 0 after
// --help and --version.
int ParseAndRun(CLI::App& app, int argc, const char* const* argv, const int& exit_code);

void RegisterBrokerCommand(CLI::App& app, int& exit_code);
void RegisterProduceCommand(CLI::App& app, int& exit_code);
void RegisterFeedCommand(CLI::App& app, int& exit_code);
void RegisterProcessCommand(CLI::App& app, int& exit_code);
void RegisterSinkCommand(CLI::App& app, int& exit_code);
void RegisterQueryCommand(CLI::App& app, int& exit_code);
void RegisterDigestCommand(CLI::App& app, int& exit_code);
void RegisterFilterCommands(CLI::App& app, int& exit_code);
void RegisterDemoCommand(CLI::App& app, int& exit_code);
void RegisterBenchCommand(CLI::App& app, int& exit_code);
void RegisterTrainCommand(CLI::App& app, int& exit_code);
void RegisterArchiveCommand(CLI::App& app, int& exit_code);
void RegisterReplayCommand(CLI::App& app, int& exit_code);
void RegisterConfigCommand(CLI::App& app, int& exit_code);
void RegisterDlqCommand(CLI::App& app, int& exit_code);

// The "eval" parent subcommand, created on first use; evaluations register under it.
CLI::App* AddEvalCommand(CLI::App& app);
void RegisterEvalClassifyCommand(CLI::App& eval, int& exit_code);
void RegisterEvalDedupCommand(CLI::App& eval, int& exit_code);

}  // namespace headwire::cli
