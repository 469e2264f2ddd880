#pragma once
// Replays into a Kafka topic (by default the raw topic, so the live daemons pick the records up):
// each record is produced with its own key, value and headers, on the partition TargetPartition
// chooses. Commit() waits for every delivery, then writes the source
// positions to the progress file (temporary file and rename), so that --resume continues after
// them. Delivery is at least once: after a crash, records after the last Commit are produced again,
// and the processor drops them as same-id duplicates. A stop (SIGINT/SIGTERM/SIGHUP, common/
// shutdown.h) ends Deliver()'s waits for the brokers, the one for room in the producer's queue
// included (it may never end: message.timeout.ms 0), with Aborted, the record not delivered; a
// Commit() still waits for what was enqueued before, flush_timeout at most, and writes no
// position unless all of it was acknowledged. Not thread-safe.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/kafka_producer.h"
#include "common/replay_target.h"
#include "producers/domain_partitioner.h"

namespace headwire::producers {

// Where a replayed record goes in the target topic.
enum class TargetPartition {
  // A RawArticle to the partition of its dedup domain (producers/domain_partitioner.h), as
  // `produce` and `feed` put it; any other record by its key. For a file, whose records have no
  // partition, and to spread a history over a topic of another shape.
  kDomain,
  // Every record to the partition it had in the archive or topic replayed, so that each
  // partition (each dedup domain) gets the same records in the same order as it did live,
  // whatever domain key put them there. A record whose partition the target lacks is an error.
  kSource,
};

struct TopicTargetOptions {
  common::KafkaOptions kafka;
  // Destination. Default: "headwire.articles.raw".
  std::string topic = "headwire.articles.raw";
  // How a record's partition is chosen. Default: kDomain.
  TargetPartition partition = TargetPartition::kDomain;
  // With kDomain, the article field whose value is the dedup domain. Default: "language"
  // (kDefaultDomainKey).
  std::string domain_key = kDefaultDomainKey;
  // Where positions are kept for --resume. Default: "" (not kept).
  std::string progress_file;
  // Which replay this is (its source and time range, common::ReplayTarget): kept in the progress
  // file, which a replay of another source or range then refuses to resume. Default: "".
  std::string replay;
  // How long a Commit waits for deliveries. Default: common::kDefaultFlushTimeout (60 s).
  std::chrono::milliseconds flush_timeout = common::kDefaultFlushTimeout;
};

class TopicTarget : public common::ReplayTarget {
 public:
  // Returns InvalidArgument for a bad Kafka property, Corruption for an unreadable progress file.
  static Result<std::unique_ptr<TopicTarget>> Create(const TopicTargetOptions& options);

  Status Deliver(const common::ArchiveRecord& record) override;
  Status Commit(const std::map<int32_t, int64_t>& next_positions) override;
  Status Finish() override { return Status::Ok(); }
  std::map<int32_t, int64_t> StoredPositions() const override { return stored_; }
  const common::ReplayCounts& counts() const override { return counts_; }

 private:
  TopicTarget() = default;
  // The partition of `record`, as options_.partition says (kAnyPartition: by its key).
  Result<int32_t> PartitionOf(const common::ArchiveRecord& record);

  TopicTargetOptions options_;
  std::optional<DomainPartitioner> domains_;  // created at the first RawArticle
  std::optional<int32_t> target_partitions_;  // kSource: looked up at the first record
  std::unique_ptr<common::KafkaProducer> producer_;
  std::map<int32_t, int64_t> stored_;
  common::ReplayCounts counts_;
};

// Reads / atomically writes a positions file: JSON {"replay": "<name>", "positions":
// {"<partition>": next offset}}.
// A progress file: the next source offset per source partition, and the replay they belong to
// ("" in a file written before replays were named).
struct StoredProgress {
  std::map<int32_t, int64_t> positions;
  std::string replay;
};
Result<StoredProgress> ReadPositionsFile(const std::string& path);
Status WritePositionsFile(const std::string& path, const StoredProgress& progress);

}  // namespace headwire::producers
