#include "common/mock_cluster.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/kafka_names.h"

namespace headwire::common {

std::vector<TopicSpec> PipelineTopics(const std::vector<std::string>& topic_streams) {
  std::vector<TopicSpec> topics = {
      {"headwire.articles.raw", 1}, {"headwire.articles.processed"}, {"headwire.dlq"}};
  for (const auto& stream : topic_streams) topics.push_back({stream});
  topics.push_back({"headwire.process.handover"});
  return topics;
}

Result<std::unique_ptr<MockCluster>> MockCluster::Start(const MockClusterOptions& options) {
  if (options.brokers < 1 || options.partitions < 1) {
    return Err(Status::InvalidArgument("the mock cluster needs at least 1 broker and 1 partition"));
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  // The handle only hosts the cluster; it never connects anywhere.
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);
  RouteKafkaLogs(conf);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Err(Status::Internal(std::string("mock cluster handle: ") + error));
  }
  std::unique_ptr<MockCluster> cluster(new MockCluster());
  cluster->rk_.reset(rk);
  cluster->brokers_ = options.brokers;
  cluster->cluster_ = rd_kafka_mock_cluster_new(rk, options.brokers);
  if (cluster->cluster_ == nullptr) return Err(Status::Internal("cannot start the mock cluster"));
  for (const auto& topic : options.topics) {
    const int partitions = topic.partitions > 0 ? topic.partitions : options.partitions;
    const auto err = rd_kafka_mock_topic_create(cluster->cluster_, topic.name.c_str(), partitions,
                                                std::min(options.brokers, 3));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Err(Status::Internal("create topic " + topic.name + ": " + rd_kafka_err2str(err)));
    }
  }
  return cluster;
}

MockCluster::~MockCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
}

std::string MockCluster::bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

Status MockCluster::Apply(const BrokerControlCommand& command) {
  if (command.kind != BrokerControlKind::kErrors &&
      (command.broker_id < 1 || command.broker_id > brokers_)) {
    return Status::InvalidArgument("no broker " + std::to_string(command.broker_id) +
                                   " (the cluster has brokers 1.." + std::to_string(brokers_) +
                                   ")");
  }
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  switch (command.kind) {
    case BrokerControlKind::kDown:
      err = rd_kafka_mock_broker_set_down(cluster_, command.broker_id);
      break;
    case BrokerControlKind::kUp:
      err = rd_kafka_mock_broker_set_up(cluster_, command.broker_id);
      break;
    case BrokerControlKind::kRtt:
      err = rd_kafka_mock_broker_set_rtt(cluster_, command.broker_id, command.rtt_ms);
      break;
    case BrokerControlKind::kErrors: {
      if (command.api_key == KafkaApiKeyFromName("Produce") && !warned_produce_errors_) {
        warned_produce_errors_ = true;
        spdlog::warn(
            "msg=\"this broker does not check the sequence numbers of idempotent producers "
            "(librdkafka 2.0's mock checks transactional ones only): a producer with more than "
            "one request in flight whose request fails with an injected error while a later "
            "one succeeds has the failed messages reported delivered, and they are lost; give "
            "producers -X max.in.flight.requests.per.connection=1 while injecting Produce "
            "errors\"");
      }
      const std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(command.count),
                                                    command.error);
      rd_kafka_mock_push_request_errors_array(cluster_, command.api_key, errors.size(),
                                              errors.data());
      break;
    }
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Internal(rd_kafka_err2str(err));
  return Status::Ok();
}

Status MockCluster::DelayRequests(int32_t broker_id, std::string_view api, int count,
                                  std::chrono::milliseconds delay) {
  const std::optional<int16_t> key = KafkaApiKeyFromName(api);
  if (!key) return Status::InvalidArgument("unknown Kafka API " + std::string(api));
  if (broker_id < 1 || broker_id > brokers_) {
    return Status::InvalidArgument("no broker " + std::to_string(broker_id));
  }
  for (int i = 0; i < count; ++i) {
    // An "error" of NO_ERROR with a round-trip time: answered normally, that much later.
    const rd_kafka_resp_err_t err = rd_kafka_mock_broker_push_request_error_rtts(
        cluster_, broker_id, *key, 1, RD_KAFKA_RESP_ERR_NO_ERROR, static_cast<int>(delay.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Internal(rd_kafka_err2str(err));
  }
  return Status::Ok();
}

Status MockCluster::ClearErrors(std::string_view api) {
  const std::optional<int16_t> key = KafkaApiKeyFromName(api);
  if (!key) return Status::InvalidArgument("unknown Kafka API " + std::string(api));
  rd_kafka_mock_clear_request_errors(cluster_, *key);
  return Status::Ok();
}

}  // namespace headwire::common
