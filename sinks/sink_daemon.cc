#include "sinks/sink_daemon.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "common/checkpoint_request.h"
#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "common/logging.h"
#include "common/proto_convert.h"

namespace headwire::sinks {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kFlushTimeout{30};
constexpr std::chrono::seconds kQuietInterval{1};

}  // namespace

Status RestoreCheckpoint(const std::string& checkpoint, const std::string& state_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(checkpoint) / "CURRENT", ec)) {
    return Status::NotFound("no checkpoint at " + checkpoint);
  }
  if (fs::exists(state_dir, ec) && !fs::is_empty(state_dir, ec)) {
    return Status::InvalidArgument("state directory " + state_dir +
                                   " is not empty; a checkpoint is restored into a fresh one");
  }
  fs::create_directories(state_dir, ec);
  fs::copy(checkpoint, state_dir, fs::copy_options::recursive, ec);
  if (ec) return Status::IoError("copy checkpoint " + checkpoint + ": " + ec.message());
  return Status::Ok();
}

Result<SinkStats> RunSink(const SinkOptions& options) {
  if (!options.from_checkpoint.empty()) {
    if (Status s = RestoreCheckpoint(options.from_checkpoint, options.state_dir); !s.ok()) {
      return Err(s);
    }
    spdlog::info("msg=\"restored checkpoint\" checkpoint={} state={}", options.from_checkpoint,
                 options.state_dir);
  }
  auto store = ArticleStore::Open(options.state_dir, /*for_queries=*/false, options.store);
  if (!store) return Err(store.error());
  std::unique_ptr<common::KafkaProducer> producer;
  if (options.apply.late_policy == LatePolicy::kDeadLetter) {
    auto created = common::KafkaProducer::Create(options.kafka);
    if (!created) return Err(created.error());
    producer = std::move(*created);
  }
  // What /v1/status reports, as of the last committed batch; read by the HTTP server's threads.
  struct Progress {
    std::atomic<uint64_t> consumed{0}, rejected{0}, late{0};
  };
  auto progress = std::make_shared<Progress>();
  std::unique_ptr<HttpServer> http;
  if (options.http) {
    auto started =
        HttpServer::Start(*options.http, **store,
                          [progress, topic = options.processed_topic, group = options.group_id] {
                            return common::Json{{"input_topic", topic},
                                                {"group", group},
                                                {"consumed", progress->consumed.load()},
                                                {"rejected", progress->rejected.load()},
                                                {"late", progress->late.load()}};
                          });
    if (!started) return Err(started.error());
    http = std::move(*started);
  }

  SinkStats stats;
  ArticleStore::Batch batch;
  std::map<common::TopicPartition, int64_t> pending_offsets;
  std::map<std::string, Clock::time_point> last_record;
  common::KafkaConsumer* consumer_ptr = nullptr;
  Status revoke_status;
  uint64_t since_checkpoint = 0;
  auto last_quiet = Clock::now();

  auto idle_partitions = [&]() {
    std::set<std::string> idle;
    const bool caught_up = consumer_ptr != nullptr && consumer_ptr->CaughtUp();
    const auto now = Clock::now();
    for (const auto& partition : (*store)->KnownPartitions()) {
      const auto it = last_record.find(partition);
      if (caught_up || it == last_record.end() || now - it->second >= options.idle_after) {
        idle.insert(partition);
      }
    }
    return idle;
  };
  auto checkpoint = [&]() -> Status {
    if (options.checkpoint_dir.empty()) {
      spdlog::warn("msg=\"checkpoint requested but no --checkpoint-dir given\"");
      return Status::Ok();
    }
    int64_t covered = 0;
    for (const auto& [tp, offset] : (*store)->StoredOffsets()) covered += offset;
    const auto dir =
        std::filesystem::path(options.checkpoint_dir) / ("offsets-" + std::to_string(covered));
    std::error_code ec;
    since_checkpoint = 0;
    if (std::filesystem::exists(dir, ec)) return Status::Ok();  // nothing new since then
    std::filesystem::create_directories(options.checkpoint_dir, ec);
    if (Status s = (*store)->state().Checkpoint(dir.string()); !s.ok()) return s;
    ++stats.checkpoints;
    spdlog::info("msg=\"checkpoint\" dir={} records={}", dir.string(), covered);
    return Status::Ok();
  };
  auto persist = [&]() -> Status {
    if (pending_offsets.empty()) return Status::Ok();
    if (producer) {
      if (Status s = producer->Flush(kFlushTimeout); !s.ok()) return s;
    }
    if (Status s = (*store)->Commit(batch, pending_offsets, idle_partitions()); !s.ok()) return s;
    if (consumer_ptr != nullptr) consumer_ptr->CommitAsync(pending_offsets);
    pending_offsets.clear();
    progress->consumed = stats.consumed;
    progress->rejected = stats.rejected;
    progress->late = stats.late;
    const bool interval_due = options.checkpoint_interval_records > 0 &&
                              since_checkpoint >= options.checkpoint_interval_records;
    if (interval_due || common::TakeCheckpointRequest()) return checkpoint();
    return Status::Ok();
  };
  RecordApplier applier(**store, options.apply);
  auto handle = [&](const common::Message& message) -> Status {
    ++stats.consumed;
    ++since_checkpoint;
    const common::ConsumedRecord record = message.record();
    const common::TopicPartition tp{std::string(record.topic), record.partition};
    pending_offsets[tp] = record.offset + 1;
    last_record[PartitionName(tp)] = Clock::now();
    auto applied = applier.Apply(batch, record);
    if (!applied) return applied.error();
    if (applied->outcome == ApplyOutcome::kRejected) {
      ++stats.rejected;
      spdlog::warn("msg=\"rejected record\" topic={} partition={} offset={} reason={}", tp.topic,
                   tp.partition, record.offset, common::Quote(applied->reason));
    } else if (applied->outcome == ApplyOutcome::kLate) {
      ++stats.late;
      spdlog::debug("msg=\"late record\" topic={} partition={} offset={}", tp.topic, tp.partition,
                    record.offset);
      if (applied->dead_letter) return producer->Produce(*applied->dead_letter);
    }
    return Status::Ok();
  };
  // While the input is quiet, idle partitions stop holding the watermark back and on-demand
  // checkpoints are still served.
  auto quiet = [&]() -> Status {
    if (Clock::now() - last_quiet < kQuietInterval) return Status::Ok();
    last_quiet = Clock::now();
    if (Status s = (*store)->AdvanceWatermark(idle_partitions()); !s.ok()) return s;
    if (common::TakeCheckpointRequest()) return checkpoint();
    return Status::Ok();
  };

  common::ConsumerCallbacks callbacks{
      .stored_offset = [&](const common::TopicPartition& tp,
                           const common::GroupOffset&) { return (*store)->StoredOffset(tp); },
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
  Status status = common::RunConsumeLoop(
      **consumer, options.loop,
      {.handle = handle,
       .persist = [&]() { return revoke_status.ok() ? persist() : revoke_status; },
       .quiet = quiet});
  if (status.ok()) status = revoke_status;
  // At the end of the input every partition is caught up, so none holds the watermark back.
  if (status.ok() && options.loop.exit_at_end) {
    status = (*store)->AdvanceWatermark((*store)->KnownPartitions());
  }
  if (status.ok() && common::TakeCheckpointRequest()) status = checkpoint();
  (*consumer)->Close();
  if (!status.ok()) return Err(status);
  spdlog::info("msg=\"sink stopped\" consumed={} rejected={} late={}", stats.consumed,
               stats.rejected, stats.late);
  return stats;
}

}  // namespace headwire::sinks
