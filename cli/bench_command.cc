// `headwire bench`: measures this build on this machine, in one process: the classifier and the
// offline dedup pipeline (no Kafka), then produce, a raw librdkafka passthrough with one flush at
// the end (the baseline, common/kafka_passthrough.h), process and sink on an in-process mock
// cluster, each with its wall time and rate, and process's rate as a ratio of the passthrough's
// measured in the same run. The input is the sample stream or --input, repeated as
// cli/bench_stream.h describes. No figure decides the exit code.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <thread>

#include "cli/bench_stream.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/in_process_pipeline.h"
#include "cli/log_event_clock.h"
#include "common/article_json.h"
#include "common/json_lines.h"
#include "common/kafka_passthrough.h"
#include "common/logging.h"
#include "common/mock_cluster.h"
#include "common/shutdown.h"
#include "core/pipeline.h"
#include "processors/article_processor.h"
#include "producers/jsonl_producer.h"
#include "sinks/sink_daemon.h"

namespace headwire::cli {
namespace {

struct BenchArgs {
  std::string input;  // empty: the built-in sample stream
  BenchStreamOptions stream;
  bool json = false;
  std::string state;  // empty: a temporary directory, removed afterwards
  ClassifierChoice classifier;
  std::optional<core::TopicClassifier> loaded;  // by the command-line check
};

// The topic the passthrough writes; created with the pipeline's topics.
constexpr char kPassthroughTopic[] = "headwire.bench.passthrough";

struct StageFigures {
  std::string name{};
  uint64_t records = 0;
  double seconds = 0;
  std::string baseline{};  // the stage this one's rate is a ratio of; empty for none
  double ratio = 0;
  common::Json details = common::Json::object();

  double rate() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The log lines a daemon's stage is timed between, as bench/run times it: from its partition's
// assignment (the group join left out) to its stop line, `stopped` (closing the clients left out).
void ListenForDaemon(LogEventClock& marks, const std::string& topic, const std::string& stopped) {
  marks.Listen({"msg=\"partition assigned\" topic=" + topic + " ", "msg=\"" + stopped + "\""});
}

// A daemon's stage timed by `marks` (ListenForDaemon), its wall time from `start` in the details.
// A line not logged is an error: a figure timed otherwise would not be comparable.
Result<StageFigures> DaemonStage(std::string name, uint64_t records,
                                 std::chrono::steady_clock::time_point start,
                                 const LogEventClock& marks, const std::string& stopped) {
  const auto end = std::chrono::steady_clock::now();
  const auto assigned_at = marks.first(0);
  const auto stopped_at = marks.first(1);
  if (!assigned_at || !stopped_at) {
    return Err(Status::Internal(name + ": its " +
                                (assigned_at ? "stop" : "\"partition assigned\"") +
                                " log line, which the stage is timed by, was not seen"));
  }
  StageFigures stage{.name = std::move(name),
                     .records = records,
                     .seconds = std::chrono::duration<double>(*stopped_at - *assigned_at).count()};
  stage.details = {{"wall_seconds", std::chrono::duration<double>(end - start).count()},
                   {"timed_from", "partition assigned"},
                   {"timed_to", stopped}};
  return stage;
}

Result<std::vector<std::string>> ReadBenchInput(const std::string& input) {
  auto opened = PipelineInput::Open(input);
  if (!opened) return Err(opened.error());
  std::vector<std::string> lines;
  const Status read = common::ForEachLine(opened->stream(), input.empty() ? "sample" : input,
                                          [&](uint64_t, const std::string& line) {
                                            lines.push_back(line);
                                            return Status::Ok();
                                          });
  if (!read.ok()) return Err(read);
  return lines;
}

// Parse, validate and classify every record, as `headwire classify` does without its output.
StageFigures ClassifyStage(const std::vector<std::string>& stream,
                           const core::TopicClassifier& classifier) {
  const core::ValidationOptions validation;
  uint64_t classified = 0, invalid = 0, topics = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& line : stream) {
    auto record = common::ParseArticleLine(line, validation);
    if (!record || core::Validate(record->article, validation)) {
      ++invalid;
      continue;
    }
    topics += classifier.Classify(record->article.title, record->article.body).topics.size();
    ++classified;
  }
  StageFigures stage{.name = "classify", .records = stream.size(), .seconds = SecondsSince(start)};
  stage.details = {{"classified", classified}, {"invalid", invalid}, {"topics_assigned", topics}};
  return stage;
}

// The offline dedup pipeline of `headwire dedup`, with its in-memory index.
StageFigures DedupStage(const std::vector<std::string>& stream) {
  core::PipelineOptions options;
  options.recent.background = BuiltInStoryBackground();
  core::InMemoryDedupIndex index;
  core::RecentArticles recent(options.recent);
  core::ArticlePipeline pipeline(options, nullptr, index, &recent);
  uint64_t unique = 0, duplicates = 0, invalid = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& line : stream) {
    auto record = common::ParseArticleLine(line, options.validation);
    if (!record) {
      ++invalid;
      continue;
    }
    auto verdict = pipeline.Process(record->article);
    if (!verdict) {
      ++invalid;
    } else if (verdict->dedup.duplicate_of.empty()) {
      ++unique;
    } else {
      ++duplicates;
    }
  }
  StageFigures stage{
      .name = "dedup+stories", .records = stream.size(), .seconds = SecondsSince(start)};
  stage.details = {{"unique", unique}, {"duplicates", duplicates}, {"invalid", invalid}};
  return stage;
}

// A Kafka stage that read fewer records than were written for it: the mock cluster keeps about
// 5 MiB per partition and drops the oldest records silently, so the figures would measure part
// of the input (all the processed records are on one partition, as the raw topic has one).
// A daemon a signal stopped read less for that reason: the run is cut short, not the input.
Status CheckNothingDropped(std::string_view stage, uint64_t read, uint64_t written) {
  if (read == written) return Status::Ok();
  if (common::ShutdownRequested()) {
    return Status::Aborted(std::string(stage) + " stopped by signal " +
                           std::to_string(common::ShutdownSignal()) + " after " +
                           std::to_string(read) + " of " + std::to_string(written) + " records");
  }
  return Status::Unavailable(std::string(stage) + " read " + std::to_string(read) + " of the " +
                             std::to_string(written) +
                             " records written for it: the in-process mock cluster keeps about "
                             "5 MiB per partition and dropped the oldest; measure with fewer "
                             "--records or smaller records");
}

// After a stage a signal arrived during: the run stops there (the stages before the daemons do
// not look at the signal themselves).
Status CheckNotStopped(std::string_view stage) {
  if (!common::ShutdownRequested()) return Status::Ok();
  return Status::Aborted(std::string(stage) + " stopped by signal " +
                         std::to_string(common::ShutdownSignal()));
}

// The produce, passthrough, process and sink stages on a mock cluster, state under `state`.
// `marks` times the daemons (DaemonStage).
Result<std::vector<StageFigures>> KafkaStages(const std::vector<std::string>& stream,
                                              const core::TopicClassifier& classifier,
                                              const std::filesystem::path& state,
                                              LogEventClock& marks) {
  auto cluster = StartPipelineCluster(classifier, {{.name = kPassthroughTopic}});
  if (!cluster) return Err(cluster.error());
  common::KafkaOptions kafka;
  kafka.bootstrap = (*cluster)->bootstrap();
  std::vector<StageFigures> stages;
  if (Status s = CheckNotStopped("the mock cluster's start"); !s.ok()) return Err(s);

  std::string joined;
  for (const std::string& line : stream) joined.append(line).push_back('\n');
  std::istringstream in(std::move(joined));
  producers::ProduceOptions produce;
  produce.kafka = kafka;
  std::ostringstream produce_errors;  // the input's invalid lines are counted, not listed
  auto start = std::chrono::steady_clock::now();
  auto produced = producers::ProduceJsonLines(in, "bench stream", produce, produce_errors);
  if (!produced) return Err(produced.error());
  stages.push_back(
      {.name = "produce", .records = produced->produced, .seconds = SecondsSince(start)});
  stages.back().details = {{"invalid", produced->invalid}};
  if (Status s = CheckNotStopped("produce"); !s.ok()) return Err(s);

  common::PassthroughOptions passthrough;
  passthrough.kafka = kafka;
  passthrough.input = produce.topic;
  passthrough.output = kPassthroughTopic;
  // The baseline: one flush at the end, the raw-librdkafka rate on these records with no wait
  // for delivery before the end (bench/run's "one_flush" passthrough).
  passthrough.batch = std::numeric_limits<int64_t>::max();
  auto copied = common::RunKafkaPassthrough(passthrough);
  if (!copied) return Err(copied.error());
  stages.push_back({.name = "passthrough", .records = copied->records, .seconds = copied->seconds});
  if (Status s = CheckNothingDropped("passthrough", copied->records, produced->produced); !s.ok()) {
    return Err(s);
  }
  const double passthrough_rate = stages.back().rate();

  if (Status s = CheckNotStopped("passthrough"); !s.ok()) return Err(s);
  processors::ProcessorOptions process = InProcessProcessorOptions(kafka, state);
  process.raw_topic = produce.topic;
  ListenForDaemon(marks, process.raw_topic, "processor stopped");
  start = std::chrono::steady_clock::now();
  auto processed = processors::RunProcessor(process, classifier);
  if (!processed) return Err(processed.error());
  auto timed_process =
      DaemonStage("process", processed->consumed, start, marks, "processor stopped");
  if (!timed_process) return Err(timed_process.error());
  StageFigures process_stage = std::move(*timed_process);
  process_stage.baseline = "passthrough";
  process_stage.ratio = passthrough_rate > 0 ? process_stage.rate() / passthrough_rate : 0;
  process_stage.details.update(common::Json{{"unique", processed->unique},
                                            {"duplicates", processed->duplicates},
                                            {"dead_lettered", processed->dead_lettered}});
  stages.push_back(std::move(process_stage));
  if (Status s = CheckNothingDropped("process", processed->consumed, produced->produced); !s.ok()) {
    return Err(s);
  }

  const sinks::SinkOptions sink = InProcessSinkOptions(kafka, state);
  ListenForDaemon(marks, sink.processed_topic, "sink stopped");
  start = std::chrono::steady_clock::now();
  auto sunk = sinks::RunSink(sink);
  if (!sunk) return Err(sunk.error());
  auto timed_sink = DaemonStage("sink", sunk->consumed, start, marks, "sink stopped");
  if (!timed_sink) return Err(timed_sink.error());
  stages.push_back(std::move(*timed_sink));
  // Every record the processor did not dead-letter is on the processed topic.
  if (Status s = CheckNothingDropped("sink", sunk->consumed,
                                     processed->consumed - processed->dead_lettered);
      !s.ok()) {
    return Err(s);
  }
  stages.back().details.update(common::Json{{"rejected", sunk->rejected}, {"late", sunk->late}});
  return stages;
}

void PrintTable(const std::vector<StageFigures>& stages, const std::string& input_name,
                uint64_t records) {
  std::cout << "headwire bench: " << records << " records from " << input_name << ", "
            << std::thread::hardware_concurrency() << " cores"
            << (std::string_view(HEADWIRE_BUILD_TYPE).empty()
                    ? std::string()
                    : std::string(", ") + HEADWIRE_BUILD_TYPE + " build")
            << "\n\n";
  std::cout << std::left << std::setw(15) << "stage" << std::right << std::setw(10) << "records"
            << std::setw(11) << "seconds" << std::setw(13) << "records/s" << std::setw(14)
            << "baseline" << std::setw(8) << "ratio"
            << "\n";
  for (const StageFigures& s : stages) {
    std::cout << std::left << std::setw(15) << s.name << std::right << std::setw(10) << s.records
              << std::setw(11) << std::fixed << std::setprecision(3) << s.seconds << std::setw(13)
              << std::setprecision(0) << s.rate() << std::setw(14)
              << (s.baseline.empty() ? "-" : s.baseline) << std::setw(8);
    if (s.baseline.empty()) {
      std::cout << "-";
    } else {
      std::cout << std::setprecision(2) << s.ratio;
    }
    std::cout << "\n";
  }
  std::cout << "\nprocess and sink are timed from their partition's assignment to their stop log "
               "line;\nthe passthrough is the baseline: raw librdkafka consume -> produce of the "
               "same records\nwith one flush at the end.\n";
}

void PrintJson(const std::vector<StageFigures>& stages, const std::string& input_name,
               uint64_t records) {
  common::Json out = {{"input", input_name},
                      {"records", records},
                      {"cores", std::thread::hardware_concurrency()},
                      {"build_type", HEADWIRE_BUILD_TYPE}};
  common::Json by_name = common::Json::object();
  for (const StageFigures& s : stages) {
    common::Json stage = {
        {"records", s.records}, {"seconds", s.seconds}, {"records_per_s", s.rate()}};
    if (!s.baseline.empty()) {
      stage["baseline"] = s.baseline;
      stage["ratio"] = s.ratio;
    }
    stage.update(s.details);
    by_name[s.name] = std::move(stage);
  }
  out["stages"] = std::move(by_name);
  std::cout << out.dump() << "\n";
}

// Runs the stages with `state` for the daemons' RocksDB state, which the caller owns.
Result<std::vector<StageFigures>> RunStages(const std::vector<std::string>& stream,
                                            const core::TopicClassifier& classifier,
                                            const std::filesystem::path& state) {
  std::vector<StageFigures> stages;
  stages.push_back(ClassifyStage(stream, classifier));
  if (Status s = CheckNotStopped("classify"); !s.ok()) return Err(s);
  stages.push_back(DedupStage(stream));
  if (Status s = CheckNotStopped("dedup+stories"); !s.ok()) return Err(s);
  LogEventClock marks;  // made before the cluster's threads log, which it outlives
  auto kafka = KafkaStages(stream, classifier, state, marks);
  if (!kafka) return Err(kafka.error());
  stages.insert(stages.end(), kafka->begin(), kafka->end());
  return stages;
}

Status RunBench(const BenchArgs& args) {
  namespace fs = std::filesystem;
  auto lines = ReadBenchInput(args.input);
  if (!lines) return lines.error();
  auto stream = BuildBenchStream(*lines, args.stream);
  if (!stream) return stream.error();

  // From here on a SIGINT, SIGTERM or SIGHUP ends the run after the stage it arrived in (the
  // daemons finish their batch, as in the demo), so that the temporary state is still removed.
  common::InstallShutdownHandlers();
  // A state of a previous run belongs to another cluster's offsets: it is replaced.
  fs::path state = args.state;
  std::error_code ec;
  if (state.empty()) {
    const fs::path temp = fs::temp_directory_path(ec);
    if (ec) return Status::IoError("no temporary directory: " + ec.message());
    std::string pattern = (temp / "headwire-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Status::IoError("cannot create a temporary directory " + pattern);
    }
    state = pattern;
  } else {
    if (Status s = ReplaceDaemonState(state); !s.ok()) return s;
  }

  auto stages = RunStages(*stream, *args.loaded, state);
  if (args.state.empty()) {
    fs::remove_all(state, ec);
    if (ec && stages) {
      return Status::IoError("cannot remove the temporary directory " + state.string() + ": " +
                             ec.message());
    }
  }
  if (!stages) return stages.error();

  const std::string input_name = args.input.empty() ? "the built-in sample" : args.input;
  if (args.json) {
    PrintJson(*stages, input_name, stream->size());
  } else {
    PrintTable(*stages, input_name, stream->size());
  }
  return Status::Ok();
}

}  // namespace

void RegisterBenchCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = AddCheckedSubcommand(
      app, "bench",
      "Measure this build on this machine: classify, dedup, and produce, a raw Kafka "
      "passthrough, process and sink on an in-process mock cluster, with ratios.",
      LoadClassifierCheck(args));
  cmd->add_option("--input", args->input,
                  "JSON Lines to repeat instead of the built-in sample stream");
  cmd->add_option(
         "-n,--records", args->stream.records,
         "Records to measure with; the mock cluster holds about 5 MiB a partition, some 18,000 of "
         "the sample's processed records, and a run past that is an error")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000}))
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of a table");
  cmd->add_option("-s,--state", args->state,
                  "Directory for the RocksDB state (its process/ and sink/ are replaced and "
                  "kept); default: a temporary directory, removed afterwards");
  AddClassifierOptions(*cmd, args->classifier);
  cmd->callback([cmd, args, &exit_code] {
    common::InitLogging("bench", LogLevel() == "info" ? "warn" : LogLevel());
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportCheckFailure("bench", checked);
      return;
    }
    const Status status = RunBench(*args);
    exit_code = status.ok() ? kExitOk : ReportError("bench", status);
    if (!status.ok() && common::ShutdownRequested()) {
      exit_code = kExitSignalBase + common::ShutdownSignal();
    }
  });
}

}  // namespace headwire::cli
