#pragma once
// Helpers shared by the subcommands: the option groups every daemon has, the classifier's
// taxonomy, and error reporting with a meaningful exit code.

#include <CLI/CLI.hpp>
#include <string>

#include "common/consume_loop.h"
#include "common/kafka_config.h"
#include "common/status.h"
#include "core/recent_articles.h"
#include "core/rules_classifier.h"

namespace headwire::cli {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // the command could not do its job
inline constexpr int kExitInvalidInput = 2;  // it did, but some input records were rejected

// Adds --bootstrap (env HEADWIRE_BOOTSTRAP) and -X/--kafka key=value (repeatable).
void AddKafkaOptions(CLI::App& command, common::KafkaOptions& kafka);

// Adds --exit-at-end, --max-batch and --linger-ms.
void AddLoopOptions(CLI::App& command, common::ConsumeLoopOptions& loop);

// Adds --taxonomy FILE (env HEADWIRE_TAXONOMY); empty means the compiled-in default.
void AddTaxonomyOption(CLI::App& command, std::string& path);

// Adds the near-duplicate and story options (--near-window-ms, --story-threshold, ...).
void AddStoryOptions(CLI::App& command, core::RecentArticlesOptions& options);

// Loads the taxonomy at `path`, or the compiled-in default when `path` is empty.
Result<core::RulesClassifier> LoadClassifier(const std::string& path);

// Prints "headwire <command>: error: <status>" on stderr and returns kExitFailure.
int ReportError(std::string_view command, const Status& status);

// Sets up structured logging for a stage from the global --log-level.
void StartLogging(std::string_view stage);

// How the user invoked the binary (argv[0]), for the commands the demo suggests.
std::string& ProgramPath();

// The global --log-level value (env HEADWIRE_LOG_LEVEL). Default: info.
std::string& LogLevel();

}  // namespace headwire::cli
