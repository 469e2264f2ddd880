#include "common/consumer_daemon.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "common/blocking_call.h"
#include "common/logging.h"

namespace headwire::common {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kTickInterval{1};
// How long the start may wait for the output topics' leaders (milliseconds when the brokers are
// up); bounded so that unreachable brokers delay neither liveness nor giving up after
// --connect-timeout-s by more than this.
constexpr std::chrono::milliseconds kWarmUpBound{2000};
// How long an assignment may wait for the handover topic: it runs inside the group's rebalance,
// which waits for it.
constexpr std::chrono::milliseconds kHandoverReadTimeout{10000};
// How long giving partitions up may wait for the handovers' acknowledgement: the group's
// rebalance waits for it, and without them the next owner is only at-least-once.
constexpr std::chrono::milliseconds kHandoverWriteTimeout{10000};
// The same for partitions the group took as lost: the usual cause is an unreachable coordinator,
// when waiting long only holds the loop.
constexpr std::chrono::milliseconds kLostHandoverWriteTimeout{2000};
// How long the start waits for the handover topic to exist, and how often it looks.
constexpr std::chrono::milliseconds kHandoverTopicWait{5000};
constexpr std::chrono::milliseconds kHandoverTopicRetry{250};
// Short, so that /healthz keeps seeing the daemon alive while it waits for Kafka at the start.
constexpr std::chrono::milliseconds kPartitionLookUpAttempt{10000};

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ConsumerDaemon::ConsumerDaemon(DaemonContext& context, ConsumerDaemonOptions options)
    : context_(context), options_(std::move(options)) {}

ConsumerDaemon::~ConsumerDaemon() = default;

prometheus::Counter& ConsumerDaemon::CounterFor(
    std::map<std::string, prometheus::Counter*, std::less<>>& cache, std::string_view topic,
    bool produced) {
  if (auto it = cache.find(topic); it != cache.end()) return *it->second;
  const std::string name(topic);
  prometheus::Counter& counter =
      produced ? context_.metrics().Produced(name) : context_.metrics().Consumed(name);
  cache.emplace(name, &counter);
  return counter;
}

Status ConsumerDaemon::ProduceBeating(KafkaProducer& producer, const OutputRecord& record) {
  return producer.Produce(
      record, KeepWaitingUntilStop(context_, options_.flush_timeout, meanwhile_, tick_unbeaten_));
}

Status ConsumerDaemon::Produce(const OutputRecord& record) {
  if (Status s = ProduceBeating(*producer_, record); !s.ok()) {
    if (s.code() == StatusCode::kAborted) {
      // The batch in hand lacks this output, whatever the stage makes of the error: nothing of it
      // may be persisted, not by the persist the loop ends with at a stop nor at the revoke.
      stopped_waiting_for_room_ = true;
      if (stop_status_.ok()) stop_status_ = s;
    }
    return s;
  }
  CounterFor(produced_, record.topic, true).Increment();
  return Status::Ok();
}

Status ConsumerDaemon::Handle(ConsumerStage& stage, const Message& message) {
  // A persist that failed inside a rebalance callback of this very poll discarded part of the
  // stage's state: a record of a partition still assigned must not be decided against the rest.
  if (!stop_status_.ok()) return stop_status_;
  ConsumedRecord record = message.record();
  CounterFor(consumed_, record.topic, false).Increment();
  const bool catching_up = stage.CatchingUp(record);
  if (Status s = stage.Handle(record, *this); !s.ok()) return s;
  pending_offsets_[{std::string(record.topic), record.partition}] = record.offset + 1;
  ++pending_records_.count;
  if (record.timestamp_ms >= 0 && !catching_up) {
    pending_records_.timestamps.push_back(record.timestamp_ms);
  }
  return Status::Ok();
}

Status ConsumerDaemon::OnOffsetGap(ConsumerStage& stage, const OffsetGap& gap) {
  const std::string what = DescribeOffsetGap(gap);
  if (options_.offset_gap == OffsetGapPolicy::kFail) {
    return Status::NotFound(what +
                            "; rebuild the state (README, Operations: records lost to retention), "
                            "or accept the loss with --on-offset-gap skip");
  }
  // Records between the resume offset and the topic's start; none to count for a recreated topic.
  const int64_t lost = std::max<int64_t>(0, gap.first_offset - gap.resume_offset);
  context_.metrics()
      .OffsetGapRecords(gap.tp.topic, gap.tp.partition)
      .Increment(static_cast<double>(lost));
  spdlog::error(
      "msg=\"records lost: resuming at the partition's first offset\" topic={} "
      "partition={} resume_offset={} first_offset={} lost={} detail={}",
      gap.tp.topic, gap.tp.partition, gap.resume_offset, gap.first_offset, lost, Quote(what));
  return lost > 0 ? stage.RecordsLost(gap) : Status::Ok();
}

Status ConsumerDaemon::Persist(ConsumerStage& stage) {
  if (!stop_status_.ok()) return stop_status_;
  if (Status s = stage.Drain(*this); !s.ok()) return s;
  if (Status s = WriteSealed(stage, /*wait=*/true); !s.ok()) return s;
  if (pending_offsets_.empty()) return Status::Ok();
  const auto start = Clock::now();
  if (producer_) {
    if (auto write = stage.Seal(pending_offsets_)) {
      // Written by WriteSealed once its outputs are acknowledged, while the next batch is handled.
      sealed_ = SealedBatch{.group = producer_->Seal(),
                            .write = std::move(*write),
                            .offsets = std::move(pending_offsets_),
                            .records = std::move(pending_records_)};
      pending_offsets_.clear();
      pending_records_ = {};
      return Status::Ok();
    }
    if (Status s = producer_->Flush(options_.flush_timeout, meanwhile_); !s.ok()) {
      stage.Discard();
      return s.WithContext("output not acknowledged; the batch will be redone after restart");
    }
  }
  const auto delivered = Clock::now();
  if (Status s = stage.Commit(pending_offsets_, consumer_->CaughtUp()); !s.ok()) return s;
  Persisted(pending_offsets_, pending_records_, start, delivered);
  pending_offsets_.clear();
  pending_records_ = {};
  return Status::Ok();
}

Status ConsumerDaemon::WriteSealed(ConsumerStage& stage, bool wait) {
  if (!sealed_) return Status::Ok();
  const auto start = Clock::now();
  Status delivery = Status::Ok();
  if (wait) {
    delivery = producer_->WaitDelivered(sealed_->group, options_.flush_timeout, meanwhile_);
  } else {
    auto delivered = producer_->Delivered(sealed_->group);
    if (delivered && !*delivered) return Status::Ok();
    if (!delivered) delivery = delivered.error();
  }
  if (!delivery.ok()) {
    sealed_.reset();
    stage.Discard();
    return delivery.WithContext("output not acknowledged; the batch will be redone after restart");
  }
  const auto delivered = Clock::now();
  SealedBatch batch = std::move(*sealed_);
  sealed_.reset();
  if (Status s = batch.write(); !s.ok()) return s;
  Persisted(batch.offsets, batch.records, start, delivered);
  return Status::Ok();
}

GroupOffset ConsumerDaemon::WithHandover(const TopicPartition& tp, GroupOffset group) {
  if (options_.handover_topic.empty() || !group.known) return group;
  if (!handovers_) {
    // Inside the group's rebalance, and on a client of its own: the loop ticks meanwhile.
    auto read = CallWhileWaiting(
        [&] {
          return ReadHandovers(options_.kafka, options_.handover_topic, options_.group_id,
                               kHandoverReadTimeout);
        },
        meanwhile_);
    if (read) {
      handovers_ = std::move(*read);
      if (handovers_->undecodable() > 0) {
        spdlog::warn("msg=\"records that are not handovers skipped\" topic={} count={}",
                     options_.handover_topic, handovers_->undecodable());
      }
    } else {
      // Not a reason to stop: the committed offset still bounds what was emitted from below, so
      // at worst a previous owner's last outputs are emitted again.
      spdlog::warn(
          "msg=\"handovers not read; outputs after the group's committed offset may be emitted "
          "again\" topic={} error={}",
          options_.handover_topic, Quote(read.error().message()));
      handovers_ = HandoverTable(options_.group_id);
    }
  }
  group.handed_over = handovers_->NextOffset(tp);
  return group;
}

Result<int32_t> ConsumerDaemon::PartitionCountUntil(const std::string& topic,
                                                    std::chrono::milliseconds attempt,
                                                    const GiveUp& give_up) {
  for (;;) {
    auto count = producer_->PartitionCount(topic, attempt);
    if (count) return count;
    if (std::optional<Status> stop = give_up(count.error())) return Err(*std::move(stop));
  }
}

Status ConsumerDaemon::LookUpOutputPartitions(ConsumerStage& stage) {
  std::map<std::string, int32_t> counts;
  const auto started = Clock::now();
  for (const std::string& topic : stage.PartitionedOutputTopics()) {
    context_.Beat();
    auto count = PartitionCountUntil(
        topic, std::min(kPartitionLookUpAttempt, options_.kafka.connect_timeout),
        [&](const Status& error) -> std::optional<Status> {
          if (error.code() == StatusCode::kNotFound) {
            return Status::NotFound(error.message() + " on " + options_.kafka.bootstrap +
                                    ": create " + topic + " (deploy/README.md, Topics)");
          }
          const bool gave_up =
              options_.loop.exit_at_end && Clock::now() - started >= options_.kafka.connect_timeout;
          if (gave_up) return error.WithContext("giving up after --connect-timeout-s");
          if (context_.ShutdownRequested()) {
            return Status::Aborted("stopped before output topic " + topic + " was looked up");
          }
          context_.SetReady(
              {.ok = false,
               .reason = "output topic " + topic + " not looked up: " + error.message()});
          spdlog::warn("msg=\"output topic not looked up; retrying\" topic={} error={}", topic,
                       Quote(error.message()));
          context_.Beat();
          return std::nullopt;
        });
    if (!count) return count.error();
    counts[topic] = *count;
  }
  stage.OutputPartitions(counts);
  return Status::Ok();
}

Status ConsumerDaemon::CheckHandoverTopic() {
  if (options_.handover_topic.empty()) return Status::Ok();
  // A handover to a missing topic would wait in the producer's queue, stalling every rebalance
  // by flush_timeout and failing a later batch when it expires: better to say so at the start. A
  // cluster that creates topics on demand may answer the first look-up before the topic exists.
  const auto deadline = Clock::now() + std::min(kHandoverTopicWait, options_.kafka.connect_timeout);
  auto partitions = PartitionCountUntil(
      options_.handover_topic, kHandoverTopicWait,
      [&](const Status& error) -> std::optional<Status> {
        if (error.code() != StatusCode::kNotFound) return error;
        if (Clock::now() >= deadline) {
          return Status::NotFound("handover topic " + options_.handover_topic +
                                  " does not exist on " + options_.kafka.bootstrap +
                                  ": create it (compacted; deploy/README.md, Topics) or run with "
                                  "--handover-topic \"\" to rely on the group's committed offsets");
        }
        std::this_thread::sleep_for(kHandoverTopicRetry);
        return std::nullopt;
      });
  if (partitions) return Status::Ok();
  if (partitions.error().code() == StatusCode::kNotFound) return partitions.error();
  // Unreachable brokers are reported, and waited for, like every other connection problem.
  spdlog::warn("msg=\"handover topic not looked up\" topic={} error={}", options_.handover_topic,
               Quote(partitions.error().message()));
  return Status::Ok();
}

void ConsumerDaemon::HandOver(const std::vector<TopicPartition>& partitions,
                              std::chrono::milliseconds wait) {
  if (!handover_producer_) return;
  // A handover whose flush only timed out may have failed since; its failure is sticky, and would
  // be reported below against these handovers, which a fresh producer can still deliver.
  if (ReplaceFailedHandoverProducer()) {
    spdlog::warn(
        "msg=\"an earlier handover failed after its wait; the next owner of its partition may emit "
        "outputs after the group's committed offset again\"");
  }
  size_t written = 0;
  for (const auto& tp : partitions) {
    const auto next = persisted_next_.find(tp);
    if (next == persisted_next_.end()) continue;
    // A stage still catching up persists offsets below where output already went: the handover
    // says where output went, never less. On a compacted handover topic it replaces every
    // earlier one for the partition, so a lower offset would have the next owner emit outputs a
    // second time.
    int64_t handed_over = next->second;
    if (const auto floor = commit_floor_.find(tp); floor != commit_floor_.end()) {
      handed_over = std::max(handed_over, floor->second);
    }
    if (Status s = ProduceBeating(
            *handover_producer_,
            HandoverRecord(options_.handover_topic, options_.group_id, tp, handed_over));
        !s.ok()) {
      spdlog::warn("msg=\"handover not written\" topic={} partition={} error={}", tp.topic,
                   tp.partition, Quote(s.message()));
      continue;
    }
    spdlog::info("msg=\"partition handed over\" topic={} partition={} next_offset={}", tp.topic,
                 tp.partition, handed_over);
    CounterFor(produced_, options_.handover_topic, true).Increment();
    persisted_next_.erase(next);
    ++written;
  }
  if (written == 0) return;
  const auto bound = std::min(wait, options_.flush_timeout);
  if (Status s = handover_producer_->Flush(bound, meanwhile_); !s.ok()) {
    spdlog::warn(
        "msg=\"handovers not acknowledged; the next owners may emit outputs after the group's "
        "committed offset again\" error={}",
        Quote(s.message()));
    ReplaceFailedHandoverProducer();
  }
}

bool ConsumerDaemon::ReplaceFailedHandoverProducer() {
  // A producer's failure is final: the next handovers get a fresh one. One that is only slow
  // keeps its handovers queued.
  if (handover_producer_->failed() == 0) return false;
  auto fresh = KafkaProducer::Create(options_.kafka);
  if (fresh) handover_producer_ = std::move(*fresh);
  return true;
}

void ConsumerDaemon::Persisted(const std::map<TopicPartition, int64_t>& offsets,
                               const BatchRecords& records, Clock::time_point start,
                               Clock::time_point delivered) {
  std::map<TopicPartition, int64_t> forward;
  for (const auto& [tp, next] : offsets) {
    persisted_next_[tp] = next;
    const auto floor = commit_floor_.find(tp);
    if (floor == commit_floor_.end()) {
      forward.emplace(tp, next);
    } else if (next > floor->second) {
      forward.emplace(tp, next);
      commit_floor_.erase(floor);
    }
  }
  if (!forward.empty()) consumer_->CommitAsync(forward);
  const auto now = Clock::now();
  if (spdlog::should_log(spdlog::level::debug)) {
    // The next offset per input partition says which records this batch applied
    // (bench/live_load.py reads it for the end-to-end latency).
    std::string next_offsets;
    for (const auto& [tp, next] : offsets) {
      next_offsets +=
          fmt::format("{}{}:{}:{}", next_offsets.empty() ? "" : ",", tp.topic, tp.partition, next);
    }
    spdlog::debug(
        "msg=\"batch persisted\" records={} delivery_wait_ms={:.1f} state_write_ms={:.1f} "
        "offsets={}",
        records.count, std::chrono::duration<double, std::milli>(delivered - start).count(),
        std::chrono::duration<double, std::milli>(now - delivered).count(), next_offsets);
  }
  context_.metrics().BatchPersistSeconds().Observe(
      std::chrono::duration<double>(now - start).count());
  const int64_t now_ms = WallMs();
  auto& latency = context_.metrics().RecordLatencySeconds();
  for (const int64_t ts : records.timestamps) {
    latency.Observe(static_cast<double>(std::max<int64_t>(0, now_ms - ts)) / 1000.0);
  }
}

void ConsumerDaemon::Tick(ConsumerStage& stage) {
  DaemonMetrics& metrics = context_.metrics();
  std::optional<std::string> not_ready;
  const bool unreachable = consumer_->connectivity().Unreachable() ||
                           (producer_ && producer_->connectivity().Unreachable());
  if (unreachable) {
    not_ready = "cannot reach bootstrap servers " + options_.kafka.bootstrap;
    context_.SetDependencies({.ok = false, .reason = *not_ready});
  } else {
    context_.SetDependencies({});
  }
  // Partitions count only while the daemon is in its group: one whose session expired lists them
  // until their revoke is served, which a loop waiting for acknowledgements serves late.
  const bool member = consumer_->Member();
  std::map<TopicPartition, std::optional<int64_t>> lag;
  if (member) lag = consumer_->Lag();
  std::map<TopicPartition, prometheus::Gauge*> seen;
  int64_t worst = 0;
  bool unknown = false;
  for (const auto& [tp, records] : lag) {
    auto it = lag_.find(tp);
    if (!records) {
      // A partition's series appears with its first known lag (its position and end, after its
      // first fetch): a 0 while its position is still being read (the group's committed offsets,
      // the handovers) would tell an alert it is caught up. One already known keeps its last
      // value meanwhile (a revoke removes it, so that is never a previous assignment's).
      unknown = true;
      if (it != lag_.end()) seen[tp] = it->second;
      continue;
    }
    prometheus::Gauge* gauge = it != lag_.end() ? it->second : &metrics.Lag(tp.topic, tp.partition);
    seen[tp] = gauge;
    gauge->Set(static_cast<double>(*records));
    worst = std::max(worst, *records);
  }
  for (const auto& [tp, gauge] : lag_) {
    if (!seen.contains(tp)) metrics.RemoveLag(tp.topic, tp.partition);
  }
  lag_ = std::move(seen);
  // A group member with no partitions is a standby: ready to take over, which is its work.
  const bool standby = member && lag.empty();
  if (!not_ready && lag.empty() && !standby) {
    not_ready = options_.assignment == PartitionAssignment::kGroup
                    ? "no partitions assigned: joining the consumer group"
                    : "no partitions assigned";
  }
  if (!not_ready && !stage.Restored()) not_ready = "state not restored yet";
  if (!not_ready && unknown) not_ready = "lag not known yet";
  if (!not_ready && worst > options_.ready_max_lag) {
    not_ready = "lag " + std::to_string(worst) + " records exceeds " +
                std::to_string(options_.ready_max_lag);
  }
  if (not_ready) {
    context_.SetReady({.ok = false, .reason = *not_ready});
  } else {
    context_.SetReady({.reason = standby ? "standby: no partitions assigned" : ""});
  }

  auto client_stats = [&](const char* client, ConnectivityWatch& watch) {
    metrics.BrokersUp(client).Set(watch.brokers_up());
    for (const auto& [direction, total] :
         {std::pair<std::string, uint64_t>{"tx", watch.tx_bytes()}, {"rx", watch.rx_bytes()}}) {
      uint64_t& seen_bytes = kafka_bytes_seen_[std::string(client) + direction];
      if (total > seen_bytes) {
        metrics.KafkaBytes(client, direction).Increment(static_cast<double>(total - seen_bytes));
        seen_bytes = total;
      }
    }
  };
  client_stats("consumer", consumer_->connectivity());
  if (producer_) {
    producer_->Serve();
    client_stats("producer", producer_->connectivity());
  }
  const StateStore* state = stage.state();
  if (state == nullptr) return;
  metrics.StateBytes().Set(static_cast<double>(state->ApproximateSizeBytes()));
  uint64_t cache = 0;
  if (state->db()->GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &cache)) {
    metrics.BlockCacheBytes().Set(static_cast<double>(cache));
  }
}

void ConsumerDaemon::TickIfDue(ConsumerStage& stage, bool beat) {
  // Alive: every wait that calls this has a deadline, and several of them may follow one another
  // (in a revoke two batches and the handovers, in an assignment the committed offsets and the
  // handovers), longer together than /healthz's stall bound.
  if (beat) context_.Beat();
  const auto now = Clock::now();
  if (now < next_tick_) return;
  next_tick_ = now + kTickInterval;
  Tick(stage);
}

bool ConsumerDaemon::PreviousBatchDelivered() {
  if (!sealed_) return true;
  auto delivered = producer_->Delivered(sealed_->group);
  // A delivery error ends the batch too: its persist reports it (the producer's failure is
  // final, so the persist's own wait sees it again).
  return !delivered || *delivered;
}

Status ConsumerDaemon::Turn(ConsumerStage& stage) {
  context_.Beat();
  if (!stop_status_.ok()) return stop_status_;
  if (Status s = WriteSealed(stage, /*wait=*/false); !s.ok()) return s;
  TickIfDue(stage);
  const auto now = Clock::now();
  if (now < next_check_) return Status::Ok();
  next_check_ = now + kTickInterval;
  Status consumer = consumer_->connectivity().Check();
  Status producer = producer_ ? producer_->connectivity().Check() : Status::Ok();
  if (options_.loop.exit_at_end) {
    if (!consumer.ok()) return consumer.WithContext("giving up after --connect-timeout-s");
    if (!producer.ok()) return producer.WithContext("giving up after --connect-timeout-s");
    // A run that is to end at the end of its input has none to end at: say so instead of
    // waiting for a topic that a typo or a missing upstream stage may never create.
    if (const std::string& missing = consumer_->MissingTopic();
        !missing.empty() && now - run_started_ >= options_.kafka.connect_timeout) {
      return Status::NotFound("input topic " + missing + " does not exist on " +
                              options_.kafka.bootstrap + "; giving up after --connect-timeout-s " +
                              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                 options_.kafka.connect_timeout)
                                                 .count()) +
                              " (without --exit-at-end the daemon waits for it)");
    }
  }
  return Status::Ok();
}

Status ConsumerDaemon::Run(ConsumerStage& stage) {
  meanwhile_ = [this, &stage] { TickIfDue(stage); };
  tick_unbeaten_ = [this, &stage] { TickIfDue(stage, /*beat=*/false); };
  if (options_.produces) {
    auto producer = KafkaProducer::Create(options_.kafka);
    if (!producer) return producer.error();
    producer_ = std::move(*producer);
    const auto bound = std::min(kWarmUpBound, options_.kafka.connect_timeout);
    if (Status s = producer_->Warm(stage.OutputTopics(), bound); !s.ok()) {
      spdlog::warn("msg=\"output topics not looked up in advance\" error={}", Quote(s.message()));
    }
    if (Status s = LookUpOutputPartitions(stage); !s.ok()) {
      // A stop asked for while Kafka was still out of reach is a clean stop: nothing was read.
      return s.code() == StatusCode::kAborted ? Status::Ok() : s;
    }
    if (Status s = CheckHandoverTopic(); !s.ok()) return s;
    if (!options_.handover_topic.empty()) {
      auto handovers = KafkaProducer::Create(options_.kafka);
      if (!handovers) return handovers.error();
      handover_producer_ = std::move(*handovers);
    }
  }
  ConsumerCallbacks callbacks{
      .stored_offset = [&](const TopicPartition& tp,
                           const GroupOffset& group) -> std::optional<int64_t> {
        context_.metrics().OffsetGapRecords(tp.topic, tp.partition);  // at 0 until a gap
        const GroupOffset known = WithHandover(tp, group);
        persisted_next_.erase(tp);
        if (known.known && known.OutputEnd()) {
          commit_floor_[tp] = *known.OutputEnd();
        } else {
          commit_floor_.erase(tp);
        }
        auto offset = stage.ResumeOffset(tp, known);
        if (offset) return *offset;
        if (stop_status_.ok()) stop_status_ = offset.error();
        return std::nullopt;
      },
      .before_revoke =
          [&](const std::vector<TopicPartition>& partitions, bool lost) {
            Status s = Persist(stage);
            if (s.ok()) s = WriteSealed(stage, /*wait=*/true);
            if (!s.ok() && stop_status_.ok()) stop_status_ = s;
            if (!s.ok() && sealed_) {
              // Its partitions are being given up: written later, its offsets would be committed
              // for their next owner, who redoes its records instead.
              sealed_.reset();
              stage.Discard();
            }
            // Even after a failed persist: the offsets handed over are those of earlier batches,
            // whose outputs were acknowledged. Lost partitions too: one lost while the brokers
            // answer (the group moved past this member's generation during a rebalance, refusing
            // its commits) may not have its next owner yet, which then reads the handover. A
            // handover only says what is true (outputs acknowledged), so one read late, or
            // never, does no harm.
            HandOver(partitions, lost ? kLostHandoverWriteTimeout : kHandoverWriteTimeout);
            stage.Revoked(partitions);
            for (const TopicPartition& tp : partitions) {
              if (lag_.erase(tp) > 0) context_.metrics().RemoveLag(tp.topic, tp.partition);
            }
          },
      .rebalanced =
          [&](size_t partitions) {
            // The metric counts changes to the daemon's partitions, not every rebalance of its
            // group: an empty assignment changed nothing here.
            if (partitions > 0) context_.metrics().Rebalances().Increment();
            handovers_.reset();  // a later assignment may follow handovers written meanwhile
            next_tick_ = {};     // refresh readiness at once
          },
      .offset_gap = [&](const OffsetGap& gap) { return OnOffsetGap(stage, gap); },
      .meanwhile = meanwhile_,
  };
  auto consumer = KafkaConsumer::Create(options_.kafka, options_.group_id, options_.topics,
                                        std::move(callbacks), options_.assignment);
  if (!consumer) return consumer.error();
  consumer_ = std::move(*consumer);
  run_started_ = Clock::now();
  auto last_quiet = Clock::now();
  Status status =
      RunConsumeLoop(*consumer_, options_.loop,
                     {.handle = [&](const Message& message) { return Handle(stage, message); },
                      .persist = [&] { return Persist(stage); },
                      .quiet = [&]() -> Status {
                        if (Clock::now() - last_quiet < kTickInterval) return Status::Ok();
                        last_quiet = Clock::now();
                        if (sealed_) return Status::Ok();
                        return stage.Quiet(consumer_->CaughtUp());
                      },
                      .turn = [&] { return Turn(stage); },
                      .may_end_early = [&] { return PreviousBatchDelivered(); }});
  if (status.ok()) status = stop_status_;
  const bool stopped_waiting = stopped_waiting_for_room_ && status.code() == StatusCode::kAborted;
  bool sealed_undone = false;
  if (stopped_waiting) {
    // A stop, as asked, with the batch in hand undone (the revoke below leaves it: stop_status_
    // holds the abort). An output already known lost is an undeliverable output, as at any
    // persist; else the batch sealed before is written if its outputs are acknowledged, without
    // waiting, since the brokers take no outputs.
    status = producer_->Failures();
    if (!status.ok()) {
      status =
          status.WithContext("output not acknowledged; the batch will be redone after restart");
    } else {
      status = WriteSealed(stage, /*wait=*/false);
      sealed_undone = sealed_.has_value();
    }
  } else if (status.ok()) {
    status = WriteSealed(stage, /*wait=*/true);
  }
  if (status.ok() && !stopped_waiting) {
    status = stage.Finish(options_.loop.exit_at_end && !context_.ShutdownRequested());
  }
  // Closing revokes the partitions, which persists the open batch (before_revoke) unless the
  // daemon stops on an error: then that batch may hold a record no one decided.
  if (!status.ok() && stop_status_.ok()) stop_status_ = status;
  consumer_->Close();
  if (stopped_waiting && status.ok()) {
    spdlog::warn(
        "msg=\"stopped while an output waited for room in the producer's queue; {} not persisted "
        "and redone after restart\" error={}",
        sealed_undone ? "the batch in hand and the one sealed before it, whose outputs were not "
                        "acknowledged yet, are"
                      : "the batch in hand is",
        Quote(stop_status_.message()));
  }
  return status;
}

}  // namespace headwire::common
