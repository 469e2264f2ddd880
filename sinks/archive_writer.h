#pragma once
// Appends consumed records to an archive directory (common/archive_catalog.h), one open segment
// per topic partition, and makes them durable on demand.
//
// The archive is its own record of progress: NextOffset() is one past the last durable record
// of a partition, found from the files at Open (a torn tail left by a crash is cut off). A
// record at or below the last archived offset is skipped, so a redelivered record is never
// archived twice. Persist() writes every buffered block, fsyncs the segments (and the
// directories of new ones), then seals the segments that reached their size (index written
// atomically); only after it returns may the offsets be committed. Records the topic deleted
// before they were archived are noted as a gap beside the segments (NoteGap). Not thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/archive_segment.h"
#include "common/kafka_consumer.h"
#include "common/status.h"

namespace headwire::sinks {

struct ArchiveWriterOptions {
  // The archive directory; created when missing. Required.
  std::string dir;
  // A segment is sealed at the first Persist() after it reaches this size. Default: 64 MiB.
  uint64_t segment_bytes = 64ull << 20;
  common::SegmentWriterOptions segment;
};

class ArchiveWriter {
 public:
  // Opens `options.dir`, reading what it holds. Returns Corruption naming the segment when an
  // open segment is damaged other than at its tail.
  static Result<std::unique_ptr<ArchiveWriter>> Open(const ArchiveWriterOptions& options);

  // One past the last archived offset of `tp`; nullopt when nothing of it is archived.
  std::optional<int64_t> NextOffset(const common::TopicPartition& tp) const;

  // Buffers `record` of `topic` unless its offset is already archived. Returns whether it was
  // taken, or the error writing a full block.
  Result<bool> Append(const std::string& topic, const common::ArchiveRecord& record);

  // Notes durably (common/archive_gaps.h) that the records of `tp` from `first_offset` to
  // `last_offset` were lost before they were archived; call it before appending any later
  // record of `tp`.
  Status NoteGap(const common::TopicPartition& tp, int64_t first_offset, int64_t last_offset);

  // Makes everything appended so far durable, then seals full segments.
  Status Persist();

  uint64_t archived() const { return archived_; }

 private:
  explicit ArchiveWriter(ArchiveWriterOptions options) : options_(std::move(options)) {}
  struct Partition {
    std::optional<int64_t> next_offset;
    std::unique_ptr<common::SegmentWriter> open;
    bool created = false;  // the open segment's file was created since the last Persist
  };

  ArchiveWriterOptions options_;
  std::map<common::TopicPartition, Partition> partitions_;
  uint64_t archived_ = 0;
};

}  // namespace headwire::sinks
