#include "sinks/record_applier.h"

#include <algorithm>

#include "common/proto_convert.h"
#include "common/time_format.h"
#include "sinks/processed_record.h"

namespace headwire::sinks {
namespace {

// Why a record is late, in times a person reads.
std::string LateReason(int64_t event_ms, std::optional<int64_t> watermark_ms, int64_t grace_ms) {
  std::string reason = "event time " + common::FormatRfc3339(event_ms) +
                       " is more than the allowed lateness (--grace-s, " +
                       std::to_string(grace_ms / 1000) + " s) behind its partition's watermark";
  if (watermark_ms) reason += " " + common::FormatRfc3339(*watermark_ms);
  return reason + " (the newest event time of the partition minus --max-out-of-order-s)";
}

}  // namespace

Status RecordApplier::CheckTopics(const std::set<std::string>& wanted,
                                  const std::set<std::string>& taxonomy) {
  if (taxonomy.empty()) return Status::Ok();
  // An empty name is unknown too, so whether any was found is not whether the list is empty.
  std::string unknown;
  bool any_unknown = false;
  for (const std::string& topic : wanted) {
    if (taxonomy.contains(topic)) continue;
    unknown += (any_unknown ? ", " : "") + topic;
    any_unknown = true;
  }
  if (!any_unknown) return Status::Ok();
  std::string known;
  for (const std::string& topic : taxonomy) known += (known.empty() ? "" : ", ") + topic;
  return Status::InvalidArgument("--topics: " + unknown +
                                 " is not a topic of the taxonomy the input was classified with "
                                 "(its topics: " +
                                 known + ")");
}

Result<Applied> RecordApplier::Apply(ArticleStore::Batch& batch,
                                     const common::ConsumedRecord& record) {
  const common::TopicPartition tp{std::string(record.topic), record.partition};
  Applied applied;
  auto decoded = DecodeProcessedRecord(record.type, record.schema_version, record.value);
  if (!decoded) {
    applied.outcome = ApplyOutcome::kRejected;
    applied.reason = std::move(decoded.error());
    store_.StageReject(batch, tp, record.offset, applied.reason);
    return applied;
  }
  v1::ProcessedArticle& article = *decoded;
  if (!options_.topics.empty() && !topics_checked_ && article.scores_size() > 0) {
    // A processed record scores every topic of the taxonomy it was classified with.
    std::set<std::string> taxonomy;
    for (const auto& score : article.scores()) taxonomy.insert(score.topic());
    if (Status s = CheckTopics(options_.topics, taxonomy); !s.ok()) return Err(s);
    topics_checked_ = true;
  }
  if (!options_.topics.empty()) {
    auto* topics = article.mutable_topics();
    topics->erase(
        std::remove_if(topics->begin(), topics->end(),
                       [&](const std::string& t) { return !options_.topics.contains(t); }),
        topics->end());
    if (topics->empty()) {
      applied.outcome = ApplyOutcome::kOtherTopic;
      return applied;
    }
  }
  auto outcome = store_.Stage(batch, article, common::PartitionName(tp));
  if (!outcome) return Err(outcome.error());
  switch (*outcome) {
    case StageOutcome::kApplied:
      applied.outcome = ApplyOutcome::kApplied;
      break;
    case StageOutcome::kRedelivery:
      applied.outcome = ApplyOutcome::kRedelivery;
      break;
    case StageOutcome::kFarAhead:
      applied.outcome = ApplyOutcome::kRejected;
      applied.reason = "event time " + std::to_string(article.article().published_at_ms()) +
                       " is more than --max-ahead-ms ahead of the partition's largest event time";
      store_.StageReject(batch, tp, record.offset, applied.reason);
      break;
    case StageOutcome::kLate:
      applied.outcome = ApplyOutcome::kLate;
      if (options_.late_policy == LatePolicy::kDeadLetter) {
        applied.dead_letter = common::DeadLetterRecord(
            options_.dlq_topic, record, v1::DEAD_LETTER_REASON_LATE,
            LateReason(article.article().published_at_ms(), store_.PartitionWatermark(tp),
                       store_.options().watermark.grace_ms),
            "sink", options_.max_message_bytes);
      }
      break;
  }
  return applied;
}

}  // namespace headwire::sinks
