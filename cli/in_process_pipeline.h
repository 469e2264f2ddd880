#pragma once
// What `headwire demo` and `headwire bench` share to run the pipeline in one process: an
// in-process mock cluster with the pipeline's topics (common/mock_cluster.h) and one stream per
// topic of the classifier, the input (a file, "-" for standard input, or the built-in sample
// stream), the daemons' state directories replaced, and the processor's and the sink's options
// for that cluster, read to the end of their input. The callers run the stages and report them;
// this holds no stage of its own.

#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/json_lines.h"
#include "common/kafka_config.h"
#include "common/mock_cluster.h"
#include "common/status.h"
#include "core/topic_classifier.h"
#include "processors/article_processor.h"
#include "sinks/sink_daemon.h"

namespace headwire::cli {

// A mock cluster with the pipeline's topics, a stream for each of `classifier`'s topics, and
// `extra_topics`. Returns the cluster's error when it cannot start.
Result<std::unique_ptr<common::MockCluster>> StartPipelineCluster(
    const core::TopicClassifier& classifier, std::vector<common::TopicSpec> extra_topics = {});

// The file `path` names ("-" for standard input), or the built-in sample stream for an empty
// `path`.
class PipelineInput {
 public:
  // Returns the error of a file that cannot be opened.
  static Result<PipelineInput> Open(const std::string& path);
  std::istream& stream() { return file_ ? file_->stream() : sample_; }

 private:
  std::optional<common::CommandLineInput> file_;
  std::istringstream sample_;
};

// Removes `state`/process and `state`/sink: a state belongs to one cluster's offsets, and a
// previous run's would resume at offsets that mean nothing to a new one. Returns IoError for a
// directory that cannot be removed.
Status ReplaceDaemonState(const std::filesystem::path& state);

// The processor's options for `kafka`, state in `state`/process, stopping at the end of its input,
// with the built-in story background.
processors::ProcessorOptions InProcessProcessorOptions(const common::KafkaOptions& kafka,
                                                       const std::filesystem::path& state);

// The sink's options for `kafka`, state in `state`/sink, stopping at the end of its input.
sinks::SinkOptions InProcessSinkOptions(const common::KafkaOptions& kafka,
                                        const std::filesystem::path& state);

}  // namespace headwire::cli
