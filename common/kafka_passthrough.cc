#include "common/kafka_passthrough.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"

namespace headwire::common {
namespace {

// The consumer leaves its assignment before it is destroyed, whichever way the copy ends.
struct PassthroughConsumerCloser {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};
using PassthroughConsumer = std::unique_ptr<rd_kafka_t, PassthroughConsumerCloser>;

// Counts the messages librdkafka reports undelivered; the conf's opaque points at the counter.
void CountUndelivered(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<uint64_t*>(opaque);
}

Result<rd_kafka_t*> NewPassthroughClient(rd_kafka_type_t type, RdKafkaConfPtr conf) {
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), error, sizeof error);
  if (rk == nullptr) return Err(Status::InvalidArgument(std::string("kafka client: ") + error));
  conf.release();  // rd_kafka_new owns it now
  return rk;
}

Result<int> InputPartitions(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &metadata, 10000);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable("metadata of " + topic + ": " + rd_kafka_err2str(err)));
  }
  const int count = metadata->topic_cnt == 1 && metadata->topics[0].err == 0
                        ? metadata->topics[0].partition_cnt
                        : 0;
  rd_kafka_metadata_destroy(metadata);
  if (count < 1) return Err(Status::NotFound("no partitions for topic " + topic));
  return count;
}

// Waits for every message produced so far, then commits `positions` asynchronously.
Status DeliverAndCommit(rd_kafka_t* producer, rd_kafka_t* consumer,
                        rd_kafka_topic_partition_list_t* positions, const uint64_t& undelivered) {
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultFlushTimeout);
  if (rd_kafka_flush(producer, static_cast<int>(timeout.count())) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable("messages not delivered within " + std::to_string(timeout.count()) +
                               " ms");
  }
  if (undelivered > 0) {
    return Status::Unavailable(std::to_string(undelivered) + " messages not delivered");
  }
  rd_kafka_commit(consumer, positions, 1);
  return Status::Ok();
}

}  // namespace

Result<PassthroughResult> RunKafkaPassthrough(const PassthroughOptions& options) {
  if (options.input.empty() || options.output.empty()) {
    return Err(Status::InvalidArgument("passthrough: an input and an output topic are required"));
  }
  if (options.batch < 1) return Err(Status::InvalidArgument("passthrough: batch must be >= 1"));

  uint64_t undelivered = 0;
  auto pconf =
      MakeKafkaConf(options.kafka, KafkaClientKind::kProducer, ProducerDefaultProperties());
  if (!pconf) return Err(pconf.error());
  rd_kafka_conf_set_dr_msg_cb(pconf->get(), &CountUndelivered);
  rd_kafka_conf_set_opaque(pconf->get(), &undelivered);
  auto made_producer = NewPassthroughClient(RD_KAFKA_PRODUCER, std::move(*pconf));
  if (!made_producer) return Err(made_producer.error());
  RdKafkaPtr producer(*made_producer);

  auto cconf = MakeKafkaConf(options.kafka, KafkaClientKind::kConsumer,
                             ConsumerDefaultProperties(options.group));
  if (!cconf) return Err(cconf.error());
  auto made_consumer = NewPassthroughClient(RD_KAFKA_CONSUMER, std::move(*cconf));
  if (!made_consumer) return Err(made_consumer.error());
  PassthroughConsumer consumer(*made_consumer);
  rd_kafka_poll_set_consumer(consumer.get());

  auto partitions = InputPartitions(consumer.get(), options.input);
  if (!partitions) return Err(partitions.error());
  RdKafkaPartitionListPtr assignment(rd_kafka_topic_partition_list_new(*partitions));
  RdKafkaPartitionListPtr positions(rd_kafka_topic_partition_list_new(*partitions));
  for (int p = 0; p < *partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment.get(), options.input.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_topic_partition_list_add(positions.get(), options.input.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  if (const rd_kafka_resp_err_t err = rd_kafka_assign(consumer.get(), assignment.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable(std::string("assign: ") + rd_kafka_err2str(err)));
  }

  using Clock = std::chrono::steady_clock;
  Clock::time_point first{};
  PassthroughResult result;
  int64_t in_batch = 0;
  int at_end = 0;
  while (at_end < *partitions) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 1000);
    if (m == nullptr) continue;
    const std::unique_ptr<rd_kafka_message_t, decltype(&rd_kafka_message_destroy)> owned(
        m, &rd_kafka_message_destroy);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Err(Status::Unavailable(std::string("consume: ") + rd_kafka_message_errstr(m)));
    }
    if (result.records == 0) first = Clock::now();
    rd_kafka_headers_t* headers = nullptr;
    rd_kafka_headers_t* copy = nullptr;
    if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      copy = rd_kafka_headers_copy(headers);
    }
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(
                producer.get(), RD_KAFKA_V_TOPIC(options.output.c_str()),
                RD_KAFKA_V_KEY(m->key, m->key_len), RD_KAFKA_V_VALUE(m->payload, m->len),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(copy),
                RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer.get(), 10);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // On failure the headers were not handed over.
      if (copy != nullptr) rd_kafka_headers_destroy(copy);
      return Err(Status::Unavailable(std::string("produce: ") + rd_kafka_err2str(err)));
    }
    rd_kafka_poll(producer.get(), 0);
    rd_kafka_topic_partition_list_find(positions.get(), options.input.c_str(), m->partition)
        ->offset = m->offset + 1;
    ++result.records;
    if (++in_batch >= options.batch) {
      if (Status s = DeliverAndCommit(producer.get(), consumer.get(), positions.get(), undelivered);
          !s.ok()) {
        return Err(s);
      }
      in_batch = 0;
    }
  }
  if (in_batch > 0) {
    if (Status s = DeliverAndCommit(producer.get(), consumer.get(), positions.get(), undelivered);
        !s.ok()) {
      return Err(s);
    }
  }
  if (result.records > 0)
    result.seconds = std::chrono::duration<double>(Clock::now() - first).count();
  return result;
}

}  // namespace headwire::common
