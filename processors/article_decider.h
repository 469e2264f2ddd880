#pragma once
// ArticleDecider: the processor's decision for one raw record, without Kafka. It checks the
// record's type and schema-version headers, decodes the RawArticle, runs the article pipeline
// (validate, canonicalise, exact dedup, near dedup and story, classify) and returns what to
// produce as values: the ProcessedArticle for the processed topic and, for a unique article, the
// same bytes for each of its topics' streams; or one dead letter with the reason.
//
// State: it opens (and owns) the processor's RocksDB state, the exact-dedup entries and the
// near-duplicate/story window beside the consumed offsets. Each raw partition is a dedup domain
// with its own entries and window (keys apart, processors/rocks_dedup_index.h), so records are
// judged only against their own partition's earlier records, in that partition's order: the
// verdicts do not depend on how partitions interleave or which instance owns which partition.
// Decisions change the state in memory only; Commit() writes those changes and the offsets in ONE
// WriteBatch, Discard() drops them. So a caller that persists a batch only after its outputs were
// delivered gets at-least-once output with deterministic replay: deciding the same records again
// from the stored state gives the same outputs, byte for byte.
//
// Usage (a daemon: processors/article_processor.h; a replay into a fresh state works the same):
//   auto decider = ArticleDecider::Open(state_dir, options, classifier);   // restores windows
//   for each record: auto decision = (*decider)->Decide(record);  produce decision->outputs
//   after the outputs were acknowledged: (*decider)->Commit(next_offsets);
//
// Not thread-safe: one caller at a time, except Prepare, which other threads may call at any time
// (it reads only what is fixed at Open), so that the order-independent part of many records'
// decisions runs in parallel (processors/ordered_decider.h).

#include <rocksdb/write_batch.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/kafka_consumer.h"
#include "common/record.h"
#include "common/state_store.h"
#include "common/status.h"
#include "common/utf8_tolerant_decoder.h"
#include "core/pipeline.h"
#include "core/recent_articles.h"
#include "core/topic_classifier.h"
#include "headwire/v1/article.pb.h"
#include "processors/domain_snapshots.h"
#include "processors/rocks_dedup_index.h"

namespace headwire::processors {

struct ArticleDeciderOptions {
  // Every article with its verdicts. Default: "headwire.articles.processed".
  std::string processed_topic = "headwire.articles.processed";
  // Unique articles of topic T go to <prefix>T. Default: "headwire.topic.".
  std::string topic_prefix = "headwire.topic.";
  // Undecodable or invalid input. Default: "headwire.dlq".
  std::string dlq_topic = "headwire.dlq";
  // Validation limits, dedup windows, near-duplicate and story settings.
  core::PipelineOptions pipeline;
  // Partitions of processed_topic. When set, each raw partition's processed records go to
  // partition raw % processed_partitions, so a processed partition holds its domains' records
  // in their decision order (the sink judges lateness per partition: see README, "Ordering
  // across domains"); 0 partitions them by article id. The processor sets it from the topic's
  // metadata (set_processed_partitions) before the first record. Default: 0.
  int32_t processed_partitions = 0;
  // The largest record the output producer accepts (its message.max.bytes, as
  // common::MessageBytes counts): a processed record larger than that is dead-lettered as
  // TOO_LARGE instead, and dead letters are cut to fit it. RunProcessor sets it from the Kafka
  // properties. Default: no limit.
  size_t max_message_bytes = SIZE_MAX;
  // RocksDB memory of the state: one block cache for every column family, with the memtables (at
  // most half) charged to it. With the window's budget (pipeline.recent.max_window_bytes) and
  // the Kafka clients' queues, it bounds what the processor holds. Default: 64 MiB.
  size_t state_memory_bytes = 64 << 20;
};

// What a record turned out to be.
enum class DecisionKind { kUnique, kDuplicate, kDeadLetter };

struct ArticleDecision {
  DecisionKind kind = DecisionKind::kUnique;
  // For kDuplicate: how it duplicates its original.
  core::DuplicateKind duplicate_kind = core::DuplicateKind::kUnique;
  // For kUnique and kDuplicate: the topics the classifier gave the article.
  std::vector<std::string> topics;
  // For kDeadLetter: the reason and the message for people.
  v1::DeadLetterReason reason = v1::DEAD_LETTER_REASON_UNSPECIFIED;
  std::string why;
  // What to produce, in this order: the processed record then one per topic stream, or the one
  // dead letter. Empty when the record was decided with Emit::kNo.
  std::vector<common::OutputRecord> outputs;

  friend bool operator==(const ArticleDecision&, const ArticleDecision&) = default;
};

// What ArticleDecider::Prepare finds in a record alone: its reason to be a dead letter, or the
// decoded article with its assessment (validation, id, canonical URL, fingerprints,
// classification), its processed record but for the dedup verdict, and, when asked for, its
// near-duplicate features.
struct PreparedRecord {
  // Whether the value decoded as a RawArticle.
  bool decoded = false;
  // A dead letter's reason (DEAD_LETTER_REASON_UNSPECIFIED: not a dead letter) and message.
  v1::DeadLetterReason dead_letter = v1::DEAD_LETTER_REASON_UNSPECIFIED;
  std::string why;
  // The processed record with the largest dedup verdict (the one its size was checked with);
  // Decide sets the real one.
  v1::ProcessedArticle processed;
  core::Article article;
  core::ArticleVerdict verdict;
  std::optional<core::HeadlineFeatures> features;
};

class ArticleDecider {
 public:
  // Opens (creating when missing) the processor's state at `state_dir` and restores the
  // near-duplicate and story window of every domain it has offsets for; other domains are
  // restored when their first record comes. `classifier` must outlive the decider. Returns
  // IoError when the state cannot be opened (e.g. another process holds it).
  static Result<std::unique_ptr<ArticleDecider>> Open(const std::string& state_dir,
                                                      const ArticleDeciderOptions& options,
                                                      const core::TopicClassifier& classifier);
  ArticleDecider(const ArticleDecider&) = delete;
  ArticleDecider& operator=(const ArticleDecider&) = delete;
  ~ArticleDecider();

  // Whether Decide builds outputs. kNo still updates the state (a fail-over catch-up decides a
  // previous owner's records again to rebuild its state; their output is already on the topics).
  enum class Emit { kYes, kNo };

  // Whether Prepare computes the near-duplicate features of every valid article (kAhead, for a
  // caller that prepares on other threads) or leaves them to Decide, which computes them only for
  // an article that is not an exact duplicate (kWhenNeeded).
  enum class Features { kWhenNeeded, kAhead };

  // Decides one raw record. A record that is not a valid RawArticle is a kDeadLetter decision,
  // not an error: INVALID_UTF8 naming the fields when the value is one but for text fields that
  // are not UTF-8, UNDECODABLE when it is not one at all. Returns an error only when the state
  // cannot be read.
  Result<ArticleDecision> Decide(const common::ConsumedRecord& record, Emit emit = Emit::kYes);

  // Decide in two steps. Prepare does what depends on the record alone; it is const and safe
  // from any thread while the decider is in use. Decide(record, prepared) then decides against
  // the state, in the records' order; the decision is the one Decide(record) gives.
  PreparedRecord Prepare(const common::ConsumedRecord& record, Features features) const;
  Result<ArticleDecision> Decide(const common::ConsumedRecord& record, PreparedRecord prepared,
                                 Emit emit = Emit::kYes);

  // Writes the state changes of every record decided since the last Commit/Seal/Discard and the
  // `next_offsets` (next offset to read per partition) in one atomic WriteBatch, then lets
  // compaction drop exact-dedup entries the state has forgotten. Returns the write error.
  Status Commit(const std::map<common::TopicPartition, int64_t>& next_offsets);

  // Commit in two steps, so that the next records can be decided while this batch's outputs are
  // being acknowledged: Seal takes the changes and offsets into a WriteBatch and returns the
  // function that writes it (as Commit does; call them in Seal order). Decide sees the sealed
  // changes meanwhile, exactly as if they were written.
  std::function<Status()> Seal(const std::map<common::TopicPartition, int64_t>& next_offsets);

  // Forgets the exact-dedup changes not yet written (their outputs were not delivered). The
  // caller must not Commit after a Discard without deciding the records again.
  void Discard();

  // Every topic Decide may produce to: processed, dead letters and each topic's stream.
  std::vector<std::string> OutputTopics() const;

  // Sets options.processed_partitions, once the processed topic's metadata is known; before the
  // first Decide.
  void set_processed_partitions(int32_t count) { options_.processed_partitions = count; }

  // The stored resume offset of `tp`, or nullopt when the state has none.
  std::optional<int64_t> StoredOffset(const common::TopicPartition& tp) const;

  // Starts domain `tp` from the newest snapshot under `snapshot_root`
  // (processors/domain_snapshots.h) and restores its window, when the decider holds no state for
  // the domain or only state older than that snapshot: then the domain's entries, window and
  // offset are deleted first (in one write; a crash before the ingest leaves the domain without
  // state, which the next start restores the same way). Call it for a newly assigned domain,
  // before any of its records is decided. Returns the snapshot, nullopt when there is none newer
  // than the domain's state; InvalidArgument when records of the domain were decided but not
  // written; the read, delete or ingest error otherwise.
  Result<std::optional<DomainSnapshot>> RestoreDomain(const std::string& snapshot_root,
                                                      const common::TopicPartition& tp);

  common::StateStore& state() const { return *store_; }

  // What the windows in memory hold, over all domains.
  struct WindowSize {
    size_t domains = 0;
    size_t articles = 0;
    size_t stories = 0;
  };
  WindowSize window_size() const;

 private:
  // One dedup domain (raw partition): its exact-dedup entries, its window and the pipeline
  // deciding against them.
  struct Domain {
    Domain(common::StateStore& store, int32_t partition, const ArticleDeciderOptions& options,
           const core::TopicClassifier& classifier)
        : prefix(DomainKeyPrefix(partition)),
          index(store, prefix),
          recent(options.pipeline.recent),
          pipeline(options.pipeline, &classifier, index, &recent) {}
    std::string prefix;
    RocksDedupIndex index;
    core::RecentArticles recent;
    core::ArticlePipeline pipeline;
  };

  ArticleDecider(const ArticleDeciderOptions& options, const core::TopicClassifier& classifier,
                 std::unique_ptr<common::StateStore> store,
                 std::shared_ptr<ForgottenEntryFilter> forgotten,
                 std::unique_ptr<common::Utf8TolerantDecoder> raw_decoder);
  // The domain of raw partition `partition`, restored from the state on first use. Returns the
  // read error.
  Result<Domain*> DomainOf(int32_t partition);
  ArticleDecision DeadLetter(const common::ConsumedRecord& record, Emit emit,
                             v1::DeadLetterReason reason, std::string why) const;
  // The watermark of each domain in memory, by raw partition.
  std::map<int32_t, int64_t> Watermarks() const;
  // Lets compaction drop each domain's exact-dedup entries older than what a state with that
  // domain's watermark keeps.
  void PublishForgetCutoffs(const std::map<int32_t, int64_t>& watermarks);

  ArticleDeciderOptions options_;
  const core::TopicClassifier& classifier_;
  std::shared_ptr<ForgottenEntryFilter> forgotten_;
  std::unique_ptr<common::StateStore> store_;
  // Reads a raw value protobuf refused, to tell invalid UTF-8 from undecodable bytes.
  std::unique_ptr<common::Utf8TolerantDecoder> raw_decoder_;
  // Shared with the write of a sealed batch, which may outlive a domain replaced by a snapshot.
  std::map<int32_t, std::shared_ptr<Domain>> domains_;
  std::string taxonomy_;
  std::vector<std::string> stream_topics_;  // the classifier's topics
  // The dedup verdict whose processed record is the largest: Prepare checks sizes with it.
  const core::DedupVerdict largest_dedup_;
};

}  // namespace headwire::processors
