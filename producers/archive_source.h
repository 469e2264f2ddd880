#pragma once
// Replays an archive directory (common/archive_catalog.h) of one topic. Each partition is read
// in offset order, one decompressed block at a time, so memory stays bounded by a block per
// partition however long the archive; partitions are merged by event time. Segments and blocks
// wholly outside the time range are skipped by their
// index without being read. Records the archive notes as lost before they were archived
// (common/archive_gaps.h) are named in a warning at Open. Not thread-safe.

#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/archive_catalog.h"
#include "producers/event_time_merge.h"
#include "producers/replay_source.h"
#include "producers/time_range.h"

namespace headwire::producers {

struct ArchiveSourceOptions {
  // The archive directory. Required.
  std::string dir;
  // The archived topic to replay. Default: "" (the archive's only topic).
  std::string topic;
  // Blocks wholly outside it are skipped; the caller filters the records. Default: unbounded.
  TimeRange range;
};

class ArchiveSource : public ReplaySource {
 public:
  // Returns NotFound when the archive has no segment, InvalidArgument when it holds several
  // topics and none was chosen, Corruption when an open segment of the topic is damaged before
  // its end (SegmentEntry::damage; a torn tail is only left out), a segment lies in another
  // partition's directory than its index names, an index's summary disagrees with its block
  // list, two segments of a partition overlap in offsets, or an index has lost its segment.
  // Each partition's segments are read in the order of their first offsets.
  static Result<std::unique_ptr<ArchiveSource>> Open(const ArchiveSourceOptions& options);
  ~ArchiveSource() override;

  Result<std::optional<common::ArchiveRecord>> Next() override;
  // Of the records in the blocks the time range does not exclude by their index: those skipped
  // unread take no time, so counting them would make a paced replay's ETA too short. 1 when no
  // block is left to read.
  std::optional<double> Fraction() const override;
  // Blocks across a bound hold the only records outside the range that the fraction counts.
  bool FractionLeavesOut(const TimeRange& /*range*/) const override { return true; }
  uint64_t outside_range() const override { return outside_range_; }
  const std::string& topic() const { return topic_; }

 private:
  struct Partition {
    std::vector<common::SegmentEntry> segments;
    size_t segment = 0;
    size_t block = 0;
    std::FILE* file = nullptr;
    std::deque<common::ArchiveRecord> buffered;
    int64_t merged_event_ms = kNothingMerged;  // see event_time_merge.h
    bool done = false;
  };
  ArchiveSource() = default;
  // Loads the partition's next wanted block; sets done at its end.
  Status Refill(int32_t partition, Partition& p);

  ArchiveSourceOptions options_;
  std::string topic_;
  std::map<int32_t, Partition> partitions_;
  uint64_t to_read_ = 0;        // records of the blocks the range does not exclude by index
  uint64_t read_ = 0;           // records Next() returned
  uint64_t outside_range_ = 0;  // records of segments and blocks skipped by their index
};

}  // namespace headwire::producers
