#pragma once
// The archive directory: where segments live, their indexes, and the checks over them.
//
//   DIR/<topic>/<partition>/<first offset, 20 digits>.hwseg   the segment (archive_segment.h)
//   DIR/<topic>/<partition>/<first offset, 20 digits>.hwidx   its index, once the segment is sealed
//
// A partition's segments follow each other in offset order; only its last one may be open
// (without an index). An index is small JSON (offset and event-time ranges, record count, the
// blocks) written to a temporary file, fsynced and renamed into place, so it is there whole or
// not at all; it lets a reader find a time range without reading every segment. Functions here
// only read, except WriteSegmentIndex, WriteFileAtomically and SyncDirectory. Thread-compatible.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/archive_segment.h"
#include "common/status.h"

namespace headwire::common {

struct SegmentIndex {
  std::string topic;
  int32_t partition = 0;
  uint64_t records = 0;
  int64_t first_offset = -1;  // -1 while the segment holds no record
  int64_t last_offset = -1;
  int64_t min_event_ms = 0;
  int64_t max_event_ms = 0;
  uint64_t bytes = 0;  // the segment file's size
  std::vector<BlockInfo> blocks;
};

// The index of a segment with `header` made of `blocks`, `bytes` long.
SegmentIndex MakeSegmentIndex(const SegmentHeader& header, const std::vector<BlockInfo>& blocks,
                              uint64_t bytes);

// Writes `index` to `path` atomically (temporary file, fsync, rename, fsync of the directory).
Status WriteSegmentIndex(const std::string& path, const SegmentIndex& index);

// Reads an index written by WriteSegmentIndex. Returns Corruption when it does not parse.
Result<SegmentIndex> ReadSegmentIndex(const std::string& path);

// Replaces `path` with `text` whole or not at all: a temporary file beside it, fsynced, renamed
// into place, then the directory fsynced.
Status WriteFileAtomically(const std::string& path, std::string_view text);

// fsyncs a directory, so that files created or renamed in it survive a crash.
Status SyncDirectory(const std::string& path);

// The segment file of `topic`/`partition` starting at `first_offset` under `dir`.
std::string SegmentPath(const std::string& dir, const std::string& topic, int32_t partition,
                        int64_t first_offset);
// The index file of the segment at `segment_path`.
std::string IndexPathOf(const std::string& segment_path);

struct SegmentEntry {
  std::string path;
  bool sealed = false;  // has an index; otherwise the partition's open segment
  SegmentIndex index;   // from the index file, or from a scan of an open segment's valid blocks
  // An open segment's scan found damage past its valid blocks that is not a torn tail (a bad
  // block with data after it, a bad header): what, as ScanSegment says it; else empty. The
  // records after the damage are missing from `index`, so a reader must not take it as whole.
  std::string damage;
  // An open segment's scan found a torn tail after its valid blocks: what, as ScanSegment says
  // it; else empty. Its records are missing from `index`. A crash while the archiver wrote
  // leaves one (the archiver writes those records again at its next start); so does damage to
  // the last block, which the scan cannot tell apart from it.
  std::string torn_tail;
};

// Every segment under `dir`, by topic, partition and first offset. Open segments are scanned
// (a torn tail is left out, as a reader would; other damage is left out too and named in
// SegmentEntry::damage). Returns NotFound when `dir` does not exist.
Result<std::vector<SegmentEntry>> ListSegments(const std::string& dir);

// Index files under `dir` whose segment file is missing: the records they list are gone.
// Returns NotFound when `dir` does not exist.
Result<std::vector<std::string>> ListOrphanIndexes(const std::string& dir);

// What is wrong with where `entry` lies: its index names another topic or partition than the
// directories it lies in (a segment moved or copied by hand), or its file is not named by its
// first record's offset (renamed by hand). Empty when it lies in its place.
std::string PlaceProblem(const SegmentEntry& entry);

// Which summary field of `index` (records, first_offset, last_offset, min_event_ms,
// max_event_ms) disagrees with its block list, and how; empty when none does. Readers skip and
// count segments by the summary, so a wrong one loses records without a word.
std::string SummaryProblem(const SegmentIndex& index);

struct VerifyFinding {
  std::string segment;  // its path
  std::string problem;
  // True for damage (lost data); false for the torn tail of an open segment, which readers
  // skip and the archiver cuts off at its next start.
  bool damaged = true;
};

// Reads every block of every segment, checking checksums, the encoding, each index (its block
// list and its summary) against its segment, that each segment lies in its partition's directory
// and follows the one before in offset order, and that no index has lost its segment. Returns
// the findings, empty when the archive is sound.
Result<std::vector<VerifyFinding>> VerifyArchive(const std::string& dir);

}  // namespace headwire::common
