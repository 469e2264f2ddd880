#include "sinks/sink_daemon.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "common/checkpoint_request.h"
#include "common/consumer_daemon.h"
#include "common/daemon_context.h"
#include "common/log_sampler.h"
#include "common/logging.h"
#include "common/proto_convert.h"

namespace headwire::sinks {

namespace {

// The rejected records logged in full per interval.
constexpr common::LogSamplerOptions kRejectLog{.burst = 5, .interval = std::chrono::seconds(10)};

// What /v1/status reports, as of the last committed batch; read by the HTTP server's threads.
struct Progress {
  std::atomic<uint64_t> consumed{0}, rejected{0}, late{0};
};

// The sink's stage on the daemon runtime: apply records, commit them with their offsets, keep
// the watermark moving while the input is quiet, and take checkpoints.
class SinkStage final : public common::ConsumerStage {
 public:
  SinkStage(const SinkOptions& options, RecordApplierOptions apply, ArticleStore& store,
            common::DaemonMetrics& metrics, Progress& progress)
      : options_(options),
        store_(store),
        metrics_(metrics),
        progress_(progress),
        applier_(store, std::move(apply)) {
    // Every series starts at 0, so that an alert on its rate tells "none yet" from "not exported".
    metrics_.RejectedRecords();
    metrics_.LateRecords();
    if (applier_.options().late_policy == LatePolicy::kDeadLetter) {
      metrics_.DeadLetters(v1::DEAD_LETTER_REASON_LATE);
    }
  }

  // The sink resumes from the offsets in its own state, and from the partition's start when its
  // state has none, whatever the group committed: the group's offsets may be another sink's.
  Result<std::optional<int64_t>> ResumeOffset(const common::TopicPartition& tp,
                                              const common::GroupOffset&) override {
    return store_.StoredOffset(tp).value_or(common::kOffsetBeginning);
  }

  Status Handle(const common::ConsumedRecord& record, common::Output& output) override {
    ++stats_.consumed;
    ++since_checkpoint_;
    const common::TopicPartition tp{std::string(record.topic), record.partition};
    last_record_[common::PartitionName(tp)] = Clock::now();
    auto applied = applier_.Apply(batch_, record);
    if (!applied) return applied.error();
    if (applied->outcome == ApplyOutcome::kRejected) {
      ++stats_.rejected;
      metrics_.RejectedRecords().Increment();
      const auto now = Clock::now();
      ReportSuppressedRejects(now);
      if (reject_log_.Admit(now)) {
        spdlog::warn("msg=\"rejected record\" topic={} partition={} offset={} reason={}", tp.topic,
                     tp.partition, record.offset, common::Quote(applied->reason));
      }
    } else if (applied->outcome == ApplyOutcome::kOtherTopic) {
      ++stats_.other_topics;
    } else if (applied->outcome == ApplyOutcome::kLate) {
      ++stats_.late;
      metrics_.LateRecords().Increment();
      spdlog::debug("msg=\"late record\" topic={} partition={} offset={}", tp.topic, tp.partition,
                    record.offset);
      if (applied->dead_letter) {
        metrics_.DeadLetters(v1::DEAD_LETTER_REASON_LATE).Increment();
        return output.Produce(*applied->dead_letter);
      }
    }
    return Status::Ok();
  }

  Status Commit(const std::map<common::TopicPartition, int64_t>& next_offsets,
                bool caught_up) override {
    if (Status s = store_.Commit(batch_, next_offsets, IdlePartitions(caught_up)); !s.ok()) {
      return s;
    }
    batch_ = ArticleStore::Batch();
    ReportSuppressedRejects(Clock::now());
    progress_.consumed = stats_.consumed;
    progress_.rejected = stats_.rejected;
    progress_.late = stats_.late;
    const bool interval_due = options_.checkpoint_interval_records > 0 &&
                              since_checkpoint_ >= options_.checkpoint_interval_records;
    if (interval_due || common::TakeCheckpointRequest()) return Checkpoint();
    return Status::Ok();
  }

  // While the input is quiet, idle partitions stop holding the watermark back and on-demand
  // checkpoints are still served.
  Status Quiet(bool caught_up) override {
    if (Status s = store_.AdvanceWatermark(IdlePartitions(caught_up)); !s.ok()) return s;
    ReportSuppressedRejects(Clock::now());
    if (common::TakeCheckpointRequest()) return Checkpoint();
    return Status::Ok();
  }

  // At the end of the input every partition is caught up, so none holds the watermark back.
  Status Finish(bool at_end) override {
    // Stopped within an interval (at the end of the input, say), its summary would be lost.
    LogSuppressedRejects(reject_log_.TakeSuppressedAtStop());
    if (at_end) {
      if (Status s = store_.AdvanceWatermark(store_.KnownPartitions()); !s.ok()) return s;
    }
    if (common::TakeCheckpointRequest()) return Checkpoint();
    return Status::Ok();
  }

  const common::StateStore* state() const override { return &store_.state(); }

  const SinkStats& stats() const { return stats_; }

 private:
  using Clock = std::chrono::steady_clock;

  std::set<std::string> IdlePartitions(bool caught_up) const {
    std::set<std::string> idle;
    const auto now = Clock::now();
    for (const auto& partition : store_.KnownPartitions()) {
      const auto it = last_record_.find(partition);
      if (caught_up || it == last_record_.end() || now - it->second >= options_.idle_after) {
        idle.insert(partition);
      }
    }
    return idle;
  }

  // Input decides how many records are rejected; the log shows the first few of an interval in
  // full and then how many more there were (the metric and the totals count every one).
  void ReportSuppressedRejects(Clock::time_point now) {
    LogSuppressedRejects(reject_log_.TakeSuppressed(now));
  }
  void LogSuppressedRejects(uint64_t count) {
    if (count == 0) return;
    spdlog::warn("msg=\"more rejected records, not logged one by one\" count={} interval_s={}",
                 count,
                 std::chrono::duration_cast<std::chrono::seconds>(kRejectLog.interval).count());
  }

  Status Checkpoint() {
    if (options_.checkpoint_dir.empty()) {
      spdlog::warn("msg=\"checkpoint requested but no --checkpoint-dir given\"");
      return Status::Ok();
    }
    int64_t covered = 0;
    for (const auto& [tp, offset] : store_.StoredOffsets()) covered += offset;
    const auto dir =
        std::filesystem::path(options_.checkpoint_dir) / ("offsets-" + std::to_string(covered));
    std::error_code ec;
    since_checkpoint_ = 0;
    if (std::filesystem::exists(dir, ec)) {
      // An operator who asked for it still learns where the state is checkpointed.
      spdlog::info("msg=\"checkpoint already taken; nothing new since\" dir={} records={}",
                   dir.string(), covered);
      return Status::Ok();
    }
    std::filesystem::create_directories(options_.checkpoint_dir, ec);
    // The state itself is committed and sound: a checkpoint that cannot be written (a full disk,
    // the directory gone) costs the copy, not the daemon and the queries it serves.
    if (Status s = store_.state().Checkpoint(dir.string()); !s.ok()) {
      ++stats_.failed_checkpoints;
      spdlog::error(
          "msg=\"checkpoint failed; the sink goes on and tries again at the next request or "
          "interval\" dir={} records={} error={}",
          common::Quote(dir.string()), covered, common::Quote(s.ToString()));
      return Status::Ok();
    }
    ++stats_.checkpoints;
    spdlog::info("msg=\"checkpoint\" dir={} records={}", dir.string(), covered);
    return Status::Ok();
  }

  const SinkOptions& options_;
  ArticleStore& store_;
  common::DaemonMetrics& metrics_;
  Progress& progress_;
  RecordApplier applier_;
  ArticleStore::Batch batch_;
  SinkStats stats_;
  std::map<std::string, Clock::time_point> last_record_;
  common::LogSampler reject_log_{kRejectLog};
  uint64_t since_checkpoint_ = 0;
};

}  // namespace

Result<SinkStats> RunSink(const SinkOptions& options) {
  if (!options.from_checkpoint.empty()) {
    if (Status s = common::RestoreCheckpoint(options.from_checkpoint, options.state_dir); !s.ok()) {
      return Err(s);
    }
    spdlog::info("msg=\"restored checkpoint\" checkpoint={} state={}", options.from_checkpoint,
                 options.state_dir);
  }
  auto context = common::DaemonContext::Start("sink", options.daemon);
  if (!context) return Err(context.error());
  auto store = ArticleStore::Open(options.state_dir, /*for_queries=*/false, options.store);
  if (!store) return Err(store.error());
  // A state that has seen records knows its taxonomy: a --topics it lacks is refused before
  // anything is read (a fresh state checks the first record instead).
  if (Status s = RecordApplier::CheckTopics(options.apply.topics, (*store)->KnownTopics());
      !s.ok()) {
    return Err(s);
  }
  auto progress = std::make_shared<Progress>();
  std::unique_ptr<HttpServer> http;
  if (options.http) {
    common::DaemonContext* daemon_context = context->get();
    auto started = HttpServer::Start(
        *options.http, **store,
        [progress, topic = options.processed_topic, group = options.consumer.group_id] {
          return common::Json{{"input_topic", topic},
                              {"group", group},
                              {"consumed", progress->consumed.load()},
                              {"rejected", progress->rejected.load()},
                              {"late", progress->late.load()}};
        },
        [daemon_context]() -> std::optional<std::string> {
          const common::Probe health = daemon_context->Health();
          if (health.ok) return std::nullopt;
          return health.reason;
        });
    if (!started) return Err(started.error());
    http = std::move(*started);
  }

  RecordApplierOptions apply = options.apply;
  auto max_message_bytes = common::MaxMessageBytes(options.consumer.kafka);
  if (!max_message_bytes) return Err(max_message_bytes.error());
  apply.max_message_bytes = *max_message_bytes;
  SinkStage stage(options, std::move(apply), **store, (*context)->metrics(), *progress);
  common::ConsumerDaemonOptions consumer = options.consumer;
  consumer.topics = {options.processed_topic};
  consumer.produces = options.apply.late_policy == LatePolicy::kDeadLetter;
  common::ConsumerDaemon daemon(**context, std::move(consumer));
  spdlog::info("msg=\"sink started\" input={} state={}", options.processed_topic,
               options.state_dir);
  if (Status s = daemon.Run(stage); !s.ok()) return Err(s);
  const SinkStats& stats = stage.stats();
  spdlog::info("msg=\"sink stopped\" consumed={} rejected={} late={}", stats.consumed,
               stats.rejected, stats.late);
  return stats;
}

}  // namespace headwire::sinks
