// `headwire demo`: every stage in one process against an in-process mock cluster, fed by the
// sample stream, then a summary of what the pipeline decided.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/embedded_data.h"
#include "common/json_lines.h"
#include "common/logging.h"
#include "common/mock_cluster.h"
#include "common/shutdown.h"
#include "common/time_format.h"
#include "processors/article_processor.h"
#include "producers/jsonl_producer.h"
#include "sinks/article_store.h"
#include "sinks/sink_daemon.h"

namespace headwire::cli {
namespace {

struct DemoArgs {
  std::string state = "headwire-demo";
  std::string input;  // empty: the built-in sample stream
  ClassifierChoice classifier;
  size_t latest = 3;
  std::optional<core::TopicClassifier> loaded;  // by the command-line check
};

Status RunDemo(const DemoArgs& args) {
  namespace fs = std::filesystem;
  const core::TopicClassifier& classifier = *args.loaded;

  std::cout << "headwire demo: starting an in-process Kafka mock cluster...\n";
  std::vector<std::string> streams;
  for (const auto& topic : classifier.topics()) {
    streams.push_back(processors::ArticleDeciderOptions{}.topic_prefix + topic);
  }
  auto cluster = common::MockCluster::Start({.topics = common::PipelineTopics(streams)});
  if (!cluster) return cluster.error();
  common::KafkaOptions kafka;
  kafka.bootstrap = (*cluster)->bootstrap();
  std::cout << "  bootstrap.servers = " << kafka.bootstrap << "\n";

  // The state belongs to this cluster's offsets: a previous demo's state would resume at
  // offsets that mean nothing here.
  const fs::path process_state = fs::path(args.state) / "process";
  const fs::path sink_state = fs::path(args.state) / "sink";
  std::error_code ec;
  fs::remove_all(process_state, ec);
  fs::remove_all(sink_state, ec);

  std::optional<common::CommandLineInput> file;
  std::istringstream sample{std::string(kSampleHeadlines)};
  std::istream* in = &sample;
  std::string input_name = "built-in sample (data/sample/headlines.jsonl)";
  if (!args.input.empty()) {
    auto opened = common::CommandLineInput::Open(args.input);
    if (!opened) return opened.error();
    file = std::move(*opened);
    in = &file->stream();
    input_name = args.input;
  }
  producers::ProduceOptions produce;
  produce.kafka = kafka;
  std::ostringstream produce_errors;
  auto produced = producers::ProduceJsonLines(*in, input_name, produce, produce_errors);
  if (!produced) return produced.error();
  std::cout << "1. produce: " << produced->produced << " articles from " << input_name << " ("
            << produced->invalid << " invalid lines)\n"
            << produce_errors.str();

  // From here on the daemons finish their batch on SIGINT, SIGTERM or SIGHUP; while producing
  // there is no batch to finish, and an input that never ends must not outlive the signal.
  common::InstallShutdownHandlers();
  processors::ProcessorOptions process;
  process.consumer.kafka = kafka;
  process.state_dir = process_state.string();
  process.consumer.loop.exit_at_end = true;
  process.decide.pipeline.recent.background = BuiltInStoryBackground();
  auto processed = processors::RunProcessor(process, classifier);
  if (!processed) return processed.error();
  std::cout << "2. process: " << processed->consumed << " consumed, " << processed->unique
            << " unique, " << processed->duplicates
            << " duplicates (exact and near) dropped from the topic "
            << "streams, " << processed->dead_lettered << " dead-lettered\n";

  sinks::SinkOptions sink;
  sink.consumer.kafka = kafka;
  sink.state_dir = sink_state.string();
  sink.consumer.loop.exit_at_end = true;
  auto sunk = sinks::RunSink(sink);
  if (!sunk) return sunk.error();
  std::cout << "3. sink: " << sunk->consumed << " records applied to RocksDB at "
            << sink_state.string() << "\n\n";

  auto store = sinks::ArticleStore::Open(sink_state.string(), /*for_queries=*/false);
  if (!store) return store.error();
  std::vector<std::string> topics = classifier.topics();
  topics.push_back(sinks::kOtherTopic);
  auto per_topic = (*store)->TopicCounts();
  if (!per_topic) return per_topic.error();
  for (const auto& topic : topics) {
    const auto it = per_topic->find(topic);
    std::cout << "== " << topic << ": " << (it == per_topic->end() ? 0 : it->second)
              << " unique articles";
    if (topic != sinks::kOtherTopic) {
      std::cout << " (stream headwire.topic." << topic << ": " << processed->per_topic[topic]
                << " messages)";
    }
    std::cout << "\n";
    auto latest = (*store)->Latest(topic, args.latest);
    if (!latest) return latest.error();
    for (const auto& a : *latest) {
      std::cout << "   " << common::FormatRfc3339(a.article().published_at_ms()) << "  "
                << a.article().title() << "  [" << a.article().source() << "]\n";
    }
  }
  const std::string& hw = ProgramPath();
  std::cout << "\nNext, try:\n"
            << "  " << hw << " query --state " << sink_state.string() << " latest --topic ai\n"
            << "  " << hw << " query --state " << sink_state.string() << " counts\n"
            << "  " << hw << " classify data/sample/headlines.jsonl | head -3\n"
            << "  " << hw
            << " dedup data/sample/headlines.jsonl | grep -v '\"duplicate_of\":null' | head -3\n"
            << "  " << hw
            << " broker   # then produce, process and sink against it: see README.md\n";
  return Status::Ok();
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = AddCheckedSubcommand(
      app, "demo",
      "Run every stage in one process against an in-process mock Kafka cluster on the sample "
      "stream, then summarise the result.",
      // As for process: a model label the taxonomy lacks is a command line that cannot be used.
      LoadClassifierCheck(args));
  cmd->add_option("-s,--state", args->state,
                  "Directory for the demo's RocksDB state (its process/ and sink/ are replaced)")
      ->capture_default_str();
  cmd->add_option("--input", args->input, "JSON Lines to use instead of the built-in sample");
  cmd->add_option("-n,--latest", args->latest, "Headlines to show per topic")
      ->capture_default_str();
  AddClassifierOptions(*cmd, args->classifier);
  cmd->callback([cmd, args, &exit_code] {
    common::InitLogging("demo", LogLevel() == "info" ? "warn" : LogLevel());
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportCheckFailure("demo", checked);
      return;
    }
    const Status status = RunDemo(*args);
    exit_code = status.ok() ? kExitOk : ReportError("demo", status);
  });
}

}  // namespace headwire::cli
