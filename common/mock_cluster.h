#pragma once
// The embedded broker: librdkafka's mock cluster (rdkafka_mock.h), serving the Kafka protocol on
// 127.0.0.1 random ports for the demo, the tests and laptops. Any Kafka client can use it. It
// keeps everything in memory, dies with the process and keeps only about 5 MiB per partition;
// see deploy/ for real clusters.

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h requires rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/broker_control.h"
#include "common/kafka_config.h"
#include "common/status.h"

namespace headwire::common {

struct TopicSpec {
  std::string name;
  int partitions = 0;  // 0: MockClusterOptions::partitions
};

struct MockClusterOptions {
  // Number of brokers. Every topic gets min(brokers, 3) replicas. The mock cluster does not elect
  // a new leader when a broker goes down: that broker's partitions wait until it is up again
  // (clients retry meanwhile). Default: 1.
  int brokers = 1;
  // Partitions of a topic created at start whose spec does not say. Default: 4.
  int partitions = 4;
  // Topics created at start; others are auto-created with 4 partitions on first use.
  std::vector<TopicSpec> topics;
};

// headwire's topics for a pipeline whose processors write the topic streams `topic_streams`
// ("headwire.topic.space", ...: one per topic of the taxonomy): the raw topic with ONE partition
// (it is the dedup domain: one partition gives every processor the same total order of articles,
// so verdicts are deterministic), the processed and dead-letter topics, the streams and the
// processors' handover topic, those with the default count.
std::vector<TopicSpec> PipelineTopics(const std::vector<std::string>& topic_streams);

class MockCluster {
 public:
  static Result<std::unique_ptr<MockCluster>> Start(const MockClusterOptions& options);
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;
  ~MockCluster();

  // "127.0.0.1:port[,127.0.0.1:port]".
  std::string bootstrap() const;

  // Carries out a fault-injection command (common/broker_control.h). Returns InvalidArgument for
  // a broker id the cluster does not have. The first injection of Produce errors logs a warning:
  // this mock does not check idempotent producers' sequence numbers, so librdkafka acknowledges
  // a failed request implicitly when a later one in flight succeeds (the failed messages are
  // lost with a success report) unless producers keep one request in flight.
  Status Apply(const BrokerControlCommand& command);

  // Broker `broker_id` answers the next `count` requests of `api` (Kafka's name, e.g.
  // "ListOffsets") `delay` late, and normally otherwise: one kind of request slow, where an rtt
  // slows every request (heartbeats included) and errors are answered at once. For tests.
  // Returns InvalidArgument for an unknown API or broker.
  Status DelayRequests(int32_t broker_id, std::string_view api, int count,
                       std::chrono::milliseconds delay);
  // Drops the errors still pending for requests of `api` (Kafka's name) that Apply's kErrors
  // pushed: the next ones are answered normally. For tests that release a request refused so far
  // at a moment of their choosing. Returns InvalidArgument for an unknown API.
  Status ClearErrors(std::string_view api);

 private:
  MockCluster() = default;

  int brokers_ = 0;
  bool warned_produce_errors_ = false;
  RdKafkaPtr rk_;  // the handle the cluster lives in
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace headwire::common
