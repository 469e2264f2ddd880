// `headwire sink`: the sink daemon.

#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "sinks/sink_daemon.h"

namespace headwire::cli {

void RegisterSinkCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<sinks::SinkOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sink",
      "The sink daemon: processed articles into RocksDB, each batch written atomically with its "
      "consumed offsets.");
  AddKafkaOptions(*cmd, options->kafka);
  AddLoopOptions(*cmd, options->loop);
  cmd->add_option("-s,--state", options->state_dir, "RocksDB directory of the state")
      ->envname("HEADWIRE_SINK_STATE")
      ->required();
  cmd->add_option("-g,--group", options->group_id, "Consumer group")->capture_default_str();
  cmd->add_option("--processed-topic", options->processed_topic, "Input topic")
      ->capture_default_str();
  cmd->add_option("--block-cache-bytes", options->block_cache_bytes,
                  "RocksDB block cache shared by the column families")
      ->capture_default_str();
  cmd->callback([options, &exit_code] {
    StartLogging("sink");
    auto stats = sinks::RunSink(*options);
    if (!stats) {
      exit_code = ReportError("sink", stats.error());
      return;
    }
    std::cerr << "headwire sink: " << stats->consumed << " consumed, " << stats->rejected
              << " rejected\n";
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
