#pragma once
// ConsumerDaemon: the runtime under every daemon that consumes Kafka (the processor, the sink,
// an archiver). It owns the consumer (and, for daemons with output, the producer) and does what
// such a daemon does besides its own decisions:
//   - the consume loop: batches of at most loop.max_batch records, ended early by loop.linger of
//     quiet or the end of the input; stops on SIGINT/SIGTERM/SIGHUP or, with loop.exit_at_end, at
//     the end of every assigned partition (common/consume_loop.h);
//   - persistence: before a batch's state is written, its outputs are acknowledged (waiting at
//     most flush_timeout), then the state changes and the consumed offsets are written in one
//     atomic write, then the offsets are committed to the group for lag tools. A stage that can
//     seal a batch (ConsumerStage::Seal, the processor) has its next batch handled while the
//     previous one's outputs are being acknowledged, one sealed batch at a time; others wait at
//     the end of each batch and Commit;
//   - rebalances: resume offsets come from the stage (its state), the batch in flight is
//     persisted before partitions are revoked, and with a handover topic the revoked partitions'
//     persisted offsets are handed over to their next owner; with
//     PartitionAssignment::kAllPartitions the daemon takes every partition itself (daemons that
//     hold the whole state);
//   - health: /healthz while the loop turns, /readyz when the brokers are reachable, the stage's
//     state is restored and either partitions are assigned and lag by at most ready_max_lag, or
//     the group gave the daemon none (a standby: ready, with the reason "standby: no partitions
//     assigned"); readiness is refreshed about once a second, and the loop beats, in every wait
//     of the loop too: for acknowledgements (up to flush_timeout), for room in the producer's
//     queue (beating for flush_timeout at most: a queue that stays full longer, say with
//     message.timeout.ms 0, is a stall /healthz reports), and at an assignment for the group's
//     committed offsets and a partition's held offsets (up to 10 s each) and the handovers' read
//     (ReadTopicToEnd's bounds: the metadata within the connect timeout, then up to 10 s for
//     each partition's offsets and until 10 s pass without progress); librdkafka calls that
//     take no callback run on a thread of their own meanwhile (common/blocking_call.h). Partitions
//     being assigned count, lag unknown, from the start of their assignment; a member the group
//     refused (its session expired: librdkafka drops its member id) counts no partitions from
//     then on, before their revoke is served;
//   - shutdown: SIGINT/SIGTERM/SIGHUP persist the batch in hand, once its outputs are acknowledged
//     (a stop lets that wait run its course, flush_timeout at most, as it lets the waits for
//     librdkafka calls run to their own bounds: they cannot be interrupted), except while an output
//     waits for room in the producer's queue, which may never come (message.timeout.ms 0): a stop
//     ends that wait at once, and the batch in hand is then neither written nor committed, its
//     records decided again after a restart (outputs are at-least-once; see Run()); a batch
//     sealed before it is written if its outputs are acknowledged by then, else redone too;
//   - offset gaps: a resume offset the topic no longer holds stops the daemon or is skipped with
//     an error and a count (options.offset_gap), never silently;
//   - connectivity: while the bootstrap servers cannot be reached it says so every 10 s; with
//     loop.exit_at_end it gives up after kafka.connect_timeout with Unavailable;
//   - a missing input topic: waited for (and said so every second); with loop.exit_at_end, for at
//     most kafka.connect_timeout, then it gives up with NotFound naming the topic;
//   - metrics (common/daemon_metrics.h): records consumed and produced, lag, rebalances, batch
//     persist time, record latency, state size, librdkafka and RocksDB statistics.
//
// A daemon implements ConsumerStage (its decisions) and calls Run():
//   class MyStage : public common::ConsumerStage { ... };
//   auto context = common::DaemonContext::Start("archive", {.admin = "9102"});
//   common::ConsumerDaemon daemon(**context, options);
//   MyStage stage(...);
//   Status s = daemon.Run(stage);
// Not thread-safe: Run() and the stage's methods run on the calling thread; only the
// DaemonContext's probes and metrics are read from other threads.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/consume_loop.h"
#include "common/daemon_context.h"
#include "common/kafka_config.h"
#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "common/partition_handover.h"
#include "common/record.h"
#include "common/state_store.h"
#include "common/status.h"

namespace headwire::common {

// What a daemon does when a partition's resume offset is no longer held by the topic (retention
// deleted records before the daemon read them, or the topic was recreated).
enum class OffsetGapPolicy {
  kFail,  // stop with NotFound naming the records lost (the state must be rebuilt)
  kSkip,  // log the loss as an error, count it, and resume at the partition's first record
};

struct ConsumerDaemonOptions {
  KafkaOptions kafka;
  // Consumer group: shares the partitions (kGroup) or only receives commits (kAllPartitions).
  // Required.
  std::string group_id;
  // Input topics. Required.
  std::vector<std::string> topics;
  // How partitions come to the daemon. Default: kGroup.
  PartitionAssignment assignment = PartitionAssignment::kGroup;
  ConsumeLoopOptions loop;
  // Whether the daemon produces (creates a producer and flushes it before each persist).
  // Default: false.
  bool produces = false;
  // How long a batch's flush may wait for the brokers; when it passes, the daemon stops without
  // persisting the batch (a restart redoes it). Default: kDefaultFlushTimeout (60 s).
  std::chrono::milliseconds flush_timeout = kDefaultFlushTimeout;
  // /readyz fails while any assigned partition lags by more than this many records.
  // Default: 1000.
  int64_t ready_max_lag = 1000;
  // A resume offset the topic no longer holds. Default: kFail.
  OffsetGapPolicy offset_gap = OffsetGapPolicy::kFail;
  // For a daemon that produces and shares partitions with its group: the topic of handovers
  // (common/partition_handover.h). Each partition taken from the daemon gets one after its
  // outputs were acknowledged, and a newly assigned partition's GroupOffset::handed_over is read
  // from it. Default: "" (none; the group's committed offset alone tells the next owner how far
  // output went).
  std::string handover_topic = {};
};

// Produces a stage's outputs, counting them per topic.
class Output {
 public:
  virtual ~Output() = default;
  // Enqueues `record` (common/kafka_producer.h). Returns Produce's error.
  virtual Status Produce(const OutputRecord& record) = 0;
};

// The decisions of one consuming daemon. Methods run on the daemon's thread.
class ConsumerStage {
 public:
  virtual ~ConsumerStage() = default;

  // Where a newly assigned partition resumes: the next offset (or kOffsetBeginning), or nullopt
  // for the group's committed offset. An error stops the daemon.
  virtual Result<std::optional<int64_t>> ResumeOffset(const TopicPartition& tp,
                                                      const GroupOffset& group) = 0;
  // Decides one record and produces its outputs through `output`, or, for a stage that decides
  // on other threads, takes it to be decided by Drain at the latest. An error stops the daemon
  // without persisting the batch.
  virtual Status Handle(const ConsumedRecord& record, Output& output) = 0;
  // Decides every record handed to Handle and not decided yet, producing their outputs through
  // `output`. Called before each batch is sealed or committed (and so before partitions are
  // revoked). An error stops the daemon without persisting the batch. The default has nothing
  // to do.
  virtual Status Drain(Output& /*output*/) { return Status::Ok(); }
  // Writes the state changes of the records handled since the last call together with
  // `next_offsets`, atomically. Called after their outputs were acknowledged; `caught_up` tells
  // whether every assigned partition is read to its end.
  virtual Status Commit(const std::map<TopicPartition, int64_t>& next_offsets, bool caught_up) = 0;
  // Optional, Commit in two steps: takes the state changes of the records handled since the last
  // Seal or Commit, with `next_offsets`, and returns the function that writes them, without
  // writing. The daemon calls it (in Seal order) once those records' outputs are acknowledged,
  // and handles the next records meanwhile: they must see the sealed changes as if written. The
  // default returns nullopt (a stage whose Commit reads its state back cannot seal): the daemon
  // then waits for the outputs and calls Commit.
  virtual std::optional<std::function<Status()>> Seal(
      const std::map<TopicPartition, int64_t>& /*next_offsets*/) {
    return std::nullopt;
  }
  // The outputs of the records handled since the last write were not delivered: drop their
  // state changes, sealed or not. The daemon stops afterwards.
  virtual void Discard() {}
  // `partitions` are being taken from the daemon (a rebalance, a lost group session, the close),
  // after the records handled from them were persisted: forget what the stage tracks per
  // partition, such as a catch-up in progress. The default has nothing to forget.
  virtual void Revoked(const std::vector<TopicPartition>& /*partitions*/) {}
  // The records of `gap` were deleted from the topic before they were read and the daemon
  // resumes past them (--on-offset-gap skip): a stage that keeps its own record of what it read
  // notes the loss here, before any later record of the partition is handled. An error stops the
  // daemon. The default notes nothing (the daemon logs and counts the loss whatever the stage).
  virtual Status RecordsLost(const OffsetGap& /*gap*/) { return Status::Ok(); }
  // Whether `record` will be decided again without output, catching up with a previous owner of
  // its partition: asked before Handle. Its broker timestamp is old news, so it stays out of
  // headwire_record_latency_seconds, which would otherwise fill with minutes after each
  // takeover. The default: never.
  virtual bool CatchingUp(const ConsumedRecord& /*record*/) const { return false; }
  // Called about once a second while no batch is open and no sealed batch awaits its write
  // (periodic work on a quiet input, on state that is all written).
  virtual Status Quiet(bool /*caught_up*/) { return Status::Ok(); }
  // Called once when the loop ended without error, before the consumer closes; `at_end` is true
  // when it ended at the end of the input (--exit-at-end).
  virtual Status Finish(bool /*at_end*/) { return Status::Ok(); }
  // The topics the stage will produce to, as far as it knows them up front; the daemon looks up
  // their leaders before reading, so that the first batch does not wait for them.
  virtual std::vector<std::string> OutputTopics() const { return {}; }
  // The output topics whose partition counts the stage's decisions depend on. The daemon looks
  // them up before reading, waiting (alive, not ready) while Kafka is out of reach; a missing
  // one stops it at the start. The default has none.
  virtual std::vector<std::string> PartitionedOutputTopics() const { return {}; }
  // The partition count of each of PartitionedOutputTopics(), given once before the first
  // record.
  virtual void OutputPartitions(const std::map<std::string, int32_t>& /*counts*/) {}
  // Whether the stage's state is restored (e.g. not still rebuilding a previous owner's state).
  // Asked about once a second, also during rebalances and from within Handle or Drain while an
  // output waits for room in the producer's queue.
  virtual bool Restored() const { return true; }
  // The stage's RocksDB state, for the state-size and block-cache metrics; nullptr for a stage
  // that keeps its state elsewhere (the archiver's segment files). Asked as Restored() is.
  virtual const StateStore* state() const = 0;
};

class ConsumerDaemon final : private Output {
 public:
  // What a batch's records tell the metrics and the debug log.
  struct BatchRecords {
    size_t count = 0;
    // Broker timestamps of the records whose latency counts (not those caught up with).
    std::vector<int64_t> timestamps;
  };

  // `context` must outlive the daemon.
  ConsumerDaemon(DaemonContext& context, ConsumerDaemonOptions options);
  ConsumerDaemon(const ConsumerDaemon&) = delete;
  ConsumerDaemon& operator=(const ConsumerDaemon&) = delete;
  ~ConsumerDaemon() override;

  // Runs `stage` until shutdown, the end of input (exit_at_end) or an error, which it returns:
  // bad options, a state write, a fatal Kafka error, undeliverable output, unreachable brokers
  // a missing partitioned output topic, or a missing input topic with exit_at_end. A stop asked
  // for while the output topics are looked up is a clean stop, and so is one asked for while an
  // output waits for room in the producer's queue: then the batch in hand is not persisted (it is
  // logged as a warning; a restart redoes the batch), nor one sealed before it whose outputs are
  // not acknowledged yet, and an output already known lost is an undeliverable output as at any
  // persist (an error).
  Status Run(ConsumerStage& stage);

 private:
  Status Produce(const OutputRecord& record) override;
  Status Handle(ConsumerStage& stage, const Message& message);
  // Ends the open batch: seals it when the stage can (after writing the previously sealed one),
  // else waits for its outputs and commits it.
  Status Persist(ConsumerStage& stage);
  // Writes the sealed batch once its outputs are acknowledged: waits for them with `wait`, else
  // writes only if they already are.
  Status WriteSealed(ConsumerStage& stage, bool wait);
  // Whether persisting now would not wait: no sealed batch, or its outputs are acknowledged (or
  // failed). The consume loop keeps a caught-up batch open until then.
  bool PreviousBatchDelivered();
  // After a batch's write: offsets to Kafka, metrics, the debug line.
  void Persisted(const std::map<TopicPartition, int64_t>& offsets, const BatchRecords& records,
                 std::chrono::steady_clock::time_point start,
                 std::chrono::steady_clock::time_point delivered);
  Status Turn(ConsumerStage& stage);
  // A resume offset the topic no longer holds, by options_.offset_gap.
  Status OnOffsetGap(ConsumerStage& stage, const OffsetGap& gap);
  // `group` with what the handover topic says of `tp` (read once per assignment).
  GroupOffset WithHandover(const TopicPartition& tp, GroupOffset group);
  // What to do when a partition count look-up failed with the given error: nullopt to ask
  // again, else the status to give up with.
  using GiveUp = std::function<std::optional<Status>(const Status& error)>;
  // `topic`'s partition count, asked for (each attempt waiting at most `attempt`) until it is
  // known or `give_up` says to stop.
  Result<int32_t> PartitionCountUntil(const std::string& topic, std::chrono::milliseconds attempt,
                                      const GiveUp& give_up);
  // Looks up the partition counts of the stage's PartitionedOutputTopics() and gives them to it.
  // Aborted when a stop is asked for meanwhile.
  Status LookUpOutputPartitions(ConsumerStage& stage);
  // NotFound when the handover topic does not exist (after waiting a little for a cluster that
  // creates topics on demand).
  Status CheckHandoverTopic();
  // Writes the handovers of the revoked `partitions` that persisted a batch, and waits for them
  // at most `wait`.
  void HandOver(const std::vector<TopicPartition>& partitions, std::chrono::milliseconds wait);
  // Gives the handovers a fresh producer when the one they have failed a delivery; returns
  // whether it had.
  bool ReplaceFailedHandoverProducer();
  // About once a second: lag, readiness, librdkafka and RocksDB statistics.
  void Tick(ConsumerStage& stage);
  // Beats, and Tick()s if a second has passed since the last one: at each turn of the loop, and,
  // through meanwhile_, in every wait of the loop, so that liveness holds and readiness follows
  // what happens meanwhile (partitions lost, the producer's brokers unreachable; the consumer is
  // not polled, so its own connectivity is not refreshed). Those waits are the acknowledgements'
  // (a sealed batch, an unsealed batch's flush, the handovers: up to flush_timeout), room in the
  // producer's queue (ProduceBeating: flush_timeout at most), and at an assignment the group's
  // committed offsets, a partition's held offsets and the handovers' read (bounds above).
  // Without `beat`, readiness alone.
  void TickIfDue(ConsumerStage& stage, bool beat = true);
  // `producer`.Produce(record), ticking while it waits for room in the queue, and beating for
  // flush_timeout at most: room comes with deliveries or their failures after
  // message.timeout.ms, which a user may set to never (0), and then /healthz must report the
  // stall while /readyz still follows what happens. A stop ends the wait with Aborted.
  Status ProduceBeating(KafkaProducer& producer, const OutputRecord& record);
  prometheus::Counter& CounterFor(std::map<std::string, prometheus::Counter*, std::less<>>& cache,
                                  std::string_view topic, bool produced);

  DaemonContext& context_;
  ConsumerDaemonOptions options_;
  std::unique_ptr<KafkaConsumer> consumer_;
  std::unique_ptr<KafkaProducer> producer_;
  // Handovers have a producer of their own: one that fails is a warning, and must neither fail
  // the output batches (a producer's failure is final) nor hold up their delivery groups.
  std::unique_ptr<KafkaProducer> handover_producer_;
  std::map<TopicPartition, int64_t> pending_offsets_;
  BatchRecords pending_records_;
  // How far output went for each partition when it was assigned (GroupOffset::OutputEnd). A
  // stage that decides records again below it (catching up on another instance's partition)
  // persists its progress locally, but the group's offset is only ever moved forward, and not
  // below this: moving it back would have the next owner emit those records' outputs a second
  // time.
  std::map<TopicPartition, int64_t> commit_floor_;
  // The next offset of the last persisted batch of each assigned partition: what a handover says.
  std::map<TopicPartition, int64_t> persisted_next_;
  // The handover topic's records, read at the first partition of an assignment; reset by every
  // rebalance.
  std::optional<HandoverTable> handovers_;
  struct SealedBatch {
    uint64_t group = 0;  // the producer's delivery group of its outputs
    std::function<Status()> write;
    std::map<TopicPartition, int64_t> offsets;
    BatchRecords records;
  };
  std::optional<SealedBatch> sealed_;  // sealed, waiting for its outputs' acknowledgement
  std::map<std::string, prometheus::Counter*, std::less<>> consumed_;
  std::map<std::string, prometheus::Counter*, std::less<>> produced_;
  std::map<TopicPartition, prometheus::Gauge*> lag_;
  std::map<std::string, uint64_t> kafka_bytes_seen_;
  // The first error met in a callback (assignment, revocation), or an output's wait for room in
  // the queue that a stop ended.
  Status stop_status_;
  // Whether a stop ended an output's wait for room in the producer's queue: Run() then reports
  // the stop as a clean one.
  bool stopped_waiting_for_room_ = false;
  // TickIfDue() of Run()'s stage: what every wait of the loop calls.
  std::function<void()> meanwhile_;
  // The same without the beat: a wait past its bound (ProduceBeating).
  std::function<void()> tick_unbeaten_;
  std::chrono::steady_clock::time_point next_tick_{};
  // Turn()'s connectivity and missing-topic checks have a schedule of their own: a wait's tick
  // refreshes readiness, and must not put them off by up to a second.
  std::chrono::steady_clock::time_point next_check_{};
  std::chrono::steady_clock::time_point run_started_{};  // when Run() started consuming
};

}  // namespace headwire::common
