#pragma once
// Helpers shared by the subcommands: the option groups every daemon has, the classifier's
// taxonomy, and error reporting with a meaningful exit code.

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/command_line_check.h"
#include "common/consumer_daemon.h"
#include "common/daemon_context.h"
#include "common/kafka_config.h"
#include "common/status.h"
#include "core/exact_dedup.h"
#include "core/recent_articles.h"
#include "core/topic_classifier.h"
#include "core/validation.h"
#include "sinks/article_store.h"

namespace headwire::cli {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // the command could not do its job
inline constexpr int kExitInvalidInput = 2;  // it did, but some input records were rejected
inline constexpr int kExitUsage = 2;  // the command line or the configuration file is not valid
// A command that SIGINT, SIGTERM or SIGHUP stopped before its end exits with kExitSignalBase + the
// signal (130, 143, 129), as a shell reports a process the signal ended.
inline constexpr int kExitSignalBase = 128;

// Adds -X/--kafka [consumer.|producer.]key=value (repeatable): librdkafka properties, applied
// last (common/kafka_config.h).
void AddKafkaPropertiesOption(CLI::App& command, std::vector<std::string>& properties);

// Adds --connect-timeout-s: how long `kafka`'s clients may find no bootstrap server before the
// command gives up (a daemon without --exit-at-end keeps retrying).
void AddConnectTimeoutOption(CLI::App& command, common::KafkaOptions& kafka);

// Adds --bootstrap (env HEADWIRE_BOOTSTRAP), -X/--kafka (AddKafkaPropertiesOption) and
// --connect-timeout-s (AddConnectTimeoutOption).
void AddKafkaOptions(CLI::App& command, common::KafkaOptions& kafka);

// Adds the daemon runtime's options: --bootstrap, -X and --connect-timeout-s (AddKafkaOptions),
// -g/--group, --exit-at-end, --max-batch, --linger-ms, --ready-max-lag and --admin.
void AddDaemonOptions(CLI::App& command, common::ConsumerDaemonOptions& consumer,
                      common::DaemonOptions& daemon);

// Adds --taxonomy FILE (env HEADWIRE_TAXONOMY); empty means the compiled-in default, "none" no
// rules layer.
void AddTaxonomyOption(CLI::App& command, std::string& path);

// Adds the near-duplicate and story options (--near-window-ms, --story-threshold, ...). When the
// subcommand runs, options.background is the built-in background corpus unless
// --story-background names another (or none).
void AddStoryOptions(CLI::App& command, core::RecentArticlesOptions& options);

// The story window's background corpus compiled into the binary (data/background/headlines.txt),
// read on the first call.
std::shared_ptr<const core::BackgroundFrequencies> BuiltInStoryBackground();

// The background corpus at `path`: empty = the built-in one, "none" = none (null).
Result<std::shared_ptr<const core::BackgroundFrequencies>> LoadStoryBackground(
    const std::string& path);

// An address to listen on, as common::ParseHttpAddress reads it (HOST:PORT or PORT).
CLI::Validator HttpListenAddress();

// A text field of an article that can be the dedup domain key (producers/domain_partitioner.h).
CLI::Validator DomainKeyField();

// An event-time duration option in units of `unit_ms` (1: milliseconds), from `min` to 200 years.
CLI::Validator EventDuration(int64_t min, int64_t unit_ms = 1);

// A whole number of at least `min`, for an integer option without an upper bound of its own (a
// count). CLI::PositiveNumber and CLI::NonNegativeNumber compare as doubles and name the largest
// double, 309 digits, as the upper bound in their message; this one says "must be at least". It
// is at most 2^63-1, the largest integer of a configuration file (TOML), so that `config print`
// writes every accepted value as an integer that `--config` reads back.
CLI::Validator IntegerAtLeast(int64_t min);

// A whole number from `min` to `max`, named so in its messages.
CLI::Validator IntegerRange(int64_t min, int64_t max);

// A topic name Kafka can create: 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-', neither
// "." nor "..". A name it cannot have would leave a daemon waiting for its input topic, or a
// producer failing every record, without end. With `empty_ok`, also "" (an optional topic, which
// an empty value turns off).
CLI::Validator KafkaTopicName(bool empty_ok = false);

// The prefix of topic names (process --topic-prefix): the characters a topic name may have, and
// short enough to leave room for the topic after it; may be empty.
CLI::Validator KafkaTopicPrefix();

// InvalidArgument when `output`, a topic the command writes to (named by `output_flag`), is
// `input`, the topic it consumes (`input_flag`): each record it wrote would come back to it, and
// a dead letter be dead-lettered again, without end.
Status CheckNotInputTopic(std::string_view output_flag, std::string_view output,
                          std::string_view input_flag, std::string_view input);

// CLI::Range for a floating-point option that also refuses NaN and infinities: NaN compares false
// with both bounds, so CLI::Range lets it through.
CLI::Validator FiniteRange(double min, double max);

// A memory budget given in MiB on the command line and kept in bytes in an options struct, whose
// value is the default shown; at least `min_mib` (0 allows "no budget").
CLI::Option* AddMebibyteOption(CLI::App& command, const std::string& name, size_t& bytes,
                               const std::string& help, size_t min_mib);

// Adds --ingest-time: an RFC 3339 time stamped as ingestion time instead of the clock, and so the
// event time of records without one, which makes runs over such records reproducible.
void AddIngestTimeOption(CLI::App& command, std::optional<int64_t>& ingest_time_ms);

// InvalidArgument when the --ingest-time `ingest_time_ms` lies outside the event times
// `validation` accepts: every record without published_at takes it as its event time, so each
// would be dead-lettered downstream. OK without one.
Status CheckIngestTimeAccepted(const std::optional<int64_t>& ingest_time_ms,
                               const core::ValidationOptions& validation);

// Adds --min-event-time: the earliest event time `validation` accepts, RFC 3339 or epoch ms
// (default 1990-01-01, which catches epoch seconds written as milliseconds); lowered, older
// streams such as Reuters-21578 (1987) can be produced, replayed and processed.
void AddMinEventTimeOption(CLI::App& command, core::ValidationOptions& validation);

// The event-time rules of a sink state, in the whole units `sink` takes them in. `replay --into`
// takes the same options with a "sink-" prefix, so that it can build the state a sink run with
// them builds.
struct SinkStateArgs {
  int64_t out_of_order_s = 600;
  int64_t grace_s = 3600;
  int64_t retention_h = 168;
  int64_t close_after_h = 6;
};

// Adds --<prefix>max-out-of-order-s, --<prefix>grace-s, --<prefix>max-ahead-ms and
// --<prefix>max-story-sources (straight into `store`), --<prefix>retention-h and
// --<prefix>close-after-h.
void AddSinkStateOptions(CLI::App& command, const std::string& prefix, SinkStateArgs& args,
                         sinks::StoreOptions& store);

// Returns InvalidArgument when the retention does not exceed the grace period plus the
// out-of-orderness (a record may arrive that long after its window closed), naming the options
// with `prefix`.
Status CheckSinkStateArgs(const SinkStateArgs& args, const std::string& prefix);

// Sets the watermark, retention and story rules of `store` from checked `args`.
void ApplySinkStateArgs(const SinkStateArgs& args, sinks::StoreOptions& store);

// Adds the exact-dedup windows (--url-window-ms, --content-window-ms, --forget-after-ms).
void AddExactDedupOptions(CLI::App& command, core::ExactDedupOptions& options);

// The taxonomy at `path` (empty = compiled-in default). Returns the file's or parser's error.
Result<core::Taxonomy> LoadTaxonomy(const std::string& path);

// The rules classifier of the taxonomy at `path` (as LoadTaxonomy).
Result<core::RulesClassifier> LoadRules(const std::string& path);

// Adds --force-factor X: the rules force a topic at X times its threshold (0: never).
void AddForceFactorOption(CLI::App& command, core::TopicClassifierOptions& options);

// What a command's topic classifier is made of, as AddClassifierOptions fills it.
struct ClassifierChoice {
  std::string taxonomy;  // --taxonomy: empty = the compiled-in default, "none" = no rules
  std::string model;     // --model: empty = the compiled-in default, "none" = the rules alone
  core::TopicClassifierOptions options;  // --force-factor
  // --topic-threshold TOPIC=P: the model assigns TOPIC from probability P on, instead of the
  // threshold calibrated into its file (raise it for a more precise desk, lower it for more
  // recall). Default: none.
  std::vector<std::string> thresholds;
};

// Adds --taxonomy, --model (env HEADWIRE_MODEL), --force-factor and --topic-threshold.
void AddClassifierOptions(CLI::App& command, ClassifierChoice& choice);

// The classifier `choice` describes. Returns the files' or parsers' errors, and InvalidArgument
// when both are "none", when the model has a label the taxonomy lacks (the classifier could
// never report it), or for a --topic-threshold whose topic the model (one-vs-rest) does not
// have or that names a topic twice (AddClassifierOptions has checked that P is within (0, 1]).
// Neither the thresholds nor the force factor are part of the classifier's Describe(): give
// replay the values the live processor had.
Result<core::TopicClassifier> LoadClassifier(const ClassifierChoice& choice);

// The command-line check of a command that classifies: loads the classifier of
// `args->classifier` into `args->loaded` for the run, so that its refusals (a model label the
// taxonomy lacks, a --topic-threshold the model cannot take) are usage errors and `config
// check` finds them.
template <typename Args>
CommandLineCheck LoadClassifierCheck(std::shared_ptr<Args> args) {
  return [args](const CLI::App&) {
    auto classifier = LoadClassifier(args->classifier);
    if (!classifier) return classifier.error();
    args->loaded.emplace(std::move(*classifier));
    return Status::Ok();
  };
}

// Parses "TOPIC=VALUE" where TOPIC is a label of `model`: the label's index and the value.
// InvalidArgument, naming `flag` and calling the value `value_name`, when it is not.
Result<std::pair<size_t, double>> ParseTopicValue(const core::LinearModel& model,
                                                  std::string_view spec, std::string_view flag,
                                                  std::string_view value_name);

// Prints "headwire <command>: error: <status>" on stderr and returns kExitFailure. Once
// StartLogging set up --log-format json, the line is a JSON event instead (msg "error", the status
// under "error"), so that stderr stays JSON Lines for a log shipper.
int ReportError(std::string_view command, const Status& status);

// Prints a command's closing summary, "headwire <command>: <text>", on stderr; with
// --log-format json (once StartLogging ran) a JSON event with msg "summary" and `text`.
void ReportSummary(std::string_view command, std::string_view text);

// The same for a command line that cannot be used (a required option missing, two that exclude
// each other): returns kExitUsage.
int ReportUsageError(std::string_view command, const Status& status);

// A failed check of a command line before its run: InvalidArgument (options that cannot work
// together, a model label the taxonomy lacks) as ReportUsageError, anything else (a file that
// cannot be read or parsed) as ReportError, a failure of the run.
int ReportCheckFailure(std::string_view command, const Status& status);

// Sets up structured logging for a stage from the global --log-level and --log-format.
void StartLogging(std::string_view stage);

// How the user invoked the binary (argv[0]), for the commands the demo suggests.
std::string& ProgramPath();

// The global --log-level value (env HEADWIRE_LOG_LEVEL). Default: info.
std::string& LogLevel();

// The global --log-format value, logfmt or json (env HEADWIRE_LOG_FORMAT). Default: logfmt.
std::string& LogFormatName();

}  // namespace headwire::cli
