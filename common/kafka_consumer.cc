#include "common/kafka_consumer.h"

#include <spdlog/spdlog.h>

namespace headwire::common {

std::string_view Message::key() const {
  return {static_cast<const char*>(raw_->key), raw_->key_len};
}

std::string_view Message::value() const {
  return {static_cast<const char*>(raw_->payload), raw_->len};
}

std::optional<std::string_view> Message::header(const char* name) const {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(raw_.get(), &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::nullopt;
  }
  const void* value = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::nullopt;
  }
  return std::string_view(static_cast<const char*>(value), size);
}

std::vector<std::pair<std::string_view, std::string_view>> Message::headers() const {
  std::vector<std::pair<std::string_view, std::string_view>> all;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(raw_.get(), &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return all;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    all.emplace_back(name, std::string_view(static_cast<const char*>(value), size));
  }
  return all;
}

int64_t Message::timestamp_ms() const { return rd_kafka_message_timestamp(raw_.get(), nullptr); }

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(const KafkaOptions& options,
                                                             const std::string& group_id,
                                                             const std::vector<std::string>& topics,
                                                             ConsumerCallbacks callbacks) {
  auto conf = MakeKafkaConf(options, {
                                         {"group.id", group_id},
                                         {"enable.auto.commit", "false"},
                                         {"enable.auto.offset.store", "false"},
                                         {"auto.offset.reset", "earliest"},
                                         {"enable.partition.eof", "true"},
                                         {"partition.assignment.strategy", "cooperative-sticky"},
                                         {"session.timeout.ms", "6000"},
                                         {"isolation.level", "read_committed"},
                                     });
  if (!conf) return Err(conf.error());
  std::unique_ptr<KafkaConsumer> consumer(new KafkaConsumer());
  consumer->callbacks_ = std::move(callbacks);
  rd_kafka_conf_set_rebalance_cb(conf->get(), &KafkaConsumer::OnRebalance);
  rd_kafka_conf_set_opaque(conf->get(), consumer.get());
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), error, sizeof error);
  if (rk == nullptr) return Err(Status::InvalidArgument(std::string("kafka consumer: ") + error));
  conf->release();
  consumer->rk_.reset(rk);
  rd_kafka_poll_set_consumer(rk);

  rd_kafka_topic_partition_list_t* subscription =
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (const auto& topic : topics) {
    rd_kafka_topic_partition_list_add(subscription, topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, subscription);
  rd_kafka_topic_partition_list_destroy(subscription);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::InvalidArgument(std::string("subscribe: ") + rd_kafka_err2str(err)));
  }
  return consumer;
}

KafkaConsumer::~KafkaConsumer() { Close(); }

namespace {

constexpr int kCommittedTimeoutMs = 10000;

// The group's committed offsets of `partitions`, in their order. Blocks until the coordinator
// answers (or the timeout passes, and then every entry is unknown).
std::vector<GroupOffset> CommittedOffsets(rd_kafka_t* rk,
                                          const rd_kafka_topic_partition_list_t* partitions) {
  std::vector<GroupOffset> result(static_cast<size_t>(partitions->cnt));
  rd_kafka_topic_partition_list_t* query = rd_kafka_topic_partition_list_copy(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_committed(rk, query, kCommittedTimeoutMs);
  for (int i = 0; i < query->cnt; ++i) {
    GroupOffset& group = result[static_cast<size_t>(i)];
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || query->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      group.known = false;
    } else if (query->elems[i].offset >= 0) {
      group.committed = query->elems[i].offset;
    }
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("msg=\"committed offsets unavailable\" error=\"{}\"", rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(query);
  return result;
}

}  // namespace

void KafkaConsumer::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<KafkaConsumer*>(opaque);
  std::vector<TopicPartition> list;
  for (int i = 0; i < partitions->cnt; ++i) {
    list.push_back({partitions->elems[i].topic, partitions->elems[i].partition});
  }
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    const std::vector<GroupOffset> group = CommittedOffsets(rk, partitions);
    for (int i = 0; i < partitions->cnt; ++i) {
      const auto index = static_cast<size_t>(i);
      if (self->callbacks_.stored_offset) {
        if (auto offset = self->callbacks_.stored_offset(list[index], group[index])) {
          partitions->elems[i].offset = *offset;
        }
      }
      self->at_end_[list[index]] = false;
      spdlog::info("msg=\"partition assigned\" topic={} partition={} resume_offset={}",
                   list[index].topic, list[index].partition, partitions->elems[i].offset);
    }
    if (rd_kafka_error_t* error = rd_kafka_incremental_assign(rk, partitions)) {
      spdlog::error("msg=\"incremental assign failed\" error=\"{}\"", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    if (self->callbacks_.before_revoke) self->callbacks_.before_revoke(list);
    for (const auto& tp : list) self->at_end_.erase(tp);
    if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk, partitions)) {
      spdlog::error("msg=\"incremental unassign failed\" error=\"{}\"",
                    rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
    return;
  }
  spdlog::error("msg=\"rebalance error\" error=\"{}\"", rd_kafka_err2str(err));
  rd_kafka_assign(rk, nullptr);
}

Result<std::optional<Message>> KafkaConsumer::Poll(std::chrono::milliseconds timeout) {
  rd_kafka_message_t* raw = rd_kafka_consumer_poll(rk_.get(), static_cast<int>(timeout.count()));
  if (raw == nullptr) return std::optional<Message>();
  Message message(raw);
  if (raw->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    at_end_[{std::string(message.topic()), message.partition()}] = false;
    return std::optional<Message>(std::move(message));
  }
  if (raw->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    if (raw->rkt != nullptr) at_end_[{std::string(message.topic()), message.partition()}] = true;
    return std::optional<Message>();
  }
  char error[512];
  if (rd_kafka_fatal_error(rk_.get(), error, sizeof error) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable(std::string("kafka consumer fatal error: ") + error));
  }
  spdlog::warn("msg=\"consumer error\" error=\"{}\"", rd_kafka_message_errstr(raw));
  return std::optional<Message>();
}

bool KafkaConsumer::CaughtUp() const {
  if (at_end_.empty()) return false;
  for (const auto& [tp, at_end] : at_end_) {
    if (!at_end) return false;
  }
  return true;
}

void KafkaConsumer::CommitAsync(const std::map<TopicPartition, int64_t>& next_offsets) {
  if (next_offsets.empty()) return;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (const auto& [tp, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = offset;
  }
  // Informational only: the state store holds the offsets that matter. A failed commit is
  // retried implicitly by the next one.
  rd_kafka_commit(rk_.get(), list, 1);
  rd_kafka_topic_partition_list_destroy(list);
}

void KafkaConsumer::Close() {
  if (closed_ || !rk_) return;
  closed_ = true;
  rd_kafka_consumer_close(rk_.get());
}

}  // namespace headwire::common
