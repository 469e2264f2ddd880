// `headwire broker`: the embedded mock cluster, until SIGINT/SIGTERM/SIGHUP, with fault-injection
// commands on standard input (common/broker_control.h), each answered on stdout.

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/broker_control.h"
#include "common/mock_cluster.h"
#include "common/shutdown.h"
#include "processors/article_processor.h"

namespace headwire::cli {
namespace {

// Answers one control line: "ok", or "error: <why>".
std::string Answer(common::MockCluster& cluster, std::string_view line) {
  auto command = common::ParseBrokerControl(line);
  if (!command) return "error: " + command.error().message();
  if (Status s = cluster.Apply(*command); !s.ok()) return "error: " + s.message();
  return "ok";
}

// Serves control commands from standard input until shutdown is requested. At the end of input
// the cluster keeps running without commands.
void ServeControl(common::MockCluster& cluster) {
  bool input_open = true;
  std::string pending;
  while (!common::ShutdownRequested()) {
    pollfd fd{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
    if (!input_open || poll(&fd, 1, 100) <= 0) {
      if (!input_open) usleep(100 * 1000);
      continue;
    }
    char buffer[4096];
    const ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
      input_open = false;
      continue;
    }
    pending.append(buffer, static_cast<size_t>(n));
    for (size_t end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
      const std::string line = pending.substr(0, end);
      pending.erase(0, end + 1);
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::cout << Answer(cluster, line) << std::endl;
    }
  }
}

}  // namespace

void RegisterBrokerCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<common::MockClusterOptions>();
  CLI::App* cmd = app.add_subcommand(
      "broker",
      "Run librdkafka's mock Kafka cluster on loopback until SIGINT/SIGTERM/SIGHUP. The first "
      "line on stdout is the bootstrap address. Fault commands on stdin, one per line, each "
      "answered \"ok\" or \"error: ...\": down ID, up ID, rtt ID MS, errors API COUNT ERROR "
      "(Kafka names, e.g. errors Produce 5 NOT_LEADER_OR_FOLLOWER)");
  cmd->add_option("--brokers", options->brokers,
                  "Number of brokers; topics get min(brokers, 3) replicas")
      ->capture_default_str();
  CLI::Option* partitions =
      cmd->add_option("--partitions", options->partitions,
                      "Partitions of each pre-created topic; the raw topic has one unless this is "
                      "given (its partitions are the dedup domains)")
          ->capture_default_str();
  cmd->add_option_function<std::vector<std::string>>(
         "--topic",
         [options](const std::vector<std::string>& names) {
           for (const auto& name : names) options->topics.push_back({name});
         },
         "Another topic to create at start (repeatable); unknown topics are also auto-created "
         "with 4 partitions on first use")
      ->take_all();
  auto taxonomy = std::make_shared<std::string>();
  AddTaxonomyOption(*cmd, *taxonomy);
  // The broker reads a taxonomy only for its topics' names, so "none" cannot mean "no rules" here.
  cmd->get_option("--taxonomy")
      ->description(
          "Taxonomy file whose topics get a headwire.topic.<t> stream (default, and none: the "
          "built-in data/taxonomy.toml)");
  cmd->callback([options, taxonomy, partitions, &exit_code] {
    common::InstallShutdownHandlers();
    StartLogging("broker");
    // One stream per topic of the taxonomy (the processor's default prefix), as the processor
    // writes them; without rules ("none") the built-in model's topics, which are the built-in
    // taxonomy's.
    auto loaded = LoadTaxonomy(*taxonomy == "none" ? "" : *taxonomy);
    if (!loaded) {
      exit_code = ReportError("broker", loaded.error());
      return;
    }
    std::vector<std::string> streams;
    for (const auto& topic : loaded->topics()) {
      streams.push_back(processors::ArticleDeciderOptions{}.topic_prefix + topic.name);
    }
    std::vector<common::TopicSpec> topics = common::PipelineTopics(streams);
    for (auto& topic : topics) {
      if (partitions->count() > 0) topic.partitions = 0;  // all take --partitions
    }
    for (auto& added : options->topics) {
      if (std::ranges::none_of(topics, [&](const auto& t) { return t.name == added.name; })) {
        topics.push_back(std::move(added));
      }
    }
    options->topics = std::move(topics);
    auto cluster = common::MockCluster::Start(*options);
    if (!cluster) {
      exit_code = ReportError("broker", cluster.error());
      return;
    }
    std::cout << (*cluster)->bootstrap() << std::endl;
    ServeControl(**cluster);
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
