#include "processors/article_processor.h"

#include <spdlog/spdlog.h>

#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "common/logging.h"
#include "common/proto_convert.h"
#include "headwire/v1/article.pb.h"

namespace headwire::processors {
namespace {

// One processor run: the decider, the producer and the counters it shares between records.
class Processor {
 public:
  Processor(const ProcessorOptions& options, ArticleDecider& decider,
            common::KafkaProducer& producer)
      : options_(options), decider_(decider), producer_(producer) {}

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
    const std::optional<int64_t> local = decider_.StoredOffset(tp);
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
    auto emit = ArticleDecider::Emit::kYes;
    if (const auto it = replay_until_.find(tp); it != replay_until_.end()) {
      if (message.offset() < it->second) {
        emit = ArticleDecider::Emit::kNo;
      } else {
        spdlog::info("msg=\"caught up\" topic={} partition={} offset={}", tp.topic, tp.partition,
                     message.offset());
        replay_until_.erase(it);
      }
    }
    const common::ConsumedRecord record = message.record();
    auto decision = decider_.Decide(record, emit);
    if (!decision) return decision.error();
    if (emit == ArticleDecider::Emit::kNo) {
      ++stats_.replayed;
      return Status::Ok();
    }
    ++stats_.consumed;
    for (const auto& output : decision->outputs) {
      if (Status s = producer_.Produce(output); !s.ok()) return s;
    }
    switch (decision->kind) {
      case DecisionKind::kDeadLetter:
        ++stats_.dead_lettered;
        spdlog::warn("msg=\"dead letter\" topic={} partition={} offset={} reason={} detail={}",
                     record.topic, record.partition, record.offset,
                     v1::DeadLetterReason_Name(decision->reason), common::Quote(decision->why));
        break;
      case DecisionKind::kDuplicate:
        ++stats_.duplicates;
        break;
      case DecisionKind::kUnique:
        ++stats_.unique;
        for (const auto& topic : decision->topics) ++stats_.per_topic[topic];
        break;
    }
    return Status::Ok();
  }

  // Flushes the batch's output, then writes its dedup memory and offsets in one batch.
  Status Persist(common::KafkaConsumer& consumer) {
    if (pending_offsets_.empty()) return Status::Ok();
    if (Status s = producer_.Flush(options_.flush_timeout); !s.ok()) {
      decider_.Discard();
      return s.WithContext("output not acknowledged; the batch will be redone after restart");
    }
    if (Status s = decider_.Commit(pending_offsets_); !s.ok()) return s;
    consumer.CommitAsync(pending_offsets_);
    pending_offsets_.clear();
    return Status::Ok();
  }

  // The first error met while partitions were assigned; it stops the daemon.
  const Status& assign_status() const { return assign_status_; }

  const ProcessorStats& stats() const { return stats_; }

 private:
  const ProcessorOptions& options_;
  ArticleDecider& decider_;
  common::KafkaProducer& producer_;
  ProcessorStats stats_;
  std::map<common::TopicPartition, int64_t> pending_offsets_;
  // Per partition: records below this offset were already emitted by a previous owner.
  std::map<common::TopicPartition, int64_t> replay_until_;
  Status assign_status_;
};

}  // namespace

Result<ProcessorStats> RunProcessor(const ProcessorOptions& options,
                                    const core::TopicClassifier& classifier) {
  auto decider = ArticleDecider::Open(options.state_dir, options.decide, classifier);
  if (!decider) return Err(decider.error());
  spdlog::info("msg=\"story window restored\" articles={} stories={}", (*decider)->recent().size(),
               (*decider)->recent().story_count());
  auto producer = common::KafkaProducer::Create(options.kafka);
  if (!producer) return Err(producer.error());

  Processor processor(options, **decider, **producer);
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
