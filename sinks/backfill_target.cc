#include "sinks/backfill_target.h"

#include <spdlog/spdlog.h>

#include "common/logging.h"

namespace headwire::sinks {
namespace {

std::optional<std::string_view> FindHeader(const std::vector<common::Header>& headers,
                                           std::string_view name) {
  std::optional<std::string_view> found;
  for (const auto& h : headers) {
    if (h.name == name) found = h.value;  // the last one, as Kafka clients read it
  }
  return found;
}

// The one line that stands for the dead letters the sampler held back (none: no line).
void LogSuppressedDeadLetters(uint64_t suppressed) {
  if (suppressed == 0) return;
  spdlog::warn("msg=\"more dead letters, not logged one by one\" count={}", suppressed);
}

}  // namespace

Result<std::unique_ptr<BackfillTarget>> BackfillTarget::Create(
    const BackfillOptions& options, const core::TopicClassifier& classifier) {
  std::unique_ptr<BackfillTarget> target(new BackfillTarget());
  target->options_ = options;
  auto store = ArticleStore::Open(options.sink_state, /*for_queries=*/false, options.store);
  if (!store) return Err(store.error());
  target->store_ = std::move(*store);
  // A replay's sink state has offsets of one input partition only, the one it numbers itself;
  // any other was written by a sink that consumed a processed topic. Applying the replay on top
  // would mix two histories in one state (and a live sink's state is not to be touched).
  for (const auto& [tp, offset] : target->store_->StoredOffsets()) {
    if (tp == target->ProcessedPartition()) continue;
    if (tp.topic.starts_with(kReplayPrefix)) {
      return Err(common::OtherReplayError(options.sink_state, tp.topic.substr(kReplayPrefix.size()),
                                          options.replay));
    }
    return Err(Status::InvalidArgument(
        options.sink_state + " holds the state of a sink that consumed " + tp.topic + "/" +
        std::to_string(tp.partition) +
        ", not one a replay built; replay --into builds its state in a fresh directory"));
  }
  // Opened after the check, so that a refused replay leaves no processor state behind.
  auto decider =
      processors::ArticleDecider::Open(options.process_state, options.decide, classifier);
  if (!decider) return Err(decider.error());
  target->decider_ = std::move(*decider);
  // Commit() writes the sink state before the processor's, so a replay's processor state never
  // has positions while its sink state has no offset. One that has was made by something else
  // (a live processor, another replay), whose dedup memory would decide this replay.
  if (!target->StoredPositions().empty() &&
      !target->store_->StoredOffset(target->ProcessedPartition())) {
    return Err(Status::InvalidArgument(
        options.process_state + " holds a processor's positions but " + options.sink_state +
        " holds none: the two were not built together by one replay (is " + options.process_state +
        " a live processor's state?); give a fresh --process-state"));
  }
  target->applier_ =
      std::make_unique<RecordApplier>(*target->store_, RecordApplierOptions{LatePolicy::kDrop});
  target->processed_next_ = target->store_->StoredOffset(target->ProcessedPartition()).value_or(0);
  return target;
}

Status BackfillTarget::Deliver(const common::ArchiveRecord& record) {
  const common::ConsumedRecord raw{
      .topic = options_.raw_topic,
      .partition = record.partition,
      .offset = record.offset,
      .key = record.key ? std::string_view(*record.key) : std::string_view(),
      .value = record.value,
      .type = FindHeader(record.headers, common::kTypeHeader),
      .schema_version = FindHeader(record.headers, common::kSchemaVersionHeader),
      .timestamp_ms = record.timestamp_ms,
      .headers = {},
      .has_key = record.key.has_value()};
  auto decision = decider_->Decide(raw);
  if (!decision) return decision.error();
  ++counts_.delivered;
  if (decision->kind == processors::DecisionKind::kDeadLetter) {
    ++counts_.dead_letters;
    const auto now = common::LogSampler::Clock::now();
    LogSuppressedDeadLetters(dead_letter_log_.TakeSuppressed(now));
    if (dead_letter_log_.Admit(now)) {
      spdlog::warn("msg=\"dead letter\" partition={} offset={} reason={} detail={}",
                   record.partition, record.offset, v1::DeadLetterReason_Name(decision->reason),
                   common::Quote(decision->why));
    }
  }
  if (decision->kind == processors::DecisionKind::kDuplicate) ++counts_.duplicates;
  for (const auto& output : decision->outputs) {
    if (output.topic != options_.decide.processed_topic) continue;
    const common::ConsumedRecord processed{
        .topic = options_.decide.processed_topic,
        .partition = 0,
        .offset = processed_next_++,
        .key = output.key,
        .value = output.value,
        .type = FindHeader(output.headers, common::kTypeHeader),
        .schema_version = FindHeader(output.headers, common::kSchemaVersionHeader),
        .timestamp_ms = record.timestamp_ms,
        .headers = {},
        .has_key = true};
    auto applied = applier_->Apply(batch_, processed);
    if (!applied) return applied.error();
  }
  return Status::Ok();
}

Status BackfillTarget::Commit(const std::map<int32_t, int64_t>& next_positions) {
  if (Status s = store_->Commit(batch_, {{ProcessedPartition(), processed_next_}}, {}); !s.ok()) {
    return s;
  }
  std::map<common::TopicPartition, int64_t> offsets;
  for (const auto& [partition, offset] : next_positions) {
    offsets[{options_.raw_topic, partition}] = offset;
  }
  return decider_->Commit(offsets);
}

Status BackfillTarget::Finish() {
  LogSuppressedDeadLetters(dead_letter_log_.TakeSuppressedAtStop());
  // At the end of the input no partition holds the watermark back, as for `sink -e`.
  return store_->AdvanceWatermark(store_->KnownPartitions());
}

std::map<int32_t, int64_t> BackfillTarget::StoredPositions() const {
  std::map<int32_t, int64_t> out;
  for (const auto& [tp, offset] : decider_->state().LoadOffsets()) {
    if (tp.topic == options_.raw_topic) out[tp.partition] = offset;
  }
  return out;
}

}  // namespace headwire::sinks
