// `headwire produce`: JSON Lines to the raw topic.

#include <spdlog/fmt/fmt.h>

#include <fstream>
#include <iostream>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "common/json_lines.h"
#include "producers/jsonl_producer.h"

namespace headwire::cli {

void RegisterProduceCommand(CLI::App& app, int& exit_code) {
  struct Args {
    producers::ProduceOptions options;
    std::string input = "-";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddCheckedSubcommand(
      app, "produce",
      "Read JSON Lines articles ({\"id\",\"title\",\"body\",\"url\",\"source\",\"language\","
      "\"published_at\"}) and produce them to Kafka as protobuf RawArticle messages keyed by "
      "article id, on the "
      "partition of their dedup domain. Invalid "
      "lines are reported as FILE:LINE: reason and sent to the dead-letter topic. Exit code 2 "
      "when some lines were invalid, 1 when delivery failed.",
      [args](const CLI::App&) {
        return CheckIngestTimeAccepted(args->options.ingest_time_ms, args->options.validation);
      });
  AddKafkaOptions(*cmd, args->options.kafka);
  cmd->add_option("-t,--topic", args->options.topic, "Destination topic")
      ->capture_default_str()
      ->check(KafkaTopicName());
  cmd->add_option("--domain-key", args->options.domain_key,
                  "Article field whose value is the dedup domain: articles with one value go to "
                  "one partition of the topic (e.g. language, source)")
      ->capture_default_str()
      ->check(DomainKeyField());
  cmd->add_option("--dlq-topic", args->options.dlq_topic,
                  "Dead-letter topic for invalid lines; empty to only report them")
      ->capture_default_str()
      ->check(KafkaTopicName(/*empty_ok=*/true));
  AddIngestTimeOption(*cmd, args->options.ingest_time_ms);
  AddMinEventTimeOption(*cmd, args->options.validation);
  cmd->add_option("input", args->input, "Input file, or - for stdin")->capture_default_str();
  cmd->callback([cmd, args, &exit_code] {
    StartLogging("produce");
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportUsageError("produce", checked);
      return;
    }
    auto input = common::CommandLineInput::Open(args->input);
    if (!input) {
      exit_code = ReportError("produce", input.error());
      return;
    }
    auto report =
        producers::ProduceJsonLines(input->stream(), args->input, args->options, std::cerr);
    if (!report) {
      exit_code = ReportError("produce", report.error());
      return;
    }
    ReportSummary("produce", fmt::format("{} produced, {} invalid, {} lines", report->produced,
                                         report->invalid, report->lines));
    exit_code = report->invalid > 0 ? kExitInvalidInput : kExitOk;
  });
}

}  // namespace headwire::cli
