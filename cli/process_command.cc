// `headwire process`: the processor daemon.

#include <spdlog/fmt/fmt.h>

#include <optional>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "common/shutdown.h"
#include "processors/article_processor.h"

namespace headwire::cli {
namespace {

// InvalidArgument when a topic the processor writes to is its input topic: it would consume its
// own output, and a dead letter (an undecodable record stays undecodable) would be dead-lettered
// again, without end.
Status CheckOutputTopics(const processors::ProcessorOptions& options,
                         const core::TopicClassifier& classifier) {
  const std::string& raw = options.raw_topic;
  for (const auto& [flag, topic] : {std::pair<std::string_view, const std::string&>{
                                        "--processed-topic", options.decide.processed_topic},
                                    {"--dlq-topic", options.decide.dlq_topic},
                                    {"--handover-topic", options.consumer.handover_topic}}) {
    if (Status s = CheckNotInputTopic(flag, topic, "--raw-topic", raw); !s.ok()) return s;
  }
  for (const std::string& topic : classifier.topics()) {
    if (Status s = CheckNotInputTopic(
            "--topic-prefix " + options.decide.topic_prefix + " with the topic " + topic,
            options.decide.topic_prefix + topic, "--raw-topic", raw);
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterProcessCommand(CLI::App& app, int& exit_code) {
  struct Args {
    processors::ProcessorOptions options;
    ClassifierChoice classifier;
    // The classifier the command line's check loaded, for the run to use.
    std::optional<core::TopicClassifier> loaded;
  };
  auto args = std::make_shared<Args>();
  auto& o = args->options;
  CLI::App* cmd = AddCheckedSubcommand(
      app, "process",
      "The processor daemon: raw articles -> canonicalise, exact dedup, classify -> the processed "
      "topic (every article), headwire.topic.<topic> (unique articles) and the dead-letter topic.",
      [args, load_classifier = LoadClassifierCheck(args)](const CLI::App& command) {
        // Snapshots with nowhere to go would be skipped without a word.
        if (args->options.snapshot_interval_records > 0 && args->options.snapshot_dir.empty()) {
          return Status::InvalidArgument("--snapshot-interval needs --snapshot-dir");
        }
        // The classifier's files and --topic-threshold's topics against the model: a threshold
        // for a topic the model does not have is a command line that cannot be used.
        if (Status loaded = load_classifier(command); !loaded.ok()) return loaded;
        return CheckOutputTopics(args->options, *args->loaded);
      });
  AddDaemonOptions(*cmd, o.consumer, o.daemon);
  AddClassifierOptions(*cmd, args->classifier);
  cmd->add_option("-s,--state", o.state_dir, "RocksDB directory of the dedup memory and offsets")
      ->envname("HEADWIRE_PROCESS_STATE")
      ->required();
  cmd->add_option("--raw-topic", o.raw_topic, "Input topic")
      ->capture_default_str()
      ->check(KafkaTopicName());
  cmd->add_option("--processed-topic", o.decide.processed_topic, "Every article with its verdicts")
      ->capture_default_str()
      ->check(KafkaTopicName());
  cmd->add_option("--topic-prefix", o.decide.topic_prefix, "Prefix of the per-topic streams")
      ->capture_default_str()
      ->check(KafkaTopicPrefix());
  cmd->add_option("--dlq-topic", o.decide.dlq_topic, "Dead-letter topic")
      ->capture_default_str()
      ->check(KafkaTopicName());
  cmd->add_option("--handover-topic", o.consumer.handover_topic,
                  "Where a processor that gives a raw partition up says how far its output went, "
                  "for the partition's next owner (empty: rely on the group's committed offsets)")
      ->capture_default_str()
      ->check(KafkaTopicName(/*empty_ok=*/true));
  cmd->add_option("--snapshot-dir", o.snapshot_dir,
                  "Write a snapshot of each domain (raw partition) with its offset under "
                  "DIR/<raw topic>/partition-<P>/offset-<O>, every --snapshot-interval records");
  cmd->add_option("--snapshot-interval", o.snapshot_interval_records,
                  "Snapshot after every N consumed records (0 = never; needs --snapshot-dir)")
      ->capture_default_str()
      ->check(IntegerAtLeast(0));
  cmd->add_option("--snapshot-keep", o.snapshot_keep,
                  "Snapshots kept per domain; older ones are deleted")
      ->capture_default_str()
      ->check(IntegerAtLeast(1));
  cmd->add_option(
      "--from-snapshot", o.from_snapshot,
      "Start each assigned domain this instance holds no state for from its newest "
      "snapshot under DIR (as --snapshot-dir writes them) and catch up from its offset");
  cmd->add_option("--workers", o.parallel.workers,
                  "Threads that decode, validate, featurise and classify records ahead of the "
                  "dedup and story decisions, which stay on one thread in offset order (0 or 1: "
                  "everything on one thread)")
      ->capture_default_str()
      // More threads than records the pool holds (256) would wait for nothing; a value past any
      // machine's threads (or -1, wrapped) aborted the daemon when it reserved them.
      ->check(CLI::Range(0, 256));
  AddMebibyteOption(*cmd, "--memory-budget-mib", o.decide.state_memory_bytes,
                    "RocksDB memory of the state: one block cache shared by every column family, "
                    "with the memtables (at most half) charged to it; the story window has its "
                    "own --window-budget-mib",
                    8);
  AddMinEventTimeOption(*cmd, o.decide.pipeline.validation);
  AddExactDedupOptions(*cmd, o.decide.pipeline.dedup);
  AddStoryOptions(*cmd, o.decide.pipeline.recent);
  cmd->callback([cmd, args, &exit_code] {
    common::InstallShutdownHandlers();
    StartLogging("process");
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportCheckFailure("process", checked);
      return;
    }
    auto stats = processors::RunProcessor(args->options, *args->loaded);
    if (!stats) {
      exit_code = ReportError("process", stats.error());
      return;
    }
    ReportSummary("process",
                  fmt::format("{} consumed, {} unique, {} duplicates, {} dead-lettered, {} decided "
                              "again while catching up",
                              stats->consumed, stats->unique, stats->duplicates,
                              stats->dead_lettered, stats->replayed));
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
