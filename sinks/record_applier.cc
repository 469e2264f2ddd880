#include "sinks/record_applier.h"

#include <algorithm>

#include "common/proto_convert.h"

namespace headwire::sinks {

std::string PartitionName(const common::TopicPartition& tp) {
  return tp.topic + "/" + std::to_string(tp.partition);
}

Result<Applied> RecordApplier::Apply(ArticleStore::Batch& batch,
                                     const common::ConsumedRecord& record) {
  const common::TopicPartition tp{std::string(record.topic), record.partition};
  Applied applied;
  const std::string& type_name = v1::ProcessedArticle::descriptor()->full_name();
  v1::ProcessedArticle article;
  if (record.type && *record.type != type_name) {
    applied.reason = "unexpected type " + std::string(*record.type);
  } else if (record.schema_version && *record.schema_version != common::kSchemaVersion) {
    applied.reason = "unsupported schema version \"" + std::string(*record.schema_version) + "\"";
  } else if (!article.ParseFromArray(record.value.data(), static_cast<int>(record.value.size()))) {
    applied.reason = "undecodable ProcessedArticle";
  }
  if (!applied.reason.empty()) {
    applied.outcome = ApplyOutcome::kRejected;
    store_.StageReject(batch, tp, record.offset, applied.reason);
    return applied;
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
  auto outcome = store_.Stage(batch, article, PartitionName(tp));
  if (!outcome) return Err(outcome.error());
  switch (*outcome) {
    case StageOutcome::kApplied:
      applied.outcome = ApplyOutcome::kApplied;
      break;
    case StageOutcome::kRedelivery:
      applied.outcome = ApplyOutcome::kRedelivery;
      break;
    case StageOutcome::kLate:
      applied.outcome = ApplyOutcome::kLate;
      if (options_.late_policy == LatePolicy::kDeadLetter) {
        applied.dead_letter = common::DeadLetterRecord(
            options_.dlq_topic, record, v1::DEAD_LETTER_REASON_LATE,
            "event time " + std::to_string(article.article().published_at_ms()) +
                " is older than the partition's watermark minus the allowed lateness",
            "sink");
      }
      break;
  }
  return applied;
}

}  // namespace headwire::sinks
