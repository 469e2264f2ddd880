#include "sinks/sink_daemon.h"

#include <spdlog/spdlog.h>

#include "common/kafka_consumer.h"
#include "common/logging.h"
#include "common/proto_convert.h"
#include "sinks/article_store.h"

namespace headwire::sinks {

Result<SinkStats> RunSink(const SinkOptions& options) {
  auto store =
      ArticleStore::Open(options.state_dir, /*for_queries=*/false, options.block_cache_bytes);
  if (!store) return Err(store.error());

  SinkStats stats;
  ArticleStore::Batch batch;
  std::map<common::TopicPartition, int64_t> pending_offsets;
  common::KafkaConsumer* consumer_ptr = nullptr;
  Status revoke_status;

  auto persist = [&]() -> Status {
    if (pending_offsets.empty()) return Status::Ok();
    if (Status s = (*store)->Commit(batch, pending_offsets); !s.ok()) return s;
    if (consumer_ptr != nullptr) consumer_ptr->CommitAsync(pending_offsets);
    pending_offsets.clear();
    return Status::Ok();
  };
  auto handle = [&](const common::Message& message) -> Status {
    ++stats.consumed;
    const common::TopicPartition tp{std::string(message.topic()), message.partition()};
    pending_offsets[tp] = message.offset() + 1;
    v1::ProcessedArticle article;
    const auto type = message.header(common::kTypeHeader);
    const bool right_type = !type || *type == v1::ProcessedArticle::descriptor()->full_name();
    const auto value = message.value();
    if (!right_type || !article.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      ++stats.rejected;
      const std::string reason =
          right_type ? "undecodable ProcessedArticle" : "unexpected type " + std::string(*type);
      spdlog::warn("msg=\"rejected record\" topic={} partition={} offset={} reason={}", tp.topic,
                   tp.partition, message.offset(), common::Quote(reason));
      (*store)->StageReject(batch, tp, message.offset(), reason);
      return Status::Ok();
    }
    return (*store)->Stage(batch, article);
  };

  common::ConsumerCallbacks callbacks{
      .stored_offset = [&](const common::TopicPartition& tp) { return (*store)->StoredOffset(tp); },
      .before_revoke =
          [&](const std::vector<common::TopicPartition>&) {
            if (Status s = persist(); !s.ok() && revoke_status.ok()) revoke_status = s;
          },
  };
  auto consumer = common::KafkaConsumer::Create(options.kafka, options.group_id,
                                                {options.processed_topic}, std::move(callbacks));
  if (!consumer) return Err(consumer.error());
  consumer_ptr = consumer->get();

  spdlog::info("msg=\"sink started\" input={} state={}", options.processed_topic,
               options.state_dir);
  Status status = common::RunConsumeLoop(**consumer, options.loop,
                                         {.handle = handle, .persist = [&]() {
                                            return revoke_status.ok() ? persist() : revoke_status;
                                          }});
  if (status.ok()) status = revoke_status;
  (*consumer)->Close();
  if (!status.ok()) return Err(status);
  spdlog::info("msg=\"sink stopped\" consumed={} rejected={}", stats.consumed, stats.rejected);
  return stats;
}

}  // namespace headwire::sinks
