#include "common/kafka_producer.h"

#include <algorithm>
#include <cstdlib>

namespace headwire::common {
namespace {

size_t ConfMaxMessageBytes(rd_kafka_conf_t* conf) {
  char value[32];
  size_t size = sizeof value;
  // The property always exists; librdkafka fills in its default when it was not set.
  rd_kafka_conf_get(conf, "message.max.bytes", value, &size);
  return std::strtoull(value, nullptr, 10);
}

}  // namespace

size_t MessageBytes(std::string_view key, std::string_view value,
                    const std::vector<Header>& headers) {
  constexpr size_t kHeaderFraming = 16;
  size_t size = key.size() + value.size();
  for (const auto& h : headers) size += h.name.size() + h.value.size() + kHeaderFraming;
  return size;
}

Result<size_t> MaxMessageBytes(const KafkaOptions& options) {
  auto conf = MakeKafkaConf(options, KafkaClientKind::kProducer, {});
  if (!conf) return Err(conf.error());
  return ConfMaxMessageBytes(conf->get());
}

std::vector<std::pair<std::string, std::string>> ProducerDefaultProperties() {
  return {
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"compression.type", "lz4"},
      {"message.timeout.ms", std::to_string(kDefaultFlushTimeout.count())},
      // What a daemon may hold while a broker is down; librdkafka's 1 GiB would let it grow that
      // far.
      {"queue.buffering.max.kbytes", "65536"},
  };
}

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(const KafkaOptions& options) {
  auto conf = MakeKafkaConf(options, KafkaClientKind::kProducer, ProducerDefaultProperties());
  if (!conf) return Err(conf.error());
  std::unique_ptr<KafkaProducer> producer(new KafkaProducer(options));
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &KafkaProducer::OnDelivery);
  rd_kafka_conf_set_error_cb(conf->get(), &KafkaProducer::OnError);
  rd_kafka_conf_set_stats_cb(conf->get(), &KafkaProducer::OnStatistics);
  rd_kafka_conf_set_opaque(conf->get(), producer.get());
  producer->max_message_bytes_ = ConfMaxMessageBytes(conf->get());
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), error, sizeof error);
  if (rk == nullptr) return Err(Status::InvalidArgument(std::string("kafka producer: ") + error));
  conf->release();  // rd_kafka_new took ownership
  producer->rk_.reset(rk);
  return producer;
}

KafkaProducer::KafkaProducer(const KafkaOptions& options)
    : watch_({.bootstrap = options.bootstrap,
              .client = "producer",
              .give_up_after = options.connect_timeout}) {}

KafkaProducer::~KafkaProducer() {
  // Whatever is still queued was reported undelivered by Flush(); do not wait for it.
  if (rk_) rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
}

void KafkaProducer::OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  static_cast<KafkaProducer*>(opaque)->watch_.OnError(err, reason);
}

int KafkaProducer::OnStatistics(rd_kafka_t*, char* json, size_t json_len, void* opaque) {
  static_cast<KafkaProducer*>(opaque)->watch_.OnStatistics(std::string_view(json, json_len));
  return 0;  // librdkafka frees the JSON
}

Status KafkaProducer::Warm(const std::vector<std::string>& topics,
                           std::chrono::milliseconds timeout) {
  // One deadline for all topics: the whole lookup takes at most `timeout`, as the daemon's start
  // relies on (kWarmUpBound), not `timeout` per topic.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& topic : topics) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
    if (rkt == nullptr) return Status::InvalidArgument("producer topic " + topic);
    const auto left = std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               deadline - std::chrono::steady_clock::now())
                                               .count());
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk_.get(), 0, rkt, &metadata, static_cast<int>(left));
    if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable("metadata of " + topic + ": " + rd_kafka_err2str(err));
    }
  }
  return Status::Ok();
}

void KafkaProducer::Serve() { rd_kafka_poll(rk_.get(), 0); }

void KafkaProducer::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<KafkaProducer*>(opaque);
  const auto group = reinterpret_cast<uintptr_t>(message->_private);
  if (group >= self->first_group_ && group - self->first_group_ < self->undelivered_.size()) {
    --self->undelivered_[group - self->first_group_];
  }
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->delivered_;
    return;
  }
  ++self->failed_;
  if (self->first_error_.empty()) {
    self->first_error_ =
        std::string(rd_kafka_topic_name(message->rkt)) + ": " + rd_kafka_err2str(message->err);
  }
}

Status KafkaProducer::Produce(const std::string& topic, std::optional<std::string_view> key,
                              std::string_view value, const std::vector<Header>& headers,
                              int32_t partition, const std::function<bool()>& keep_waiting) {
  // librdkafka writes a null key for a null pointer, an empty one for any other with length 0.
  char* const key_data = key ? const_cast<char*>(key->data()) : nullptr;
  const size_t key_size = key ? key->size() : 0;
  for (;;) {
    rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
    for (const auto& h : headers) {
      rd_kafka_header_add(hdrs, h.name.data(), static_cast<ssize_t>(h.name.size()), h.value.data(),
                          static_cast<ssize_t>(h.value.size()));
    }
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_KEY(key_data, key_size),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hdrs),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(open_group_))),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++undelivered_.back();
      rd_kafka_poll(rk_.get(), 0);
      return Status::Ok();
    }
    rd_kafka_headers_destroy(hdrs);  // still ours when producev failed
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // The local queue drains as deliveries complete; serving reports makes room, unless the
      // brokers cannot be reached at all.
      rd_kafka_poll(rk_.get(), 100);
      if (Status s = watch_.Check(); !s.ok()) return s;
      if (keep_waiting && !keep_waiting()) {
        return Status::Aborted("stopped while a message to " + topic +
                               " waited for room in the producer's queue");
      }
      continue;
    }
    return Status::InvalidArgument("produce to " + topic + ": " + rd_kafka_err2str(err));
  }
}

Result<int32_t> KafkaProducer::PartitionCount(const std::string& topic,
                                              std::chrono::milliseconds timeout,
                                              const std::function<bool()>& keep_waiting) {
  std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> handle(
      rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr), &rd_kafka_topic_destroy);
  if (!handle) return Err(Status::InvalidArgument("topic " + topic + ": bad name"));
  // In slices, so that brokers that cannot be reached at all end the wait early and by name.
  constexpr std::chrono::milliseconds kSlice{1000};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk_.get(), 0, handle.get(), &metadata, static_cast<int>(kSlice.count()));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> owned(
          metadata, &rd_kafka_metadata_destroy);
      if (metadata->topic_cnt != 1 || metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
          metadata->topics[0].partition_cnt < 1) {
        return Err(Status::NotFound("topic " + topic + " has no partitions"));
      }
      return metadata->topics[0].partition_cnt;
    }
    rd_kafka_poll(rk_.get(), 0);  // serves the error callbacks the connectivity watch reads
    if (Status s = watch_.Check(); !s.ok()) return Err(s);
    if (std::chrono::steady_clock::now() >= deadline) {
      return Err(Status::Unavailable("metadata of " + topic + ": " + rd_kafka_err2str(err)));
    }
    if (keep_waiting && !keep_waiting()) {
      return Err(Status::Aborted("stopped before the metadata of " + topic + " came"));
    }
  }
}

Status KafkaProducer::Flush(std::chrono::milliseconds timeout,
                            const std::function<void()>& meanwhile) {
  // In slices, so that brokers that cannot be reached at all end the wait early and by name.
  constexpr std::chrono::milliseconds kSlice{200};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (rd_kafka_outq_len(rk_.get()) > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    rd_kafka_flush(rk_.get(), static_cast<int>(std::min(left, kSlice).count()));
    if (Status s = watch_.Check(); !s.ok()) {
      const int undelivered = rd_kafka_outq_len(rk_.get());
      if (undelivered == 0) break;
      return Status::Unavailable(s.message() + "; " + std::to_string(undelivered) +
                                 " message(s) undelivered");
    }
    if (meanwhile) meanwhile();
  }
  return DeliveryError(rd_kafka_outq_len(rk_.get()));
}

Status KafkaProducer::DeliveryError(int undelivered) const {
  if (undelivered == 0 && failed_ == 0) return Status::Ok();
  std::string message = std::to_string(failed_) + " message(s) failed, " +
                        std::to_string(undelivered) + " still undelivered";
  if (!first_error_.empty()) message += "; first error: " + first_error_;
  return undelivered > 0 ? Status::TimedOut(message) : Status::Unavailable(message);
}

uint64_t KafkaProducer::Seal() {
  undelivered_.push_back(0);
  return open_group_++;
}

Result<bool> KafkaProducer::Delivered(uint64_t group) {
  rd_kafka_poll(rk_.get(), 0);
  if (failed_ > 0) return Err(DeliveryError(0));
  while (first_group_ < open_group_ && undelivered_.front() == 0) {
    undelivered_.pop_front();
    ++first_group_;
  }
  return group < first_group_;
}

Status KafkaProducer::WaitDelivered(uint64_t group, std::chrono::milliseconds timeout,
                                    const std::function<void()>& meanwhile) {
  constexpr std::chrono::milliseconds kSlice{200};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto delivered = Delivered(group);
    if (!delivered) return delivered.error();
    if (*delivered) return Status::Ok();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return DeliveryError(std::max(1, rd_kafka_outq_len(rk_.get())));
    }
    rd_kafka_poll(rk_.get(), static_cast<int>(std::min(left, kSlice).count()));
    if (Status s = watch_.Check(); !s.ok()) {
      return Status::Unavailable(s.message() + "; " + std::to_string(rd_kafka_outq_len(rk_.get())) +
                                 " message(s) undelivered");
    }
    if (meanwhile) meanwhile();
  }
}

}  // namespace headwire::common
