#pragma once
// RecordApplier: the sink's decision for one processed record, without Kafka. It checks the
// record's type and schema-version headers, decodes the ProcessedArticle
// (sinks/processed_record.h) and stages its effects
// into an ArticleStore::Batch (article_store.h), or stages a reject with the reason when the
// record is not one it can apply. A late record is counted by the store and, with
// LatePolicy::kDeadLetter, also comes back as a dead letter to produce.
//
// The caller commits the batch with the consumed offsets (ArticleStore::Commit), so a sink, a
// replay into a fresh state and a test apply records the same way. Usage:
//   RecordApplier applier(store, {.late_policy = LatePolicy::kDrop});
//   ArticleStore::Batch batch;
//   auto applied = applier.Apply(batch, record);     // for each record
//   store.Commit(batch, next_offsets, idle);
//
// Not thread-safe; `store` must outlive the applier.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "common/record.h"
#include "common/status.h"
#include "sinks/article_store.h"

namespace headwire::sinks {

enum class LatePolicy { kDrop, kDeadLetter };

struct RecordApplierOptions {
  // What happens to a late record besides being counted. Default: drop.
  LatePolicy late_policy = LatePolicy::kDrop;
  // Where late records go with LatePolicy::kDeadLetter. Default: "headwire.dlq".
  std::string dlq_topic = "headwire.dlq";
  // The largest record the producer accepts (its message.max.bytes): dead letters are cut to
  // fit it (common::DeadLetterRecord). RunSink sets it from the Kafka properties.
  // Default: no limit.
  size_t max_message_bytes = SIZE_MAX;
  // Keep the state of these topics only: an article is applied with its other topics removed,
  // and not at all when it has none of them. Default: empty (every topic).
  std::set<std::string> topics = {};
};

// What became of a record.
enum class ApplyOutcome {
  kApplied,     // its effects are staged
  kRedelivery,  // it was applied before; nothing changes
  kLate,        // older than its partition's watermark minus the grace period; counted only
  kRejected,    // not a ProcessedArticle of a known schema with an id, or an event time too far
                //   ahead (WatermarkOptions::max_ahead_ms); staged as a reject with `reason`
  kOtherTopic,  // it has none of RecordApplierOptions::topics; nothing is staged
};

struct Applied {
  ApplyOutcome outcome = ApplyOutcome::kApplied;
  // For kRejected: why, for people.
  std::string reason;
  // For kLate with LatePolicy::kDeadLetter: the dead letter to produce.
  std::optional<common::OutputRecord> dead_letter;
};

class RecordApplier {
 public:
  RecordApplier(ArticleStore& store, RecordApplierOptions options)
      : store_(store), options_(std::move(options)) {}
  RecordApplier(const RecordApplier&) = delete;
  RecordApplier& operator=(const RecordApplier&) = delete;

  // Stages the effects of `record` into `batch`. Returns an error when the state cannot be read,
  // or CheckTopics' when the first scored record shows that RecordApplierOptions::topics names
  // a topic its taxonomy lacks; a record that cannot be applied is an ApplyOutcome::kRejected.
  Result<Applied> Apply(ArticleStore::Batch& batch, const common::ConsumedRecord& record);

  // InvalidArgument, starting "--topics", naming the topics of `taxonomy`, when one of `wanted` is
  // not among them (a misspelt --topics would keep nothing); OK when `taxonomy` is empty (not
  // known yet).
  static Status CheckTopics(const std::set<std::string>& wanted,
                            const std::set<std::string>& taxonomy);

  const RecordApplierOptions& options() const { return options_; }

 private:
  ArticleStore& store_;
  RecordApplierOptions options_;
  bool topics_checked_ = false;  // options_.topics were checked against a record's taxonomy
};

}  // namespace headwire::sinks
