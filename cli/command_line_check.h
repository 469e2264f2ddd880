#pragma once
// Checks of a command line as a whole: what no single option's validator can see, such as
// options that only work together or one that must exceed another. A subcommand declares its
// check once, where it is created (AddCheckedSubcommand); the command runs it before it starts,
// and `config check -- <command line>` runs it on a dry run, so a file and flags the command
// would refuse are refused before a rollout too.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "common/status.h"

namespace headwire::cli {

// Returns InvalidArgument naming the options when `command`, as parsed, cannot run.
using CommandLineCheck = std::function<Status(const CLI::App& command)>;

// Adds subcommand `name` to `parent`, as CLI::App::add_subcommand does, carrying `check`.
CLI::App* AddCheckedSubcommand(CLI::App& parent, std::string name, std::string description,
                               CommandLineCheck check);

// Runs the checks of `app` and of every subcommand parsed below it, outermost first; the first
// error, or OK. The error says where each option it names came from when that was not the
// command line (the environment, or the configuration file's table and key), so that a value
// the user did not type is not blamed on a flag.
Status CheckCommandLine(const CLI::App& app);

}  // namespace headwire::cli
