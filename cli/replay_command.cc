// `headwire replay`: a historical stream (archive, file or topic) into the raw topic of a
// broker, or into a sink state in-process.

#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "cli/config_file.h"
#include "common/shutdown.h"
#include "common/time_format.h"
#include "producers/archive_source.h"
#include "producers/file_source.h"
#include "producers/replay.h"
#include "producers/topic_source.h"
#include "producers/topic_target.h"
#include "sinks/backfill_target.h"

namespace headwire::cli {
namespace {

struct ReplayArgs {
  std::string archive;
  std::string archive_topic;
  std::string file;
  std::string layout;
  std::string columns;
  std::optional<int64_t> ingest_time_ms;
  std::string topic;
  std::optional<int64_t> from_offset;
  std::string from_time;
  std::string to_time;
  std::string speed = "max";
  std::string into;
  std::string process_state;
  std::string progress_file;
  bool resume = false;
  common::KafkaOptions kafka;
  std::string target_topic = "headwire.articles.raw";
  std::string domain_key = producers::kDefaultDomainKey;
  ClassifierChoice classifier;
  processors::ArticleDeciderOptions decide;
  sinks::StoreOptions sink_store;
  SinkStateArgs sink_state;
  uint64_t commit_every = producers::ReplayOptions{}.commit_every;
  // The options given (command line or configuration file) that only one target reads, by
  // their longest name: a replay into a topic copies records and decides nothing, one --into
  // produces to no topic. Filled from the parsed command line before PlanReplay.
  std::vector<std::string> given_into_options;
  std::vector<std::string> given_topic_options;
};

// The long names of the options `command` has from index `first` on (those registered since).
std::vector<std::string> OptionNamesFrom(const CLI::App& command, size_t first) {
  std::vector<std::string> names;
  const auto options = command.get_options();
  for (size_t i = first; i < options.size(); ++i) names.push_back(options[i]->get_name());
  return names;
}

// Which options of `names` `command` was given.
std::vector<std::string> GivenOf(const CLI::App& command, const std::vector<std::string>& names) {
  std::vector<std::string> given;
  for (const auto& name : names) {
    if (command.count(name) > 0) given.push_back(name);
  }
  return given;
}

// The slowest pace: a minute of event time in about 17 hours. Slower, one gap between records
// could hold a replay for years (1e-300x waited forever after the first record).
constexpr double kMinSpeed = 0.001;

// "max" is 0 (no pacing); "60x" or "60" is 60 times real time.
Result<double> ParseSpeed(std::string_view text) {
  if (text == "max") return 0.0;
  if (!text.empty() && text.back() == 'x') text.remove_suffix(1);
  double speed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), speed);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(speed) ||
      speed < kMinSpeed) {
    return Err(Status::InvalidArgument(
        "--speed is \"max\" or a factor of real time from 0.001x, like 60x"));
  }
  return speed;
}

Result<std::unique_ptr<producers::ReplaySource>> OpenSource(const ReplayArgs& a,
                                                            const producers::TimeRange& range,
                                                            std::string& raw_topic) {
  if (!a.archive.empty()) {
    producers::ArchiveSourceOptions options;
    options.dir = a.archive;
    options.topic = a.archive_topic;
    options.range = range;
    auto source = producers::ArchiveSource::Open(options);
    if (!source) return Err(source.error());
    raw_topic = (*source)->topic();
    return std::unique_ptr<producers::ReplaySource>(std::move(*source));
  }
  if (!a.file.empty()) {
    producers::FileSourceOptions options;
    options.path = a.file;
    options.errors = &std::cerr;
    options.ingest_time_ms = a.ingest_time_ms;
    options.validation = a.decide.pipeline.validation;
    if (!a.layout.empty()) {
      auto layout = producers::NamedLayout(a.layout);
      if (!layout) return Err(layout.error());
      options.mapping = *layout;
    }
    if (!a.columns.empty()) {
      auto mapping = producers::ParseColumnMapping(a.columns, options.mapping);
      if (!mapping) return Err(mapping.error());
      options.mapping = *mapping;
    }
    auto source = producers::FileSource::Open(options);
    if (!source) return Err(source.error());
    return std::unique_ptr<producers::ReplaySource>(std::move(*source));
  }
  raw_topic = a.topic;
  auto source = producers::TopicSource::Open({.kafka = a.kafka,
                                              .topic = a.topic,
                                              .from_offset = a.from_offset,
                                              .from_time_ms = range.from_ms});
  if (!source) return Err(source.error());
  return std::unique_ptr<producers::ReplaySource>(std::move(*source));
}

// What the command line asks for, once checked.
struct ReplayPlan {
  producers::TimeRange range;
  double speed = 0;
  // With --into, the classifier its decisions use: loaded with the plan so that a model and
  // taxonomy that cannot work together are a usage error, as for classify and process.
  std::optional<core::TopicClassifier> classifier;
};

// Checks the command line, and loads the classifier of --into, before anything else is opened:
// InvalidArgument when the command line cannot be used, another error when a classifier file
// cannot be read.
Result<ReplayPlan> PlanReplay(const ReplayArgs& a) {
  ReplayPlan plan;
  const int sources = !a.archive.empty() + !a.file.empty() + !a.topic.empty();
  if (sources != 1) {
    return Err(Status::InvalidArgument("give exactly one of --archive, --file and --topic"));
  }
  // An option of another source or target would otherwise be ignored, and the replay would run
  // on something other than what was asked (all of a file instead of its tail, say).
  if (a.from_offset && a.topic.empty()) {
    return Err(Status::InvalidArgument(
        "--from-offset goes with --topic (for an archive or a file, use --from-time)"));
  }
  if (!a.archive_topic.empty() && a.archive.empty()) {
    return Err(Status::InvalidArgument("--archive-topic goes with --archive"));
  }
  if ((!a.layout.empty() || !a.columns.empty()) && a.file.empty()) {
    return Err(Status::InvalidArgument("--layout and --columns go with --file"));
  }
  producers::ColumnMapping mapping;
  if (!a.layout.empty()) {
    auto layout = producers::NamedLayout(a.layout);
    if (!layout) return Err(layout.error());
    mapping = *layout;
  }
  if (!a.columns.empty()) {
    if (auto columns = producers::ParseColumnMapping(a.columns, mapping); !columns) {
      return Err(columns.error());
    }
  }
  if (!a.into.empty() && !a.progress_file.empty()) {
    return Err(Status::InvalidArgument(
        "--progress-file goes with a replay into a topic (with --into the position is kept in "
        "the processor state)"));
  }
  if (!a.process_state.empty() && a.into.empty()) {
    return Err(Status::InvalidArgument("--process-state goes with --into"));
  }
  if (!a.into.empty() && !a.given_topic_options.empty()) {
    return Err(Status::InvalidArgument(a.given_topic_options.front() +
                                       " goes with a replay into a topic (--bootstrap without "
                                       "--into)"));
  }
  if (a.into.empty() && !a.given_into_options.empty()) {
    return Err(Status::InvalidArgument(
        a.given_into_options.front() +
        " goes with --into (a replay into a topic copies records and decides nothing)"));
  }
  if (a.ingest_time_ms && a.file.empty()) {
    return Err(Status::InvalidArgument(
        "--ingest-time goes with --file (archived and topic records have their times)"));
  }
  if (Status s = CheckIngestTimeAccepted(a.ingest_time_ms, a.decide.pipeline.validation); !s.ok()) {
    return Err(s);
  }
  if (!a.topic.empty() && a.kafka.bootstrap.empty()) {
    return Err(Status::InvalidArgument("--topic needs --bootstrap"));
  }
  if (!a.topic.empty() && a.into.empty()) {
    if (Status s = CheckNotInputTopic("--target-topic", a.target_topic, "--topic", a.topic);
        !s.ok()) {
      return Err(s);
    }
  }
  if (a.into.empty() && a.kafka.bootstrap.empty()) {
    return Err(Status::InvalidArgument("give --bootstrap (replay into a topic) or --into DIR"));
  }
  if (a.into.empty() && a.resume && a.progress_file.empty()) {
    return Err(
        Status::InvalidArgument("--resume into a topic needs the --progress-file of the run"));
  }
  if (!a.from_time.empty()) {
    auto from = producers::ParseTimeBound(a.from_time);
    if (!from) return Err(from.error().WithContext("--from-time"));
    plan.range.from_ms = *from;
  }
  if (!a.to_time.empty()) {
    auto to = producers::ParseTimeBound(a.to_time);
    if (!to) return Err(to.error().WithContext("--to-time"));
    plan.range.to_ms = *to;
  }
  if (plan.range.from_ms && plan.range.to_ms && *plan.range.from_ms >= *plan.range.to_ms) {
    return Err(
        Status::InvalidArgument("--from-time must be before --to-time (the range is empty)"));
  }
  if (Status s = CheckSinkStateArgs(a.sink_state, "sink-"); !s.ok()) return Err(s);
  auto speed = ParseSpeed(a.speed);
  if (!speed) return Err(speed.error());
  plan.speed = *speed;
  if (!a.into.empty()) {
    auto classifier = LoadClassifier(a.classifier);
    if (!classifier) return Err(classifier.error());
    plan.classifier.emplace(std::move(*classifier));
  }
  return plan;
}

// The replay's name, kept with its progress so that only the same replay resumes it: the source
// (an archive or file by absolute path, with the archived topic or the file's layout, columns
// and --ingest-time; a topic with its first offset) and the time range.
// The pace and the target's options are not in it: a replay may resume at another --speed.
std::string ReplayName(const ReplayArgs& a, const producers::TimeRange& range) {
  std::error_code ec;
  const auto absolute = [&ec](const std::string& path) {
    const auto full = std::filesystem::absolute(path, ec);
    return ec ? path : full.lexically_normal().string();
  };
  std::string name;
  if (!a.archive.empty()) {
    name = "archive " + absolute(a.archive);
    if (!a.archive_topic.empty()) name += " topic " + a.archive_topic;
  } else if (!a.file.empty()) {
    name = "file " + absolute(a.file);
    if (!a.layout.empty()) name += " layout " + a.layout;
    if (!a.columns.empty()) name += " columns " + a.columns;
    if (a.ingest_time_ms) name += " ingest-time " + common::FormatRfc3339(*a.ingest_time_ms);
  } else {
    // Not the bootstrap servers: one cluster has many spellings of them.
    name = "topic " + a.topic;
    if (a.from_offset) name += " from-offset " + std::to_string(*a.from_offset);
  }
  if (range.from_ms) name += " from " + common::FormatRfc3339(*range.from_ms);
  if (range.to_ms) name += " to " + common::FormatRfc3339(*range.to_ms);
  return name;
}

// Returns the exit code, or the error that stopped the replay.
Result<int> RunReplayCommand(const ReplayArgs& a, const ReplayPlan& plan) {
  const producers::TimeRange& range = plan.range;
  std::string raw_topic = a.target_topic;
  auto source = OpenSource(a, range, raw_topic);
  if (!source) return Err(source.error());

  std::unique_ptr<common::ReplayTarget> target;
  if (!a.into.empty()) {
    sinks::BackfillOptions options;
    options.sink_state = a.into;
    options.process_state = a.process_state.empty() ? a.into + ".process" : a.process_state;
    options.raw_topic = raw_topic;
    options.decide = a.decide;
    options.store = a.sink_store;
    options.replay = ReplayName(a, range);
    ApplySinkStateArgs(a.sink_state, options.store);
    auto created = sinks::BackfillTarget::Create(options, *plan.classifier);
    if (!created) return Err(created.error());
    target = std::move(*created);
  } else {
    // An archive or a topic keeps each record on the partition (the dedup domain) it had, as
    // long as no --domain-key asks to spread it again; a file's records have none.
    const bool respread =
        !a.file.empty() ||
        std::ranges::find(a.given_topic_options, "--domain-key") != a.given_topic_options.end();
    auto created =
        producers::TopicTarget::Create({.kafka = a.kafka,
                                        .topic = a.target_topic,
                                        .partition = respread ? producers::TargetPartition::kDomain
                                                              : producers::TargetPartition::kSource,
                                        .domain_key = a.domain_key,
                                        .progress_file = a.progress_file,
                                        .replay = ReplayName(a, range)});
    if (!created) return Err(created.error());
    target = std::move(*created);
  }
  if (!a.resume && !target->StoredPositions().empty()) {
    // The command line, not the target, is what to change: a usage error.
    return ReportUsageError(
        "replay", Status::InvalidArgument(
                      "the target already holds a replay's progress: add --resume to continue "
                      "it, or start with a fresh --into directory / --progress-file"));
  }
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  producers::ReplayProgress progress(
      {.terminal = terminal,
       .interval = terminal ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000)},
      std::cerr);
  auto report = producers::RunReplay(
      **source, *target, {.range = range, .speed = plan.speed, .commit_every = a.commit_every},
      producers::SteadyPacerClock(), progress);
  if (!report) return Err(report.error());
  const auto& t = report->totals;
  // Into a topic, only a progress file keeps what was delivered: without one, running it again
  // sends those records a second time.
  const bool resumable = !a.into.empty() || !a.progress_file.empty();
  const char* interrupted = resumable ? "; interrupted, continue with --resume"
                                      : "; interrupted, and without --progress-file it cannot be "
                                        "resumed: the records delivered are in the topic";
  // Shown only when there are some: a source in offset order has none.
  const std::string out_of_order =
      t.out_of_order > 0 ? fmt::format(", {} out of offset order (skipped)", t.out_of_order) : "";
  ReportSummary("replay", fmt::format("{} delivered, {} outside the time range, {} duplicates, "
                                      "{} dead letters, {} invalid{}{}",
                                      t.counts.delivered, t.filtered, t.counts.duplicates,
                                      t.counts.dead_letters, t.invalid, out_of_order,
                                      report->complete ? "" : interrupted));
  if (!report->complete) return kExitSignalBase + common::ShutdownSignal();
  return t.invalid > 0 || t.out_of_order > 0 ? kExitInvalidInput : kExitOk;
}

}  // namespace

void RegisterReplayCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ReplayArgs>();
  // Set once every option is registered: notes in `a` which target-specific options were given.
  auto note_given = std::make_shared<std::function<void(const CLI::App&)>>();
  CLI::App* cmd = AddCheckedSubcommand(
      app, "replay",
      "Replay a historical stream (--archive DIR, --file F, or --topic T) into the raw topic of "
      "--bootstrap, or with --into DIR through the processor's and sink's code in-process into a "
      "sink state; filtered by event time, paced with --speed, resumable with --resume. Exit code "
      "2 when some file records were invalid (each reported as FILE:RECORD: reason) or some "
      "records came out of offset order (skipped, counted and warned of); 130, 143 or "
      "129 when SIGINT, SIGTERM or SIGHUP stopped it before the end (continue with --resume; "
      "into a topic only with --progress-file).",
      [a, note_given](const CLI::App& command) {
        (*note_given)(command);
        auto plan = PlanReplay(*a);
        return plan ? Status::Ok() : plan.error();
      });
  cmd->add_option("--archive", a->archive, "Archive directory written by `headwire archive`");
  cmd->add_option("--archive-topic", a->archive_topic,
                  "The archived topic to replay (needed when the archive holds several)")
      ->check(KafkaTopicName());
  cmd->add_option("--file", a->file, "JSON Lines or CSV file (.jsonl, .csv; plain, .gz or .zst)");
  cmd->add_option("--layout", a->layout, "Ready column mapping of --file: uci or ag-news");
  cmd->add_option("--columns", a->columns,
                  "Column mapping of --file: field=COLUMN,... (fields id, title, body, url, "
                  "source, language, published_at; COLUMN a header name or a 1-based number)");
  AddIngestTimeOption(*cmd, a->ingest_time_ms);
  AddMinEventTimeOption(*cmd, a->decide.pipeline.validation);
  cmd->add_option("--topic", a->topic, "Kafka topic to replay from (with --bootstrap)")
      ->check(KafkaTopicName());
  cmd->add_option("--from-offset", a->from_offset,
                  "With --topic: first offset of every partition (default: --from-time, else the "
                  "start)")
      ->check(IntegerAtLeast(0));
  cmd->add_option("--from-time", a->from_time,
                  "First event time replayed, inclusive (RFC 3339 or epoch ms)");
  cmd->add_option("--to-time", a->to_time, "Event time where the replay ends, exclusive");
  cmd->add_option("--speed", a->speed, "max, or a factor of real time such as 60x")
      ->capture_default_str();
  cmd->add_option("--into", a->into,
                  "Build this sink state in-process instead of producing to Kafka");
  cmd->add_option("--process-state", a->process_state,
                  "With --into: the processor's state directory (default: <into>.process)");
  const size_t into_options_start = cmd->get_options().size();
  AddMebibyteOption(
      *cmd, "--memory-budget-mib", a->decide.state_memory_bytes,
      "With --into: RocksDB memory of the processor's state, as process --memory-budget-mib", 8);
  AddMebibyteOption(*cmd, "--sink-memory-budget-mib", a->sink_store.memory_budget_bytes,
                    "With --into: RocksDB memory of the sink state, as sink --memory-budget-mib",
                    8);
  // The sink's event-time rules decide what its state holds (late, far-ahead and expired
  // records), so a backfill meant to match a sink takes the options that sink was run with.
  AddSinkStateOptions(*cmd, "sink-", a->sink_state, a->sink_store);
  auto into_options =
      std::make_shared<std::vector<std::string>>(OptionNamesFrom(*cmd, into_options_start));
  cmd->add_option("--progress-file", a->progress_file,
                  "Into a topic: where positions are kept for --resume");
  cmd->add_flag("--resume", a->resume, "Continue an interrupted replay after its last commit");
  cmd->add_option("-b,--bootstrap", a->kafka.bootstrap, "Kafka bootstrap servers")
      ->envname("HEADWIRE_BOOTSTRAP");
  AddKafkaPropertiesOption(*cmd, a->kafka.properties);
  AddConnectTimeoutOption(*cmd, a->kafka);
  const size_t topic_options_start = cmd->get_options().size();
  cmd->add_option("--domain-key", a->domain_key,
                  "Into a topic: article field whose value is the dedup domain, articles with "
                  "one value going to one partition of the target topic (default for a --file; "
                  "an --archive or a --topic keeps each record's partition unless it is given)")
      ->capture_default_str()
      ->check(DomainKeyField());
  cmd->add_option("-t,--target-topic", a->target_topic, "Topic replayed into")
      ->capture_default_str()
      ->check(KafkaTopicName());
  const auto topic_options =
      std::make_shared<std::vector<std::string>>(OptionNamesFrom(*cmd, topic_options_start));
  cmd->add_option("--commit-every", a->commit_every, "Records per commit")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  const size_t decide_options_start = cmd->get_options().size();
  AddClassifierOptions(*cmd, a->classifier);
  AddExactDedupOptions(*cmd, a->decide.pipeline.dedup);
  AddStoryOptions(*cmd, a->decide.pipeline.recent);
  const auto decide_options = OptionNamesFrom(*cmd, decide_options_start);
  into_options->insert(into_options->end(), decide_options.begin(), decide_options.end());
  *note_given = [a, into_options, topic_options](const CLI::App& command) {
    a->given_into_options = GivenOf(command, *into_options);
    a->given_topic_options = GivenOf(command, *topic_options);
  };
  cmd->callback([a, cmd, note_given, &exit_code] {
    (*note_given)(*cmd);
    common::InstallShutdownHandlers();
    StartLogging("replay");
    auto plan = PlanReplay(*a);
    if (!plan) {
      exit_code = ReportCheckFailure(
          "replay", {plan.error().code(), WithOptionSources(*cmd, plan.error().message())});
      return;
    }
    auto code = RunReplayCommand(*a, *plan);
    exit_code = code ? *code : ReportError("replay", code.error());
  });
}

}  // namespace headwire::cli
