// `headwire demo`: every stage in one process against an in-process mock cluster, fed by the
// sample stream, then a summary of what the pipeline decided.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/in_process_pipeline.h"
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
  const core::TopicClassifier& classifier = *args.loaded;

  std::cout << "headwire demo: starting an in-process Kafka mock cluster...\n";
  auto cluster = StartPipelineCluster(classifier);
  if (!cluster) return cluster.error();
  common::KafkaOptions kafka;
  kafka.bootstrap = (*cluster)->bootstrap();
  std::cout << "  bootstrap.servers = " << kafka.bootstrap << "\n";

  if (Status s = ReplaceDaemonState(args.state); !s.ok()) return s;

  auto input = PipelineInput::Open(args.input);
  if (!input) return input.error();
  const std::string input_name =
      args.input.empty() ? "built-in sample (data/sample/headlines.jsonl)" : args.input;
  producers::ProduceOptions produce;
  produce.kafka = kafka;
  std::ostringstream produce_errors;
  auto produced = producers::ProduceJsonLines(input->stream(), input_name, produce, produce_errors);
  if (!produced) return produced.error();
  std::cout << "1. produce: " << produced->produced << " articles from " << input_name << " ("
            << produced->invalid << " invalid lines)\n"
            << produce_errors.str();

  // From here on the daemons finish their batch on SIGINT, SIGTERM or SIGHUP; while producing
  // there is no batch to finish, and an input that never ends must not outlive the signal.
  common::InstallShutdownHandlers();
  const processors::ProcessorOptions process = InProcessProcessorOptions(kafka, args.state);
  auto processed = processors::RunProcessor(process, classifier);
  if (!processed) return processed.error();
  std::cout << "2. process: " << processed->consumed << " consumed, " << processed->unique
            << " unique, " << processed->duplicates
            << " duplicates (exact and near) dropped from the topic "
            << "streams, " << processed->dead_lettered << " dead-lettered\n";

  const sinks::SinkOptions sink = InProcessSinkOptions(kafka, args.state);
  const std::string sink_state = sink.state_dir;
  auto sunk = sinks::RunSink(sink);
  if (!sunk) return sunk.error();
  std::cout << "3. sink: " << sunk->consumed << " records applied to RocksDB at " << sink_state
            << "\n\n";

  auto store = sinks::ArticleStore::Open(sink_state, /*for_queries=*/false);
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
            << "  " << hw << " query --state " << sink_state << " latest --topic ai\n"
            << "  " << hw << " query --state " << sink_state << " counts\n"
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
