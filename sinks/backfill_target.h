#pragma once
// Replays into a sink state without Kafka (`headwire replay --into DIR`): every record runs
// through the processor's own decision (processors/article_decider.h) with the processor's state
// in its own directory, and the processed record it yields through the sink's own apply
// (sinks/record_applier.h) into the sink state, which `headwire query` and `headwire digest`
// then read. Per-topic streams and dead letters are counted, not produced.
//
// A processed record cites its raw record's position; here that is the source position under
// the raw topic's name, so records replayed from an archive cite the same (topic, partition,
// offset) as they did live. The sink sees one input partition, "<processed topic>/0".
//
// Commit() writes the sink batch first, then the processor state with the source positions: a
// crash between the two leaves the processor behind, so a resumed replay decides those records
// again, and the sink, having applied their identical processed records, treats them as
// redeliveries. Not thread-safe; each state directory is locked by RocksDB while open.

#include <memory>
#include <string>
#include <string_view>

#include "common/log_sampler.h"
#include "common/replay_target.h"
#include "core/topic_classifier.h"
#include "processors/article_decider.h"
#include "sinks/article_store.h"
#include "sinks/record_applier.h"

namespace headwire::sinks {

struct BackfillOptions {
  // The sink state to build. Required.
  std::string sink_state;
  // The processor's state for this replay. Required.
  std::string process_state;
  // The topic name processed records cite as their source. Default: "headwire.articles.raw".
  std::string raw_topic = "headwire.articles.raw";
  processors::ArticleDeciderOptions decide;
  StoreOptions store;
  // Which replay this is (its source and time range, common::ReplayTarget): kept in the sink
  // state, which a replay of another source or range then refuses to resume. Default: "".
  std::string replay;
};

class BackfillTarget : public common::ReplayTarget {
 public:
  // Opens (creating) both states. `classifier` must outlive the target. Returns the error
  // opening either state, or InvalidArgument when the sink state holds offsets of an input
  // partition a replay does not write (a live sink's state) or another replay's progress, or
  // when the processor state holds positions that the sink state does not (the two were not
  // built together).
  static Result<std::unique_ptr<BackfillTarget>> Create(const BackfillOptions& options,
                                                        const core::TopicClassifier& classifier);

  Status Deliver(const common::ArchiveRecord& record) override;
  Status Commit(const std::map<int32_t, int64_t>& next_positions) override;
  Status Finish() override;
  std::map<int32_t, int64_t> StoredPositions() const override;
  const common::ReplayCounts& counts() const override { return counts_; }

 private:
  BackfillTarget() = default;
  // Where the sink state keeps how many processed records the replay applied, named after the
  // replay. Not a Kafka topic (no topic name holds ':'), so that a live sink's offsets of the
  // processed topic can never pass for a replay's, nor a replay's for a live sink's.
  common::TopicPartition ProcessedPartition() const {
    return {std::string(kReplayPrefix) + options_.replay, 0};
  }
  static constexpr std::string_view kReplayPrefix = "replay:";

  BackfillOptions options_;
  std::unique_ptr<processors::ArticleDecider> decider_;
  std::unique_ptr<ArticleStore> store_;
  std::unique_ptr<RecordApplier> applier_;
  ArticleStore::Batch batch_;
  int64_t processed_next_ = 0;
  common::ReplayCounts counts_;
  // The first dead letters of every 10 s are logged with their reason, the rest counted: a
  // whole archive of the wrong topic must not flood the log, nor fail without a word.
  common::LogSampler dead_letter_log_{{.burst = 5, .interval = std::chrono::seconds(10)}};
};

}  // namespace headwire::sinks
