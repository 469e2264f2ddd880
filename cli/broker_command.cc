// `headwire broker`: the embedded mock cluster, until SIGINT/SIGTERM.

#include <algorithm>
#include <iostream>
#include <thread>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/mock_cluster.h"
#include "common/shutdown.h"
#include "processors/article_processor.h"

namespace headwire::cli {

void RegisterBrokerCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<common::MockClusterOptions>();
  options->topics = common::DefaultTopics();
  CLI::App* cmd = app.add_subcommand(
      "broker",
      "Run librdkafka's mock Kafka cluster on loopback until SIGINT/SIGTERM. The first line on "
      "stdout is the bootstrap address.");
  cmd->add_option("--brokers", options->brokers, "Number of brokers")->capture_default_str();
  cmd->add_option("--partitions", options->partitions,
                  "Partitions of each pre-created topic but the raw topic, which has one")
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
  cmd->callback([options, taxonomy, &exit_code] {
    StartLogging("broker");
    // One stream per taxonomy topic (the processor's default prefix), beside the defaults.
    if (*taxonomy != "none") {
      auto loaded = LoadTaxonomy(*taxonomy);
      if (!loaded) {
        exit_code = ReportError("broker", loaded.error());
        return;
      }
      for (const auto& topic : loaded->topics()) {
        const std::string name = processors::ArticleDeciderOptions{}.topic_prefix + topic.name;
        if (std::ranges::none_of(options->topics, [&](const auto& t) { return t.name == name; })) {
          options->topics.push_back({name});
        }
      }
    }
    auto cluster = common::MockCluster::Start(*options);
    if (!cluster) {
      exit_code = ReportError("broker", cluster.error());
      return;
    }
    std::cout << (*cluster)->bootstrap() << std::endl;
    while (!common::ShutdownRequested())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
