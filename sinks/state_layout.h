#pragma once
// The sink state's on-disk layout: column family names, key and value encodings, and the event
// time every kept entry is expired by. One place, so that the store, the compaction filter, the
// queries and the digest agree. docs/state.md describes the layout for people.
//
// Event times in keys are biased big-endian (value XOR 2^63), so keys sort by time and negative
// times sort first; "latest" keys store the time inverted so a forward scan is newest first.

#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/event_windows.h"

namespace headwire::sinks {

inline constexpr const char* kArticlesFamily = "articles";
inline constexpr const char* kLatestFamily = "latest";
inline constexpr const char* kDuplicatesFamily = "duplicates";
inline constexpr const char* kRejectsFamily = "rejects";
inline constexpr const char* kWindowsFamily = "windows";
inline constexpr const char* kTermsFamily = "terms";
inline constexpr const char* kStoriesFamily = "stories";
inline constexpr const char* kCountersFamily = "counters";
inline constexpr const char* kMetaFamily = "meta";

// The families holding logical state (what queries return), in digest order. "meta" (watermark,
// per-partition maxima) and the offsets are bookkeeping.
inline constexpr const char* kLogicalFamilies[] = {
    kArticlesFamily, kLatestFamily, kDuplicatesFamily, kRejectsFamily,
    kWindowsFamily,  kTermsFamily,  kStoriesFamily,    kCountersFamily};

// The pseudo-topic under which every article is listed once in "latest" and "windows".
inline constexpr const char* kAllTopics = "*";

// Counter keys in the "counters" family.
inline constexpr const char* kLateCounter = "late";
// "counters" also holds one marker per late record (prefix + article id or duplicate key), whose
// value is the partition's watermark when it was judged late (8 bytes, as TimedValue).
inline constexpr const char* kLateMarkerPrefix = "late/";

// Meta keys.
inline constexpr const char* kWatermarkKey = "watermark";
inline constexpr const char* kHorizonKey = "horizon";
inline constexpr const char* kPartitionMaxPrefix = "pmax/";
// "phorizon/<partition>": that input partition's own expiry horizon (its watermark - retention,
// held at most a retention behind the global horizon), by which its stories and rejects also
// expire (ExpiryHorizons::DeleteBelow).
inline constexpr const char* kPartitionHorizonPrefix = "phorizon/";
// "topic/<name>" for every topic of the taxonomy the input was classified with (empty value).
inline constexpr const char* kTopicPrefix = "topic/";

void AppendTime(std::string& out, int64_t time_ms);
int64_t ReadTime(std::string_view bytes);
std::string EncodeU64(uint64_t value);
uint64_t DecodeU64(std::string_view bytes);

// Values of "articles", "duplicates" and "rejects" start with the entry's event time.
std::string TimedValue(int64_t time_ms, std::string_view payload);
std::string_view TimedPayload(std::string_view value);

// rejects: topic \0 partition (4) offset (8). The value's time is the partition's watermark when
// the reject arrived. One that arrives while its partition has no watermark is provisional: it
// holds the sink's global watermark, or kPendingRejectTime while the sink has none either. The
// sink re-stamps every reject of a partition with the partition's first watermark when that
// comes, and the pending ones with the first global watermark when that comes.
std::string RejectKey(std::string_view topic, int32_t partition, int64_t offset);
// The name of the reject key's input partition ("topic/partition", as the watermark tracker
// names it); nullopt when `key` is not a reject key.
std::optional<std::string> RejectPartition(std::string_view key);
inline constexpr int64_t kPendingRejectTime = std::numeric_limits<int64_t>::max();

// latest: topic \0 estimated (1) inverted time (8) id. Articles whose event time the producer
// estimated sort after every dated one (estimated = 1), so they never lead a newest-first list.
std::string LatestKey(std::string_view topic, bool estimated, int64_t time_ms, std::string_view id);
struct LatestKeyParts {
  std::string topic;
  bool estimated = false;
  int64_t time_ms = 0;
  std::string id;
};
std::optional<LatestKeyParts> ParseLatestKey(std::string_view key);

// windows and terms: size (1) start (8) topic \0 name   (name = source or term)
std::string WindowKey(core::WindowSize size, int64_t start_ms, std::string_view topic,
                      std::string_view name);
std::string WindowPrefix(core::WindowSize size, int64_t start_ms);
struct WindowKeyParts {
  core::WindowSize size = core::WindowSize::kHour;
  int64_t start_ms = 0;
  std::string topic;
  std::string name;
};
std::optional<WindowKeyParts> ParseWindowKey(std::string_view key);
// windows value: articles (8) duplicates (8)
struct WindowCounts {
  uint64_t articles = 0;
  uint64_t duplicates = 0;
};
std::string EncodeWindowCounts(const WindowCounts& counts);
WindowCounts DecodeWindowCounts(std::string_view value);

// The event time by which an entry of `family` expires, or nullopt for entries that never do.
// For windows and terms it is the window's end; for stories the last member's time.
std::optional<int64_t> ExpiryTime(std::string_view family, std::string_view key,
                                  std::string_view value);

// The prefixes under which a batch's keys come in ascending runs, for the memtable's insert
// hints (common::StateStoreOptions::insert_hint_prefixes): a window's (WindowPrefix) for
// "windows" and "terms", a topic's (up to its \0) for "latest", whose keys of one topic a batch
// adds mostly newest last, so each just before the one added before it. Stateless.
std::shared_ptr<const rocksdb::SliceTransform> WindowPrefixTransform();
std::shared_ptr<const rocksdb::SliceTransform> TopicPrefixTransform();

// The expiry horizons the sink publishes to compaction: the global one (global watermark -
// retention) and each input partition's own (its watermark - retention, but never more than a
// retention behind the global one). Both only move forward, so a reader that sees an older
// snapshot only keeps more. They are published together as one immutable snapshot, so that a
// reader never pairs a new global horizon with older partition horizons or the reverse; the
// global one is also kept on its own, for readers that need nothing else, as loading the shared
// snapshot from several compaction threads at once costs about 200 ns a key.
// Thread-safe: one writer (the sink), any number of readers (RocksDB's compaction threads).
class ExpiryHorizons {
 public:
  using PartitionHorizons = std::map<std::string, int64_t>;
  struct Snapshot {
    std::optional<int64_t> global;  // nullopt before the first watermark: nothing expires
    PartitionHorizons partitions;   // every partition that has a watermark, with its horizon
  };

  // The global horizon and the partition horizons published with it.
  std::shared_ptr<const Snapshot> Load() const { return snapshot_.load(); }
  // The global horizon alone: the last published, or one before it.
  std::optional<int64_t> global() const {
    const int64_t horizon = global_.load(std::memory_order_acquire);
    if (horizon == kNone) return std::nullopt;
    return horizon;
  }
  // Publishes the pair; returns it as published.
  std::shared_ptr<const Snapshot> Publish(int64_t global, PartitionHorizons partitions) {
    auto published = std::make_shared<const Snapshot>(Snapshot{global, std::move(partitions)});
    snapshot_.store(published);
    global_.store(global, std::memory_order_release);
    return published;
  }

  // The horizon below which an entry may be deleted: the global one, or for an entry of an input
  // `partition` (a reject; a story stored with its partition, as a story belongs to the one
  // partition that carries its domain) the older of the global one and that partition's own.
  // The global one keeps what queries still show, the partition's own what the sink would still
  // continue (a story) or what its partition has not yet left behind by the retention (a
  // reject). A partition with no horizon of its own (only records with an estimated event
  // time, which no watermark counts, or rejects) goes by the global one, so that its entries do
  // not stay for good; the sink keeps a partition's own horizon within a retention of the global
  // one, so that a partition gone quiet does not keep its entries for good either. nullopt: keep.
  static std::optional<int64_t> DeleteBelow(std::optional<int64_t> global,
                                            const std::optional<std::string>& partition,
                                            const PartitionHorizons& partitions);

 private:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_{std::make_shared<const Snapshot>()};
  std::atomic<int64_t> global_{kNone};
};

// Whether queries and the digest no longer show an entry of `family`: its ExpiryTime is below
// the global horizon, or for a reject below ExpiryHorizons::DeleteBelow, so that a reject counts
// until its own partition has moved on by the retention however far the others are ahead. A
// story is shown as of the global horizon, although the sink continues it by its partition's.
bool HiddenByHorizons(std::string_view family, std::string_view key, std::string_view value,
                      std::optional<int64_t> global,
                      const ExpiryHorizons::PartitionHorizons& partitions);

// The per-partition horizons stored in the "meta" family `meta` of `db`, as read through
// `options` (a snapshot). Returns the read error, if any.
Result<ExpiryHorizons::PartitionHorizons> ReadPartitionHorizons(rocksdb::DB& db,
                                                                const rocksdb::ReadOptions& options,
                                                                rocksdb::ColumnFamilyHandle* meta);

// Drops entries whose ExpiryTime is below ExpiryHorizons::DeleteBelow of the horizons the sink
// publishes through `horizons`. Stateless apart from those, so one instance can serve every
// compaction thread.
class ExpiryFilter : public rocksdb::CompactionFilter {
 public:
  ExpiryFilter(std::string family, std::shared_ptr<const ExpiryHorizons> horizons)
      : family_(std::move(family)),
        by_partition_(family_ == kStoriesFamily || family_ == kRejectsFamily),
        horizons_(std::move(horizons)) {}
  bool Filter(int level, const rocksdb::Slice& key, const rocksdb::Slice& existing_value,
              std::string* new_value, bool* value_changed) const override;
  // A count's increments (AddCountsOperator) expire with their key, as its value does.
  bool FilterMergeOperand(int level, const rocksdb::Slice& key,
                          const rocksdb::Slice& operand) const override;
  const char* Name() const override { return "headwire.ExpiryFilter"; }

 private:
  std::string family_;
  // Whether entries of the family also wait for their partition's horizon (stories, rejects).
  bool by_partition_;
  std::shared_ptr<const ExpiryHorizons> horizons_;
};

// Adds counts without reading them: the values of "windows" and "terms" and the "late" counter
// are big-endian u64 counts (16 and 8 bytes), written as merge operands that hold the increments
// in the same encoding, which this operator adds field by field. A key's value reads the same
// as if each batch had read the count and written the sum. Stateless and thread-safe.
// Returns false (RocksDB then reports Corruption) when an operand's size is not a multiple of 8
// or differs from the value's.
class AddCountsOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* logger) const override;
  const char* Name() const override { return "headwire.AddCounts"; }
};

}  // namespace headwire::sinks
