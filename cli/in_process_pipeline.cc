#include "cli/in_process_pipeline.h"

#include <utility>

#include "cli/cli_support.h"
#include "cli/embedded_data.h"

namespace headwire::cli {

Result<std::unique_ptr<common::MockCluster>> StartPipelineCluster(
    const core::TopicClassifier& classifier, std::vector<common::TopicSpec> extra_topics) {
  std::vector<std::string> streams;
  for (const auto& topic : classifier.topics()) {
    streams.push_back(processors::ArticleDeciderOptions{}.topic_prefix + topic);
  }
  std::vector<common::TopicSpec> topics = common::PipelineTopics(streams);
  for (auto& extra : extra_topics) topics.push_back(std::move(extra));
  return common::MockCluster::Start({.topics = std::move(topics)});
}

Result<PipelineInput> PipelineInput::Open(const std::string& path) {
  PipelineInput input;
  if (path.empty()) {
    input.sample_.str(std::string(kSampleHeadlines));
    return input;
  }
  auto opened = common::CommandLineInput::Open(path);
  if (!opened) return Err(opened.error());
  input.file_ = std::move(*opened);
  return input;
}

Status ReplaceDaemonState(const std::filesystem::path& state) {
  for (const char* daemon : {"process", "sink"}) {
    std::error_code ec;
    std::filesystem::remove_all(state / daemon, ec);
    if (ec) {
      return Status::IoError("cannot replace " + (state / daemon).string() + ": " + ec.message());
    }
  }
  return Status::Ok();
}

processors::ProcessorOptions InProcessProcessorOptions(const common::KafkaOptions& kafka,
                                                       const std::filesystem::path& state) {
  processors::ProcessorOptions process;
  process.consumer.kafka = kafka;
  process.state_dir = (state / "process").string();
  process.consumer.loop.exit_at_end = true;
  process.decide.pipeline.recent.background = BuiltInStoryBackground();
  return process;
}

sinks::SinkOptions InProcessSinkOptions(const common::KafkaOptions& kafka,
                                        const std::filesystem::path& state) {
  sinks::SinkOptions sink;
  sink.consumer.kafka = kafka;
  sink.state_dir = (state / "sink").string();
  sink.consumer.loop.exit_at_end = true;
  return sink;
}

}  // namespace headwire::cli
