#include "processors/article_processor.h"

#include <spdlog/spdlog.h>

#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "common/logging.h"
#include "common/proto_convert.h"
#include "common/state_store.h"
#include "headwire/v1/article.pb.h"
#include "processors/recent_state.h"
#include "processors/rocks_dedup_index.h"

namespace headwire::processors {
namespace {

constexpr const char* kProcessorName = "headwire-process/0.1.0";

std::string JoinTopics(const std::vector<std::string>& topics) {
  std::string out;
  for (const auto& t : topics) {
    if (!out.empty()) out += ',';
    out += t;
  }
  return out;
}

// One processor run: the clients, the state and the counters it shares between records.
class Processor {
 public:
  Processor(const ProcessorOptions& options, const core::TopicClassifier& classifier,
            common::StateStore& store, common::KafkaProducer& producer,
            ForgottenEntryFilter& forgotten)
      : options_(options),
        classifier_(classifier),
        store_(store),
        producer_(producer),
        forgotten_(forgotten),
        index_(store),
        recent_(options.pipeline.recent),
        pipeline_(options.pipeline, &classifier, index_, &recent_),
        taxonomy_(classifier.Describe()) {}

  // Loads the near-duplicate and story window that the last persisted batch left.
  Status Restore() {
    if (Status s = RestoreRecentArticles(store_, recent_); !s.ok()) return s;
    spdlog::info("msg=\"story window restored\" articles={} stories={}", recent_.size(),
                 recent_.story_count());
    PublishForgetCutoff();
    return Status::Ok();
  }

  // Where a newly assigned raw partition resumes. Normally where this instance's own state
  // stopped. When the group's committed offset is further (another instance owned the partition
  // since), the records in between are decided again without output: their output is already
  // on the topics, and deciding them rebuilds the exact state the previous owner had, because
  // verdicts depend only on the records and their order.
  std::optional<int64_t> ResumeOffset(const common::TopicPartition& tp,
                                      const common::GroupOffset& group) {
    if (tp.partition > 0) {
      spdlog::warn(
          "msg=\"raw topic has more than one partition: duplicates that land on different "
          "partitions are judged in the order the partitions happen to be read\" topic={}",
          tp.topic);
    }
    const std::optional<int64_t> local = store_.LoadOffset(tp);
    if (!group.known) {
      if (assign_status_.ok()) {
        assign_status_ = Status::Unavailable(
            "the group's committed offset of " + tp.topic + "/" + std::to_string(tp.partition) +
            " is unknown; stopping rather than deciding with state that may be behind");
      }
      return local;
    }
    if (group.committed && *group.committed > local.value_or(0)) {
      replay_until_[tp] = *group.committed;
      spdlog::info(
          "msg=\"catching up: another instance owned the partition; deciding its records again "
          "without output\" topic={} partition={} from={} to={}",
          tp.topic, tp.partition, local ? std::to_string(*local) : "beginning", *group.committed);
      return local.value_or(common::kOffsetBeginning);
    }
    replay_until_.erase(tp);
    return local;
  }

  Status Handle(const common::Message& message) {
    const common::TopicPartition tp{std::string(message.topic()), message.partition()};
    pending_offsets_[tp] = message.offset() + 1;
    if (const auto it = replay_until_.find(tp); it != replay_until_.end()) {
      if (message.offset() < it->second) {
        ++stats_.replayed;
        return Decide(message, Output::kSuppress);
      }
      spdlog::info("msg=\"caught up\" topic={} partition={} offset={}", tp.topic, tp.partition,
                   message.offset());
      replay_until_.erase(it);
    }
    ++stats_.consumed;
    return Decide(message, Output::kEmit);
  }

  // Flushes the batch's output, then writes its dedup memory and offsets in one batch.
  Status Persist(common::KafkaConsumer& consumer) {
    if (pending_offsets_.empty()) return Status::Ok();
    if (Status s = producer_.Flush(options_.flush_timeout); !s.ok()) {
      index_.DiscardChanges();
      return s.WithContext("output not acknowledged; the batch will be redone after restart");
    }
    if (!index_.status().ok()) return index_.status();
    rocksdb::WriteBatch batch;
    index_.TakeChanges(batch);
    TakeRecentChanges(store_, recent_, batch);
    for (const auto& [tp, offset] : pending_offsets_) store_.PutOffset(batch, tp, offset);
    if (Status s = store_.Write(batch); !s.ok()) return s;
    PublishForgetCutoff();
    consumer.CommitAsync(pending_offsets_);
    pending_offsets_.clear();
    return Status::Ok();
  }

  // The first error met while partitions were assigned; it stops the daemon.
  const Status& assign_status() const { return assign_status_; }

  const ProcessorStats& stats() const { return stats_; }

 private:
  // kSuppress decides (and so updates the state) without writing or counting anything.
  enum class Output { kEmit, kSuppress };

  Status Decide(const common::Message& message, Output output) {
    if (auto type = message.header(common::kTypeHeader);
        type && *type != v1::RawArticle::descriptor()->full_name()) {
      return DeadLetter(output, message, v1::DEAD_LETTER_REASON_UNKNOWN_SCHEMA,
                        "headwire-type is \"" + std::string(*type) + "\", expected " +
                            v1::RawArticle::descriptor()->full_name());
    }
    if (auto version = message.header(common::kSchemaVersionHeader);
        version && *version != common::kSchemaVersion) {
      return DeadLetter(output, message, v1::DEAD_LETTER_REASON_UNKNOWN_SCHEMA,
                        "unsupported schema version \"" + std::string(*version) + "\"");
    }
    v1::RawArticle raw;
    const auto value = message.value();
    if (!raw.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return DeadLetter(
          output, message, v1::DEAD_LETTER_REASON_UNDECODABLE,
          "value is not a headwire.v1.RawArticle (" + std::to_string(value.size()) + " bytes)");
    }
    core::Article article = common::ToCoreArticle(raw);
    auto verdict = pipeline_.Process(article);
    if (!verdict)
      return DeadLetter(output, message,
                        common::DeadLetterReasonFor(core::RejectReasonName(verdict.error().reason)),
                        verdict.error().message);
    if (output == Output::kSuppress) return Status::Ok();
    raw.set_id(article.id);

    const v1::ProcessedArticle processed = common::ToProcessedArticle(
        raw, *verdict, {std::string(message.topic()), message.partition()}, message.offset(),
        kProcessorName, taxonomy_);
    const std::string bytes = processed.SerializeAsString();
    std::vector<common::Header> extra{
        {"headwire-article-id", article.id},
        {"headwire-topics", JoinTopics(verdict->classification.topics)}};
    if (!processed.duplicate_of().empty()) {
      extra.push_back({"headwire-duplicate-of", processed.duplicate_of()});
    }
    const auto headers =
        common::MessageHeaders(v1::ProcessedArticle::descriptor()->full_name(), std::move(extra));
    if (Status s = producer_.Produce(options_.processed_topic, article.id, bytes, headers);
        !s.ok()) {
      return s;
    }
    if (!processed.duplicate_of().empty()) {
      ++stats_.duplicates;
      return Status::Ok();
    }
    ++stats_.unique;
    for (const auto& topic : processed.topics()) {
      if (Status s = producer_.Produce(options_.topic_prefix + topic, article.id, bytes, headers);
          !s.ok()) {
        return s;
      }
      ++stats_.per_topic[topic];
    }
    return Status::Ok();
  }

  // Lets compaction drop the exact-dedup entries that the persisted state has forgotten.
  void PublishForgetCutoff() {
    if (recent_.watermark() == core::kNoWatermark) return;
    forgotten_.Advance(recent_.watermark() - options_.pipeline.dedup.forget_after_ms);
  }

  Status DeadLetter(Output output, const common::Message& message, v1::DeadLetterReason reason,
                    std::string why) {
    if (output == Output::kSuppress) return Status::Ok();
    ++stats_.dead_lettered;
    spdlog::warn("msg=\"dead letter\" topic={} partition={} offset={} reason={} detail={}",
                 message.topic(), message.partition(), message.offset(),
                 v1::DeadLetterReason_Name(reason), common::Quote(why));
    return common::ProduceDeadLetter(producer_, options_.dlq_topic, message, reason, std::move(why),
                                     "process");
  }

  const ProcessorOptions& options_;
  const core::TopicClassifier& classifier_;
  common::StateStore& store_;
  common::KafkaProducer& producer_;
  ForgottenEntryFilter& forgotten_;
  RocksDedupIndex index_;
  core::RecentArticles recent_;
  core::ArticlePipeline pipeline_;
  std::string taxonomy_;
  ProcessorStats stats_;
  std::map<common::TopicPartition, int64_t> pending_offsets_;
  // Per partition: records below this offset were already emitted by a previous owner.
  std::map<common::TopicPartition, int64_t> replay_until_;
  Status assign_status_;
};

}  // namespace

Result<ProcessorStats> RunProcessor(const ProcessorOptions& options,
                                    const core::TopicClassifier& classifier) {
  auto forgotten = std::make_shared<ForgottenEntryFilter>();
  auto store = common::StateStore::Open({.path = options.state_dir,
                                         .kind = common::StateKind::kProcessor,
                                         .column_families = {kDedupFamily},
                                         .compaction_filters = {{kDedupFamily, forgotten}}});
  if (!store) return Err(store.error());
  auto producer = common::KafkaProducer::Create(options.kafka);
  if (!producer) return Err(producer.error());

  Processor processor(options, classifier, **store, **producer, *forgotten);
  if (Status s = processor.Restore(); !s.ok()) return Err(s);
  common::KafkaConsumer* consumer_ptr = nullptr;
  Status revoke_status;
  common::ConsumerCallbacks callbacks{
      .stored_offset =
          [&](const common::TopicPartition& tp, const common::GroupOffset& group) {
            return processor.ResumeOffset(tp, group);
          },
      .before_revoke =
          [&](const std::vector<common::TopicPartition>&) {
            if (consumer_ptr == nullptr) return;
            if (Status s = processor.Persist(*consumer_ptr); !s.ok() && revoke_status.ok()) {
              revoke_status = s;
            }
          },
  };
  auto consumer = common::KafkaConsumer::Create(options.kafka, options.group_id,
                                                {options.raw_topic}, std::move(callbacks));
  if (!consumer) return Err(consumer.error());
  consumer_ptr = consumer->get();

  spdlog::info("msg=\"processor started\" input={} state={}", options.raw_topic, options.state_dir);
  Status status = common::RunConsumeLoop(
      **consumer, options.loop,
      {.handle = [&](const common::Message& m) { return processor.Handle(m); },
       .persist =
           [&]() {
             if (!processor.assign_status().ok()) return processor.assign_status();
             return revoke_status.ok() ? processor.Persist(**consumer) : revoke_status;
           }});
  if (status.ok()) status = revoke_status;
  if (status.ok()) status = processor.assign_status();
  (*consumer)->Close();
  if (!status.ok()) return Err(status);
  const auto& stats = processor.stats();
  spdlog::info(
      "msg=\"processor stopped\" consumed={} unique={} duplicates={} dead_lettered={} replayed={}",
      stats.consumed, stats.unique, stats.duplicates, stats.dead_lettered, stats.replayed);
  return stats;
}

}  // namespace headwire::processors
