#include "processors/article_processor.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <set>

#include "common/checkpoint_request.h"
#include "common/kafka_producer.h"
#include "common/logging.h"
#include "common/proto_convert.h"
#include "core/exact_dedup.h"
#include "headwire/v1/article.pb.h"
#include "processors/domain_snapshots.h"

namespace headwire::processors {
namespace {

// The processor's stage on the daemon runtime: the decider's verdicts plus fail-over catch-up
// and periodic snapshots.
class ProcessorStage final : public common::ConsumerStage {
 public:
  ProcessorStage(const ProcessorOptions& options, ArticleDecider& decider,
                 common::DaemonMetrics& metrics)
      : options_(options),
        decider_(decider),
        metrics_(metrics),
        ordered_(decider, options.parallel) {
    // Every series the processor may count starts at 0, so that an alert on its rate tells "none
    // yet" from "not exported".
    const auto* reasons = v1::DeadLetterReason_descriptor();
    for (int i = 0; i < reasons->value_count(); ++i) {
      const auto reason = static_cast<v1::DeadLetterReason>(reasons->value(i)->number());
      if (reason == v1::DEAD_LETTER_REASON_UNSPECIFIED || reason == v1::DEAD_LETTER_REASON_LATE) {
        continue;  // LATE is the sink's verdict
      }
      metrics_.DeadLetters(reason);
    }
    for (const auto kind : {core::DuplicateKind::kSameId, core::DuplicateKind::kSameUrl,
                            core::DuplicateKind::kSameContent, core::DuplicateKind::kNear}) {
      metrics_.Duplicates(core::DuplicateKindName(kind));
    }
  }

  // Where a newly assigned raw partition resumes. Normally where this instance's own state
  // stopped. When the group's committed offset is further (another instance owned the partition
  // since), the records in between are decided again without output: their output is already
  // on the topics, and deciding them rebuilds the exact state the previous owner had, because
  // verdicts depend only on the records and their order.
  Result<std::optional<int64_t>> ResumeOffset(const common::TopicPartition& tp,
                                              const common::GroupOffset& group) override {
    std::optional<int64_t> local = decider_.StoredOffset(tp);
    if (!group.known) {
      return Err(Status::Unavailable(
          "the group's committed offset of " + common::PartitionName(tp) +
          " is unknown; stopping rather than deciding with state that may be behind"));
    }
    catch_up_from_.erase(tp);
    if (!options_.from_snapshot.empty()) {
      // A domain without state, or with state older than its newest snapshot (an instance that
      // was away longer than the raw topic's retention), starts from the snapshot.
      auto restored = decider_.RestoreDomain(options_.from_snapshot, tp);
      if (!restored) return Err(restored.error());
      if (*restored) {
        spdlog::info(
            "msg=\"restored snapshot\" topic={} partition={} offset={} snapshot={} replaced={}",
            tp.topic, tp.partition, (*restored)->offset, (*restored)->dir.string(),
            local ? std::to_string(*local) : "none");
        // The snapshot's domain resumes at its offset, whether or not it has to catch up.
        catch_up_from_[tp] = (*restored)->offset;
      }
      // Read again: a replaced domain whose snapshot was pruned while being ingested has none.
      local = decider_.StoredOffset(tp);
      if (!local) {
        spdlog::warn(
            "msg=\"no snapshot of the partition; catching up from its start\" topic={} "
            "partition={} snapshots={}",
            tp.topic, tp.partition, options_.from_snapshot);
      }
    }
    const std::optional<int64_t> output_end = group.OutputEnd();
    if (output_end && *output_end > local.value_or(0)) {
      replay_until_[tp] = *output_end;
      catch_up_from_[tp] = local.value_or(0);
      spdlog::info(
          "msg=\"catching up: another instance owned the partition; deciding its records again "
          "without output\" topic={} partition={} from={} to={} committed={} handed_over={}",
          tp.topic, tp.partition,
          common::ResumeOffsetName(local.value_or(common::kOffsetBeginning)), *output_end,
          group.committed ? std::to_string(*group.committed) : "none",
          group.handed_over ? std::to_string(*group.handed_over) : "none");
      return local.value_or(common::kOffsetBeginning);
    }
    replay_until_.erase(tp);
    // A domain without state starts at the partition's beginning, chosen here rather than left
    // to the group's committed offset: a commit landing between the look-up above and the
    // consumer's own would start the domain part-way with an empty state.
    return local.value_or(common::kOffsetBeginning);
  }

  Status Handle(const common::ConsumedRecord& record, common::Output& output) override {
    const auto emit = CatchingUp(record) ? ArticleDecider::Emit::kNo : ArticleDecider::Emit::kYes;
    if (!replay_until_.empty() || !catch_up_from_.empty()) {
      const common::TopicPartition tp{std::string(record.topic), record.partition};
      if (const auto from = catch_up_from_.find(tp); from != catch_up_from_.end()) {
        // The first record must be the one the state stopped before: when the raw topic's
        // retention dropped it, the state cannot be rebuilt from here.
        if (Status s = CheckResumedAt(tp, from->second, record.offset); !s.ok()) return s;
        catch_up_from_.erase(from);
      }
      if (const auto it = replay_until_.find(tp); it != replay_until_.end()) {
        // Caught up with the record before the previous owner's end, not with the first one after
        // it: on a quiet partition that one may be long in coming, and until then the instance
        // would stay unready (Restored).
        if (record.offset + 1 >= it->second) {
          spdlog::info("msg=\"caught up\" topic={} partition={} offset={}", tp.topic, tp.partition,
                       it->second);
          replay_until_.erase(it);
        }
      }
    }
    ++since_snapshot_;
    return ordered_.Add(record, emit, DecidedTo(output));
  }

  Status Drain(common::Output& output) override { return ordered_.Finish(DecidedTo(output)); }

  Status Commit(const std::map<common::TopicPartition, int64_t>& next_offsets, bool) override {
    NoteAdvanced(next_offsets);
    if (Status s = decider_.Commit(next_offsets); !s.ok()) return s;
    return SnapshotWhenDue();
  }

  std::optional<std::function<Status()>> Seal(
      const std::map<common::TopicPartition, int64_t>& next_offsets) override {
    NoteAdvanced(next_offsets);
    return [this, write = decider_.Seal(next_offsets)]() -> Status {
      if (Status s = write(); !s.ok()) return s;
      return SnapshotWhenDue();
    };
  }

  void Discard() override { decider_.Discard(); }

  // A partition taken away while catching up is no longer this instance's to restore: left in
  // replay_until_, it would keep the instance unready (Restored) for as long as it runs.
  void Revoked(const std::vector<common::TopicPartition>& partitions) override {
    for (const auto& tp : partitions) {
      replay_until_.erase(tp);
      catch_up_from_.erase(tp);
    }
  }

  std::vector<std::string> OutputTopics() const override { return decider_.OutputTopics(); }

  // Each processed record's partition follows its raw partition modulo the processed topic's
  // count: a missing processed topic stops the processor at the start.
  std::vector<std::string> PartitionedOutputTopics() const override {
    return {options_.decide.processed_topic};
  }

  void OutputPartitions(const std::map<std::string, int32_t>& counts) override {
    decider_.set_processed_partitions(counts.at(options_.decide.processed_topic));
  }

  bool CatchingUp(const common::ConsumedRecord& record) const override {
    if (replay_until_.empty()) return false;
    const auto it = replay_until_.find({std::string(record.topic), record.partition});
    return it != replay_until_.end() && record.offset < it->second;
  }

  // An idle processor takes a requested snapshot too; the daemon asks only once the last batch
  // is written (until then the write takes it), so that the snapshot holds every record decided
  // when it was asked for.
  Status Quiet(bool) override {
    if (!common::TakeCheckpointRequest()) return Status::Ok();
    return SnapshotOnRequest();
  }

  bool Restored() const override { return replay_until_.empty(); }

  const common::StateStore* state() const override { return &decider_.state(); }

  const ProcessorStats& stats() const { return stats_; }

 private:
  // Produces a decision's outputs and counts it.
  Status Emitted(const common::ConsumedRecord& record, ArticleDecider::Emit emit,
                 const ArticleDecision& decision, common::Output& output) {
    if (emit == ArticleDecider::Emit::kNo) {
      ++stats_.replayed;
      return Status::Ok();
    }
    ++stats_.consumed;
    for (const auto& out : decision.outputs) {
      if (Status s = output.Produce(out); !s.ok()) return s;
    }
    switch (decision.kind) {
      case DecisionKind::kDeadLetter:
        ++stats_.dead_lettered;
        metrics_.DeadLetters(decision.reason).Increment();
        spdlog::warn("msg=\"dead letter\" topic={} partition={} offset={} reason={} detail={}",
                     record.topic, record.partition, record.offset,
                     v1::DeadLetterReason_Name(decision.reason), common::Quote(decision.why));
        break;
      case DecisionKind::kDuplicate:
        ++stats_.duplicates;
        metrics_.Duplicates(core::DuplicateKindName(decision.duplicate_kind)).Increment();
        break;
      case DecisionKind::kUnique:
        ++stats_.unique;
        for (const auto& topic : decision.topics) ++stats_.per_topic[topic];
        break;
    }
    return Status::Ok();
  }

  OrderedDecider::Decided DecidedTo(common::Output& output) {
    return [this, &output](const common::ConsumedRecord& record, ArticleDecider::Emit emit,
                           ArticleDecision decision) {
      return Emitted(record, emit, decision, output);
    };
  }

  // A snapshot is due every snapshot_interval_records decided records, and when an operator
  // asked for one (SIGUSR1), taken of the written state only (records decided since the last
  // write are not in it, nor in its offsets).
  Status SnapshotWhenDue() {
    if (common::TakeCheckpointRequest()) return SnapshotOnRequest();
    if (options_.snapshot_interval_records > 0 && !options_.snapshot_dir.empty() &&
        since_snapshot_ >= options_.snapshot_interval_records) {
      return Snapshot();
    }
    return Status::Ok();
  }

  Status SnapshotOnRequest() {
    if (options_.snapshot_dir.empty()) {
      spdlog::warn("msg=\"snapshot requested (SIGUSR1) but no --snapshot-dir given\"");
      return Status::Ok();
    }
    const uint64_t before = stats_.snapshots;
    if (Status s = Snapshot(); !s.ok()) return s;
    spdlog::info("msg=\"snapshots on request\" written={} dir={}", stats_.snapshots - before,
                 options_.snapshot_dir);
    return Status::Ok();
  }

  void NoteAdvanced(const std::map<common::TopicPartition, int64_t>& next_offsets) {
    for (const auto& [tp, offset] : next_offsets) advanced_.insert(tp);
  }

  // Writes a snapshot of every domain that advanced since the last snapshots, then prunes its
  // older ones.
  Status Snapshot() {
    since_snapshot_ = 0;
    for (const auto& tp : advanced_) {
      const auto started = std::chrono::steady_clock::now();
      auto written = WriteDomainSnapshot(decider_.state(), options_.snapshot_dir, tp);
      if (!written) return written.error();
      if (!*written) continue;  // nothing written for it yet, or a snapshot at this offset exists
      ++stats_.snapshots;
      auto pruned = PruneDomainSnapshots(options_.snapshot_dir, tp, options_.snapshot_keep);
      if (!pruned) return pruned.error();
      spdlog::info("msg=\"snapshot\" topic={} partition={} offset={} dir={} pruned={} ms={}",
                   tp.topic, tp.partition, (*written)->offset, (*written)->dir.string(), *pruned,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
    }
    advanced_.clear();
    return Status::Ok();
  }

  const ProcessorOptions& options_;
  ArticleDecider& decider_;
  common::DaemonMetrics& metrics_;
  OrderedDecider ordered_;
  ProcessorStats stats_;
  // Per partition: records below this offset were already emitted by a previous owner.
  std::map<common::TopicPartition, int64_t> replay_until_;
  // Per partition being caught up or started from a snapshot: the offset its first record must
  // have.
  std::map<common::TopicPartition, int64_t> catch_up_from_;
  // The domains with batches committed or sealed since the last snapshots.
  std::set<common::TopicPartition> advanced_;
  uint64_t since_snapshot_ = 0;
};

}  // namespace

Result<ProcessorStats> RunProcessor(const ProcessorOptions& options,
                                    const core::TopicClassifier& classifier) {
  if (options.snapshot_keep == 0) {
    return Err(Status::InvalidArgument("snapshot_keep must be at least 1"));
  }
  auto context = common::DaemonContext::Start("process", options.daemon);
  if (!context) return Err(context.error());
  auto max_message_bytes = common::MaxMessageBytes(options.consumer.kafka);
  if (!max_message_bytes) return Err(max_message_bytes.error());
  ArticleDeciderOptions decide = options.decide;
  decide.max_message_bytes = *max_message_bytes;
  auto decider = ArticleDecider::Open(options.state_dir, decide, classifier);
  if (!decider) return Err(decider.error());
  const auto window = (*decider)->window_size();
  spdlog::info("msg=\"story windows restored\" domains={} articles={} stories={}", window.domains,
               window.articles, window.stories);
  ProcessorStage stage(options, **decider, (*context)->metrics());
  common::ConsumerDaemonOptions consumer = options.consumer;
  consumer.topics = {options.raw_topic};
  common::ConsumerDaemon daemon(**context, std::move(consumer));
  spdlog::info("msg=\"processor started\" input={} state={}", options.raw_topic, options.state_dir);
  if (Status s = daemon.Run(stage); !s.ok()) return Err(s);
  const auto& stats = stage.stats();
  spdlog::info(
      "msg=\"processor stopped\" consumed={} unique={} duplicates={} dead_lettered={} replayed={} "
      "snapshots={}",
      stats.consumed, stats.unique, stats.duplicates, stats.dead_lettered, stats.replayed,
      stats.snapshots);
  return stats;
}

}  // namespace headwire::processors
