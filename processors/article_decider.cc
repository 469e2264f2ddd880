#include "processors/article_decider.h"

#include <algorithm>

#include "common/ingest_time.h"
#include "common/kafka_producer.h"
#include "common/proto_convert.h"
#include "common/utf8_tolerant_decoder.h"
#include "core/article_id.h"
#include "processors/recent_state.h"

namespace headwire::processors {
namespace {

constexpr const char* kProcessorName = "headwire-process/0.1.0";
constexpr const char* kStage = "process";

std::string JoinTopics(const std::vector<std::string>& topics) {
  std::string out;
  for (const auto& t : topics) {
    if (!out.empty()) out += ',';
    out += t;
  }
  return out;
}

// The headers of a processed record.
std::vector<common::Header> ProcessedHeaders(const v1::ProcessedArticle& processed) {
  std::vector<common::Header> extra{
      {"headwire-article-id", processed.article().id()},
      {"headwire-topics", JoinTopics({processed.topics().begin(), processed.topics().end()})}};
  if (!processed.duplicate_of().empty()) {
    extra.push_back({"headwire-duplicate-of", processed.duplicate_of()});
  }
  return common::MessageHeaders(v1::ProcessedArticle::descriptor()->full_name(), std::move(extra));
}

// The dedup verdict with the largest processed record: a near duplicate of, and in the story of,
// an article with the longest id the state can hold (the verdict is the only part of a processed
// record that depends on the state).
core::DedupVerdict LargestDedupVerdict(const ArticleDeciderOptions& options) {
  const std::string longest_id(
      std::max(options.pipeline.validation.max_short_field_bytes, core::kDerivedArticleIdBytes),
      'x');
  return {core::DuplicateKind::kNear, longest_id, longest_id};
}

}  // namespace

Result<std::unique_ptr<ArticleDecider>> ArticleDecider::Open(
    const std::string& state_dir, const ArticleDeciderOptions& options,
    const core::TopicClassifier& classifier) {
  auto forgotten = std::make_shared<ForgottenEntryFilter>();
  auto store = common::StateStore::Open({.path = state_dir,
                                         .kind = common::StateKind::kProcessor,
                                         .column_families = {kDedupFamily},
                                         .block_cache_bytes = options.state_memory_bytes,
                                         .write_buffer_bytes = options.state_memory_bytes / 2,
                                         .compaction_filters = {{kDedupFamily, forgotten}}});
  if (!store) return Err(store.error());
  auto raw_decoder = common::Utf8TolerantDecoder::Create(*v1::RawArticle::descriptor());
  if (!raw_decoder) return Err(raw_decoder.error());
  std::unique_ptr<ArticleDecider> decider(new ArticleDecider(
      options, classifier, std::move(*store), std::move(forgotten), std::move(*raw_decoder)));
  for (const auto& [tp, offset] : decider->store_->LoadOffsets()) {
    if (auto domain = decider->DomainOf(tp.partition); !domain) return Err(domain.error());
  }
  decider->PublishForgetCutoffs(decider->Watermarks());
  return decider;
}

ArticleDecider::ArticleDecider(const ArticleDeciderOptions& options,
                               const core::TopicClassifier& classifier,
                               std::unique_ptr<common::StateStore> store,
                               std::shared_ptr<ForgottenEntryFilter> forgotten,
                               std::unique_ptr<common::Utf8TolerantDecoder> raw_decoder)
    : options_(options),
      classifier_(classifier),
      forgotten_(std::move(forgotten)),
      store_(std::move(store)),
      raw_decoder_(std::move(raw_decoder)),
      taxonomy_(classifier.Describe()),
      stream_topics_(classifier.topics()),
      largest_dedup_(LargestDedupVerdict(options)) {}

ArticleDecider::~ArticleDecider() = default;

Result<ArticleDecider::Domain*> ArticleDecider::DomainOf(int32_t partition) {
  auto& domain = domains_[partition];
  if (!domain) {
    auto fresh = std::make_shared<Domain>(*store_, partition, options_, classifier_);
    if (Status s = RestoreRecentArticles(*store_, fresh->recent, fresh->prefix); !s.ok()) {
      domains_.erase(partition);
      return Err(s);
    }
    domain = std::move(fresh);
  }
  return domain.get();
}

ArticleDecider::WindowSize ArticleDecider::window_size() const {
  WindowSize size{.domains = domains_.size()};
  for (const auto& [partition, domain] : domains_) {
    size.articles += domain->recent.size();
    size.stories += domain->recent.story_count();
  }
  return size;
}

Result<ArticleDecision> ArticleDecider::Decide(const common::ConsumedRecord& record, Emit emit) {
  return Decide(record, Prepare(record, Features::kWhenNeeded), emit);
}

PreparedRecord ArticleDecider::Prepare(const common::ConsumedRecord& record,
                                       Features features) const {
  PreparedRecord prepared;
  auto dead_letter = [&](v1::DeadLetterReason reason, std::string why) {
    prepared.dead_letter = reason;
    prepared.why = std::move(why);
    return std::move(prepared);
  };
  const std::string& raw_type = v1::RawArticle::descriptor()->full_name();
  if (record.type && *record.type != raw_type) {
    return dead_letter(
        v1::DEAD_LETTER_REASON_UNKNOWN_SCHEMA,
        "headwire-type is \"" + std::string(*record.type) + "\", expected " + raw_type);
  }
  if (record.schema_version && *record.schema_version != common::kSchemaVersion) {
    return dead_letter(
        v1::DEAD_LETTER_REASON_UNKNOWN_SCHEMA,
        "unsupported schema version \"" + std::string(*record.schema_version) + "\"");
  }
  v1::RawArticle raw;
  if (!raw.ParseFromArray(record.value.data(), static_cast<int>(record.value.size()))) {
    // protobuf refuses a text field that is not UTF-8 as if the whole value were foreign: a
    // second look tells that record (INVALID_UTF8, naming the fields) from bytes of another type.
    if (auto tolerant = raw_decoder_->Decode(record.value);
        tolerant && !tolerant->invalid_utf8_fields.empty()) {
      return dead_letter(v1::DEAD_LETTER_REASON_INVALID_UTF8,
                         common::InvalidUtf8Message(tolerant->invalid_utf8_fields));
    }
    return dead_letter(v1::DEAD_LETTER_REASON_UNDECODABLE,
                       "value is not a headwire.v1.RawArticle (" +
                           std::to_string(record.value.size()) + " bytes)");
  }
  prepared.decoded = true;
  prepared.article = common::ToCoreArticle(raw);
  auto verdict = core::AssessArticle(prepared.article, options_.pipeline, &classifier_);
  if (!verdict) {
    return dead_letter(common::DeadLetterReasonFor(core::RejectReasonName(verdict.error().reason)),
                       verdict.error().message);
  }
  if (raw.published_at_ms() == 0 && !raw.event_time_estimated()) {
    // A producer without the article's time sends its own clock, flagged estimated; 0 unflagged
    // would be read as "no time" and the record never placed in event time.
    return dead_letter(
        common::DeadLetterReasonFor(core::RejectReasonName(core::RejectReason::kBadEventTime)),
        "published_at_ms is 0 and event_time_estimated is false");
  }
  if (auto error = common::CheckAheadOfIngest(raw.published_at_ms(), raw.ingested_at_ms(),
                                              options_.pipeline.recent.max_ahead_ms)) {
    return dead_letter(common::DeadLetterReasonFor(error->reason), std::move(error->message));
  }
  raw.set_id(prepared.article.id);
  // The processed record is built once, here (on a worker when there are any): with the largest
  // dedup verdict for the size check, which Decide replaces by the real one.
  prepared.processed =
      common::ToProcessedArticle(raw, *verdict, {std::string(record.topic), record.partition},
                                 record.offset, kProcessorName, taxonomy_);
  common::SetDedupVerdict(prepared.processed, largest_dedup_);
  // Checked before the dedup state sees the article, so that an article no reader gets leaves
  // no trace there (docs/dedup.md), whether or not this decision emits.
  if (const size_t size = common::MessageBytes(raw.id(), {}, ProcessedHeaders(prepared.processed)) +
                          prepared.processed.ByteSizeLong();
      size > options_.max_message_bytes) {
    return dead_letter(v1::DEAD_LETTER_REASON_TOO_LARGE,
                       "the processed record could be " + std::to_string(size) +
                           " bytes, over the producer's message.max.bytes (" +
                           std::to_string(options_.max_message_bytes) + ")");
  }
  prepared.verdict = std::move(*verdict);
  if (features == Features::kAhead) {
    prepared.features = core::ArticleFeatures(prepared.article, options_.pipeline);
  }
  return prepared;
}

Result<ArticleDecision> ArticleDecider::Decide(const common::ConsumedRecord& record,
                                               PreparedRecord prepared, Emit emit) {
  if (prepared.dead_letter != v1::DEAD_LETTER_REASON_UNSPECIFIED && !prepared.decoded) {
    return DeadLetter(record, emit, prepared.dead_letter, std::move(prepared.why));
  }
  // A decoded record's domain is in memory from here on, whatever the verdict.
  auto domain = DomainOf(record.partition);
  if (!domain) return Err(domain.error());
  if (prepared.dead_letter != v1::DEAD_LETTER_REASON_UNSPECIFIED) {
    return DeadLetter(record, emit, prepared.dead_letter, std::move(prepared.why));
  }
  const core::Article& article = prepared.article;
  core::ArticleVerdict& verdict = prepared.verdict;
  (*domain)->pipeline.Deduplicate(article, verdict, std::move(prepared.features));
  if (!(*domain)->index.status().ok()) return Err((*domain)->index.status());
  ArticleDecision decision;
  decision.duplicate_kind = verdict.dedup.kind;
  decision.kind = verdict.dedup.kind == core::DuplicateKind::kUnique ? DecisionKind::kUnique
                                                                     : DecisionKind::kDuplicate;
  decision.topics = verdict.classification.topics;
  if (emit == Emit::kNo) return decision;

  v1::ProcessedArticle& processed = prepared.processed;
  common::SetDedupVerdict(processed, verdict.dedup);
  std::string bytes = processed.SerializeAsString();
  auto headers = ProcessedHeaders(processed);
  const bool unique = decision.kind == DecisionKind::kUnique;
  const int streams = unique ? processed.topics_size() : 0;
  decision.outputs.reserve(1 + static_cast<size_t>(streams));
  const std::optional<int32_t> processed_partition =
      options_.processed_partitions > 0
          ? std::optional<int32_t>(record.partition % options_.processed_partitions)
          : std::nullopt;
  decision.outputs.push_back(
      {options_.processed_topic, article.id, bytes, headers, processed_partition});
  for (int i = 0; i < streams; ++i) {
    decision.outputs.push_back(
        {options_.topic_prefix + processed.topics(i), article.id, bytes, headers, std::nullopt});
  }
  return decision;
}

ArticleDecision ArticleDecider::DeadLetter(const common::ConsumedRecord& record, Emit emit,
                                           v1::DeadLetterReason reason, std::string why) const {
  ArticleDecision decision;
  decision.kind = DecisionKind::kDeadLetter;
  decision.reason = reason;
  decision.why = std::move(why);
  if (emit == Emit::kYes) {
    decision.outputs.push_back(common::DeadLetterRecord(
        options_.dlq_topic, record, reason, decision.why, kStage, options_.max_message_bytes));
  }
  return decision;
}

Status ArticleDecider::Commit(const std::map<common::TopicPartition, int64_t>& next_offsets) {
  return Seal(next_offsets)();
}

std::function<Status()> ArticleDecider::Seal(
    const std::map<common::TopicPartition, int64_t>& next_offsets) {
  auto batch = std::make_shared<rocksdb::WriteBatch>();
  std::vector<std::pair<std::shared_ptr<Domain>, uint64_t>> sealed;
  sealed.reserve(domains_.size());
  for (auto& [partition, domain] : domains_) {
    sealed.emplace_back(domain, domain->index.SealChanges(*batch));
    TakeRecentChanges(*store_, domain->recent, *batch, domain->prefix);
  }
  for (const auto& [tp, offset] : next_offsets) store_->PutOffset(*batch, tp, offset);
  // The cutoffs are the written state's: a restart from it must still find what it remembers.
  return [this, batch, sealed = std::move(sealed), watermarks = Watermarks()]() -> Status {
    for (const auto& [domain, number] : sealed) {
      if (!domain->index.status().ok()) return domain->index.status();
    }
    if (Status s = store_->Write(*batch); !s.ok()) return s;
    for (const auto& [domain, number] : sealed) domain->index.ForgetSealed(number);
    PublishForgetCutoffs(watermarks);
    return Status::Ok();
  };
}

void ArticleDecider::Discard() {
  for (auto& [partition, domain] : domains_) domain->index.DiscardChanges();
}

std::vector<std::string> ArticleDecider::OutputTopics() const {
  std::vector<std::string> topics{options_.processed_topic, options_.dlq_topic};
  for (const auto& topic : stream_topics_) topics.push_back(options_.topic_prefix + topic);
  return topics;
}

std::optional<int64_t> ArticleDecider::StoredOffset(const common::TopicPartition& tp) const {
  return store_->LoadOffset(tp);
}

Result<std::optional<DomainSnapshot>> ArticleDecider::RestoreDomain(
    const std::string& snapshot_root, const common::TopicPartition& tp) {
  const std::optional<int64_t> stored = store_->LoadOffset(tp);
  if (!stored && domains_.contains(tp.partition)) {
    return Err(Status::InvalidArgument("domain " + common::PartitionName(tp) +
                                       " has records decided but not written; a snapshot "
                                       "cannot replace them"));
  }
  if (stored) {
    const auto snapshots = ListDomainSnapshots(snapshot_root, tp);
    if (snapshots.empty() || snapshots.back().offset <= *stored) {
      return std::optional<DomainSnapshot>();
    }
    const int32_t partition = tp.partition;
    if (Status s = store_->DeletePartition(
            tp, kDedupFamily, DomainKeyPrefix(partition),
            [partition](std::string_view key) { return SplitDomainKey(key).first == partition; });
        !s.ok()) {
      return Err(s);
    }
    // A sealed batch not yet written keeps the old domain alive; it holds no change of it,
    // since the domain was not assigned here.
    domains_.erase(partition);
  }
  auto restored = RestoreDomainSnapshot(*store_, snapshot_root, tp);
  if (!restored || !*restored) return restored;
  if (auto domain = DomainOf(tp.partition); !domain) return Err(domain.error());
  PublishForgetCutoffs(Watermarks());
  return restored;
}

std::map<int32_t, int64_t> ArticleDecider::Watermarks() const {
  std::map<int32_t, int64_t> watermarks;
  for (const auto& [partition, domain] : domains_) {
    watermarks[partition] = domain->recent.watermark();
  }
  return watermarks;
}

void ArticleDecider::PublishForgetCutoffs(const std::map<int32_t, int64_t>& watermarks) {
  for (const auto& [partition, watermark] : watermarks) {
    if (watermark == core::kNoWatermark) continue;
    forgotten_->Advance(partition, watermark - options_.pipeline.dedup.forget_after_ms);
  }
}

}  // namespace headwire::processors
