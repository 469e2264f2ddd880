#pragma once
// Registration of every subcommand of the `headwire` binary. Each Register function adds its
// subcommand to `app`; when the subcommand runs, it stores its exit code in `exit_code`.

#include <CLI/CLI.hpp>

namespace headwire::cli {

void RegisterBrokerCommand(CLI::App& app, int& exit_code);
void RegisterProduceCommand(CLI::App& app, int& exit_code);
void RegisterFeedCommand(CLI::App& app, int& exit_code);
void RegisterProcessCommand(CLI::App& app, int& exit_code);
void RegisterSinkCommand(CLI::App& app, int& exit_code);
void RegisterQueryCommand(CLI::App& app, int& exit_code);
void RegisterDigestCommand(CLI::App& app, int& exit_code);
void RegisterFilterCommands(CLI::App& app, int& exit_code);
void RegisterDemoCommand(CLI::App& app, int& exit_code);
void RegisterTrainCommand(CLI::App& app, int& exit_code);
void RegisterArchiveCommand(CLI::App& app, int& exit_code);
void RegisterReplayCommand(CLI::App& app, int& exit_code);

// The "eval" parent subcommand, created on first use; evaluations register under it.
CLI::App* AddEvalCommand(CLI::App& app);
void RegisterEvalClassifyCommand(CLI::App& eval, int& exit_code);

// Adds the `eval` parent subcommand and returns it; its children register under it.
CLI::App* AddEvalCommand(CLI::App& app);
void RegisterEvalDedupCommand(CLI::App& eval, int& exit_code);

}  // namespace headwire::cli
