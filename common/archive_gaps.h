#pragma once
// Records a topic deleted before the archiver read them, kept beside the partition's segments:
//
//   DIR/<topic>/<partition>/gaps.json   {"topic": T, "partition": P, "gaps": [{"first_offset":
//                                         F, "last_offset": L, "records": L - F + 1}, ...]}
//
// Offsets in a Kafka partition are not contiguous (compaction, transaction markers), so the
// segments alone cannot tell a loss from an offset that never held a record. The archiver writes
// a gap when it resumes a partition past records the topic no longer holds (--on-offset-gap
// skip), before it archives any record after them, so an archive that holds a record after a
// loss also says so. Gaps of a partition are kept sorted and merged where they overlap or touch:
// noting the same loss again (a restart before the next batch was durable) changes nothing. The
// file is replaced atomically (temporary file, fsync, rename). Thread-compatible.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace headwire::common {

struct ArchiveGap {
  std::string topic;
  int32_t partition = 0;
  int64_t first_offset = 0;  // the first offset lost
  int64_t last_offset = 0;   // the last offset lost, inclusive

  uint64_t records() const { return static_cast<uint64_t>(last_offset - first_offset + 1); }
  friend bool operator==(const ArchiveGap&, const ArchiveGap&) = default;
};

// Where the gaps of `topic`/`partition` under `dir` are kept.
std::string GapsPath(const std::string& dir, const std::string& topic, int32_t partition);

// Adds `gap` to its partition's file under `dir` (created with its directories when missing),
// merged with the gaps already noted. InvalidArgument when it is empty or negative.
Status NoteArchiveGap(const std::string& dir, const ArchiveGap& gap);

// Every gap under `dir`, by topic, partition and first offset; empty when none was noted.
// Corruption names a gaps file that does not parse; NotFound when `dir` does not exist.
Result<std::vector<ArchiveGap>> ListArchiveGaps(const std::string& dir);

// "offsets F..L (N records) were deleted from the topic before they were archived".
std::string DescribeArchiveGap(const ArchiveGap& gap);

}  // namespace headwire::common
