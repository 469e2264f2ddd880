#include "common/kafka_consumer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "common/blocking_call.h"
#include "common/logging.h"
#include "common/partition_offsets.h"

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

std::vector<Header> Message::headers() const {
  std::vector<Header> out;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(raw_.get(), &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    out.push_back({name, value == nullptr ? std::string()
                                          : std::string(static_cast<const char*>(value), size)});
  }
  return out;
}

int64_t Message::timestamp_ms() const { return rd_kafka_message_timestamp(raw_.get(), nullptr); }

ConsumedRecord Message::record() const {
  return {.topic = topic(),
          .partition = partition(),
          .offset = offset(),
          .key = key(),
          .value = value(),
          .type = header(kTypeHeader),
          .schema_version = header(kSchemaVersionHeader),
          .timestamp_ms = timestamp_ms(),
          .headers = headers(),
          .has_key = has_key()};
}

std::string ResumeOffsetName(int64_t offset) {
  switch (offset) {
    case RD_KAFKA_OFFSET_BEGINNING:
      return "beginning";
    case RD_KAFKA_OFFSET_END:
      return "end";
    case RD_KAFKA_OFFSET_STORED:
    case RD_KAFKA_OFFSET_INVALID:
      return "stored";
    default:
      return std::to_string(offset);
  }
}

std::string DescribeOffsetGap(const OffsetGap& gap) {
  const std::string partition = PartitionName(gap.tp);
  const std::string held = gap.first_offset < gap.end_offset
                               ? "offsets " + std::to_string(gap.first_offset) + ".." +
                                     std::to_string(gap.end_offset - 1)
                               : "no records";
  if (gap.resume_offset > gap.end_offset) {
    return partition + ": the state resumes at offset " + std::to_string(gap.resume_offset) +
           ", but the topic holds " + held + " now: it was recreated or truncated";
  }
  return partition + ": the state resumes at offset " + std::to_string(gap.resume_offset) +
         ", but the topic holds " + held + " now: records " + std::to_string(gap.resume_offset) +
         ".." + std::to_string(gap.first_offset - 1) + " were deleted before they were read";
}

KafkaConsumer::KafkaConsumer(const KafkaOptions& options)
    : watch_({.bootstrap = options.bootstrap,
              .client = "consumer",
              .give_up_after = options.connect_timeout}) {}

std::vector<std::pair<std::string, std::string>> ConsumerDefaultProperties(
    const std::string& group_id) {
  return {
      {"group.id", group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // Never skip silently: ResumeOutOfRange decides.
      {"auto.offset.reset", "error"},
      {"enable.partition.eof", "true"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"session.timeout.ms", "6000"},
      {"isolation.level", "read_committed"},
  };
}

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(const KafkaOptions& options,
                                                             const std::string& group_id,
                                                             const std::vector<std::string>& topics,
                                                             ConsumerCallbacks callbacks,
                                                             PartitionAssignment assignment) {
  auto conf =
      MakeKafkaConf(options, KafkaClientKind::kConsumer, ConsumerDefaultProperties(group_id));
  if (!conf) return Err(conf.error());
  std::unique_ptr<KafkaConsumer> consumer(new KafkaConsumer(options));
  consumer->callbacks_ = std::move(callbacks);
  consumer->assignment_ = assignment;
  consumer->topics_ = topics;
  rd_kafka_conf_set_rebalance_cb(conf->get(), &KafkaConsumer::OnRebalance);
  rd_kafka_conf_set_error_cb(conf->get(), &KafkaConsumer::OnError);
  rd_kafka_conf_set_stats_cb(conf->get(), &KafkaConsumer::OnStatistics);
  rd_kafka_conf_set_opaque(conf->get(), consumer.get());
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), error, sizeof error);
  if (rk == nullptr) return Err(Status::InvalidArgument(std::string("kafka consumer: ") + error));
  conf->release();
  consumer->rk_.reset(rk);
  rd_kafka_poll_set_consumer(rk);
  return consumer;
}

KafkaConsumer::~KafkaConsumer() { Close(); }

void KafkaConsumer::OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  static_cast<KafkaConsumer*>(opaque)->watch_.OnError(err, reason);
}

int KafkaConsumer::OnStatistics(rd_kafka_t*, char* json, size_t json_len, void* opaque) {
  static_cast<KafkaConsumer*>(opaque)->watch_.OnStatistics(std::string_view(json, json_len));
  return 0;  // librdkafka frees the JSON
}

namespace {

constexpr int kCommittedTimeoutMs = 10000;
constexpr int kMetadataTimeoutMs = 1000;
constexpr std::chrono::seconds kTopicLookupRetry{1};
// How long a partition out of range waits for its leader to say what it holds, per attempt.
constexpr std::chrono::milliseconds kHeldOffsetsTimeout{10000};
// Between two attempts to resume a partition whose leader did not answer.
constexpr std::chrono::seconds kResumeRetry{1};
// Close(): how long to wait for a group's first assignment. Longer than session.timeout.ms, after
// which the coordinator completes a rebalance without the members that did not rejoin.
constexpr std::chrono::milliseconds kFirstAssignmentWait{10000};
constexpr int kClosePollMs = 100;

// The group's committed offsets of `partitions`, in their order. Blocks until the coordinator
// answers (or the timeout passes, and then every entry is unknown), calling `meanwhile`.
std::vector<GroupOffset> CommittedOffsets(rd_kafka_t* rk,
                                          const rd_kafka_topic_partition_list_t* partitions,
                                          const std::function<void()>& meanwhile) {
  std::vector<GroupOffset> result(static_cast<size_t>(partitions->cnt));
  rd_kafka_topic_partition_list_t* query = rd_kafka_topic_partition_list_copy(partitions);
  const rd_kafka_resp_err_t err = CallWhileWaiting(
      [rk, query] { return rd_kafka_committed(rk, query, kCommittedTimeoutMs); }, meanwhile);
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

void KafkaConsumer::ChooseResumeOffsets(rd_kafka_topic_partition_list_t* partitions) {
  // Listed at once, their lag unknown: a daemon that ticks while the committed offsets are read
  // sees partitions being assigned (not ready), not a standby's none.
  for (int i = 0; i < partitions->cnt; ++i) {
    const TopicPartition tp{partitions->elems[i].topic, partitions->elems[i].partition};
    at_end_[tp] = false;
    positions_.erase(tp);
  }
  const std::vector<GroupOffset> group =
      CommittedOffsets(rk_.get(), partitions, callbacks_.meanwhile);
  for (int i = 0; i < partitions->cnt; ++i) {
    const auto index = static_cast<size_t>(i);
    const TopicPartition tp{partitions->elems[i].topic, partitions->elems[i].partition};
    std::string_view from = "group";
    if (callbacks_.stored_offset) {
      if (auto offset = callbacks_.stored_offset(tp, group[index])) {
        partitions->elems[i].offset = *offset;
        from = "state";
      }
    }
    spdlog::info("msg=\"partition assigned\" topic={} partition={} resume_offset={} resume_from={}",
                 tp.topic, tp.partition, ResumeOffsetName(partitions->elems[i].offset), from);
  }
}

void KafkaConsumer::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<KafkaConsumer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    self->assignment_received_ = true;
    self->assignment_lost_ = false;
    // While closing nothing is read: the partitions are only taken so that the close can revoke
    // them, without waiting for the group's committed offsets.
    if (!self->closing_) self->ChooseResumeOffsets(partitions);
    if (rd_kafka_error_t* error = rd_kafka_incremental_assign(rk, partitions)) {
      spdlog::error("msg=\"incremental assign failed\" error=\"{}\"", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
    if (self->callbacks_.rebalanced) {
      self->callbacks_.rebalanced(static_cast<size_t>(partitions->cnt));
    }
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    if (rd_kafka_assignment_lost(rk)) self->assignment_lost_ = true;
    std::vector<TopicPartition> list;
    for (int i = 0; i < partitions->cnt; ++i) {
      list.push_back({partitions->elems[i].topic, partitions->elems[i].partition});
    }
    if (self->callbacks_.before_revoke)
      self->callbacks_.before_revoke(list, self->assignment_lost_);
    for (const auto& tp : list) {
      self->at_end_.erase(tp);
      self->positions_.erase(tp);
      self->pending_resumes_.erase(tp);
      spdlog::info("msg=\"partition revoked\" topic={} partition={}", tp.topic, tp.partition);
    }
    if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk, partitions)) {
      spdlog::error("msg=\"incremental unassign failed\" error=\"{}\"",
                    rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
    if (self->callbacks_.rebalanced) self->callbacks_.rebalanced(list.size());
    return;
  }
  spdlog::error("msg=\"rebalance error\" error=\"{}\"", rd_kafka_err2str(err));
  rd_kafka_assign(rk, nullptr);
}

std::optional<std::map<std::string, std::vector<int32_t>>> KafkaConsumer::FindTopics() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_topic_lookup_) return std::nullopt;
  next_topic_lookup_ = now + kTopicLookupRetry;
  // Every topic's metadata, not the input topics' by name: a broker that creates topics on
  // demand (the embedded one, Kafka by default) creates a topic a metadata request names, so a
  // mistyped --topics would be created and read empty instead of waited for.
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk_.get(), /*all_topics=*/1, nullptr, &metadata, kMetadataTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::debug("msg=\"no metadata yet\" error={}", rd_kafka_err2str(err));
    return std::nullopt;
  }
  std::map<std::string, std::vector<int32_t>> partitions;
  for (const auto& topic : topics_) {
    for (int t = 0; t < metadata->topic_cnt; ++t) {
      const rd_kafka_metadata_topic_t& candidate = metadata->topics[t];
      if (candidate.topic != topic || candidate.err || candidate.partition_cnt <= 0) continue;
      auto& ids = partitions[topic];
      for (int p = 0; p < candidate.partition_cnt; ++p) ids.push_back(candidate.partitions[p].id);
    }
    if (!partitions.contains(topic)) {
      spdlog::warn("msg=\"input topic not found; waiting for it\" topic={}", topic);
      missing_topic_ = topic;
      rd_kafka_metadata_destroy(metadata);
      return std::nullopt;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  missing_topic_.clear();
  return partitions;
}

void KafkaConsumer::AssignAll() {
  const auto partitions = FindTopics();
  if (!partitions) return;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(8);
  for (const auto& topic : topics_) {
    for (const int32_t id : partitions->at(topic)) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), id);
    }
  }
  ChooseResumeOffsets(list);
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list); err) {
    spdlog::error("msg=\"assign failed\" error=\"{}\"", rd_kafka_err2str(err));
    at_end_.clear();
  } else {
    started_ = true;
    if (callbacks_.rebalanced) callbacks_.rebalanced(static_cast<size_t>(list->cnt));
  }
  rd_kafka_topic_partition_list_destroy(list);
}

Status KafkaConsumer::SubscribeWhenTopicsExist() {
  // Subscribing makes librdkafka name the topics in its metadata requests, which creates them on
  // a broker that creates topics on demand: so only once they exist.
  if (!FindTopics()) return Status::Ok();
  rd_kafka_topic_partition_list_t* subscription =
      rd_kafka_topic_partition_list_new(static_cast<int>(topics_.size()));
  for (const auto& topic : topics_) {
    rd_kafka_topic_partition_list_add(subscription, topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_.get(), subscription);
  rd_kafka_topic_partition_list_destroy(subscription);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument(std::string("subscribe: ") + rd_kafka_err2str(err));
  }
  started_ = true;
  return Status::Ok();
}

Result<std::optional<Message>> KafkaConsumer::Poll(std::chrono::milliseconds timeout) {
  if (!started_) {
    if (assignment_ == PartitionAssignment::kAllPartitions) {
      AssignAll();
    } else if (Status s = SubscribeWhenTopicsExist(); !s.ok()) {
      return Err(s);
    }
  }
  if (Status s = RetryPendingResumes(); !s.ok()) return Err(s);
  rd_kafka_message_t* raw = rd_kafka_consumer_poll(rk_.get(), static_cast<int>(timeout.count()));
  if (raw == nullptr) return std::optional<Message>();
  Message message(raw);
  if (raw->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    TopicPartition tp{std::string(message.topic()), message.partition()};
    positions_[tp] = message.offset() + 1;
    at_end_[std::move(tp)] = false;
    return std::optional<Message>(std::move(message));
  }
  if (raw->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    if (raw->rkt != nullptr) {
      TopicPartition tp{std::string(message.topic()), message.partition()};
      positions_[tp] = message.offset();
      at_end_[std::move(tp)] = true;
    }
    return std::optional<Message>();
  }
  if (raw->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET && raw->rkt != nullptr) {
    const TopicPartition tp{std::string(message.topic()), message.partition()};
    if (Status s = ResumeOutOfRange(tp, message.offset()); !s.ok()) return Err(s);
    return std::optional<Message>();
  }
  char error[512];
  if (rd_kafka_fatal_error(rk_.get(), error, sizeof error) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable(std::string("kafka consumer fatal error: ") + error));
  }
  spdlog::warn("msg=\"consumer error\" error={}", Quote(rd_kafka_message_errstr(raw)));
  return std::optional<Message>();
}

Status KafkaConsumer::ResumeOutOfRange(const TopicPartition& tp, int64_t offset) {
  // A logical offset (no committed one) starts at the first record held, which librdkafka finds
  // itself; only a gap needs to know what the partition holds.
  int64_t low = RD_KAFKA_OFFSET_BEGINNING;
  if (offset >= 0) {
    auto held = CallWhileWaiting(
        [&] { return QueryHeldOffsets(rk_.get(), tp.topic, tp.partition, kHeldOffsetsTimeout); },
        callbacks_.meanwhile);
    if (!held) {
      // The leader is away: the partition stays stopped and is resumed once it answers.
      spdlog::warn(
          "msg=\"partition out of range; resuming it once its leader answers\" topic={} "
          "partition={} offset={} error={}",
          tp.topic, tp.partition, offset, Quote(held.error().message()));
      pending_resumes_[tp] = offset;
      return Status::Ok();
    }
    const OffsetGap gap{tp, offset, held->first, held->end};
    if (!callbacks_.offset_gap) return Status::NotFound(DescribeOffsetGap(gap));
    if (Status s = callbacks_.offset_gap(gap); !s.ok()) return s;
    low = held->first;
  }
  // librdkafka stopped fetching the partition, and a stopped partition cannot seek: it is
  // assigned again, at its first offset held.
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = low;
  rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk_.get(), list);
  if (error == nullptr) error = rd_kafka_incremental_assign(rk_.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (error != nullptr) {
    const std::string why = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    return Status::Unavailable("cannot resume " + PartitionName(tp) + " at offset " +
                               std::to_string(low) + ": " + why);
  }
  positions_.erase(tp);
  at_end_[tp] = false;
  return Status::Ok();
}

Status KafkaConsumer::RetryPendingResumes() {
  if (pending_resumes_.empty() || std::chrono::steady_clock::now() < next_resume_retry_) {
    return Status::Ok();
  }
  next_resume_retry_ = std::chrono::steady_clock::now() + kResumeRetry;
  const auto pending = std::exchange(pending_resumes_, {});
  for (const auto& [tp, offset] : pending) {
    if (Status s = ResumeOutOfRange(tp, offset); !s.ok()) return s;
  }
  return Status::Ok();
}

std::map<TopicPartition, std::optional<int64_t>> KafkaConsumer::Lag() const {
  std::map<TopicPartition, std::optional<int64_t>> lag;
  for (const auto& [tp, at_end] : at_end_) {
    std::optional<int64_t>& entry = lag[tp];
    const auto position = positions_.find(tp);
    if (position == positions_.end()) continue;
    int64_t low = 0;
    int64_t high = 0;
    if (rd_kafka_get_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;
    }
    entry = std::max<int64_t>(0, high - position->second);
  }
  return lag;
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

bool KafkaConsumer::Member() const {
  if (assignment_ != PartitionAssignment::kGroup) return started_;
  if (!assignment_received_ || assignment_lost_) return false;
  // librdkafka drops the member id when the session expires or the group refuses the member's
  // heartbeat, at once: before the revoke that takes its partitions comes with a later poll, which
  // a daemon waiting for acknowledgements may not make for a while; and for a standby, which has
  // no partitions to lose, no revoke tells it. It is out of the group until a join answers with a
  // new id.
  return HasMemberId();
}

bool KafkaConsumer::HasMemberId() const {
  char* member_id = rd_kafka_memberid(rk_.get());
  const bool joined = member_id != nullptr && *member_id != '\0';
  rd_kafka_mem_free(rk_.get(), member_id);
  return joined;
}

bool KafkaConsumer::AwaitFirstAssignment() {
  // librdkafka picks the assignor, whose state it destroys with the client, when the group
  // answers a join, and that answer carries the member id: without one there is nothing to wait
  // for.
  if (!HasMemberId()) return true;
  spdlog::info("msg=\"closing during a rebalance; waiting for the group's first assignment\"");
  const auto deadline = std::chrono::steady_clock::now() + kFirstAssignmentWait;
  while (!assignment_received_) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Serves the rebalance callback; no record can come before an assignment.
    if (rd_kafka_message_t* raw = rd_kafka_consumer_poll(rk_.get(), kClosePollMs)) {
      rd_kafka_message_destroy(raw);
    }
  }
  return true;
}

void KafkaConsumer::Close() {
  if (closed_ || !rk_) return;
  closed_ = true;
  closing_ = true;
  bool safe_to_destroy = true;
  if (assignment_ == PartitionAssignment::kGroup && !assignment_received_) {
    safe_to_destroy = AwaitFirstAssignment();
  }
  rd_kafka_consumer_close(rk_.get());
  if (!safe_to_destroy) {
    spdlog::warn(
        "msg=\"no assignment from the group within {} s; leaving the Kafka client to the process "
        "exit (librdkafka aborts destroying a member that has none)\"",
        std::chrono::duration_cast<std::chrono::seconds>(kFirstAssignmentWait).count());
    static_cast<void>(rk_.release());
  }
}

}  // namespace headwire::common
