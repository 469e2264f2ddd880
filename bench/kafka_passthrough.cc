// The ceiling for any processor on a broker (common/kafka_passthrough.h): reads the input topic
// to its end, produces every message to the output topic with a flush and a commit every --batch
// messages, and prints one JSON line: records, seconds (first message to last commit),
// records_per_s.
//
// Usage: kafka_passthrough --bootstrap HOST:PORT --input TOPIC --output TOPIC [--batch N]

#include "common/kafka_passthrough.h"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/logging.h"

int main(int argc, char** argv) {
  headwire::common::PassthroughOptions options;
  CLI::App app{"Raw librdkafka consume -> produce of a topic: the processor's ceiling"};
  app.add_option("--bootstrap", options.kafka.bootstrap, "bootstrap.servers (HOST:PORT)")
      ->required();
  app.add_option("--input", options.input, "Topic to read to its end")->required();
  app.add_option("--output", options.output, "Topic to write")->required();
  app.add_option("--batch", options.batch, "Messages per flush and commit")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  // librdkafka's warnings go to stderr: stdout is the one JSON line.
  headwire::common::InitLogging("passthrough", "warn");

  const auto result = headwire::common::RunKafkaPassthrough(options);
  if (!result) {
    std::fprintf(stderr, "kafka_passthrough: %s\n", result.error().message().c_str());
    return 1;
  }
  std::printf("{\"records\": %llu, \"seconds\": %.6f, \"records_per_s\": %.1f}\n",
              static_cast<unsigned long long>(result->records), result->seconds,
              result->seconds > 0 ? static_cast<double>(result->records) / result->seconds : 0.0);
  return 0;
}
