#pragma once
// Where `headwire replay` delivers records: the raw topic of a broker
// (producers/topic_target.h) or a sink state built in-process (sinks/backfill_target.h). A
// record is a common::ArchiveRecord whatever its source; its (partition, offset) is its position
// in the source, which Commit() stores so that a replay can resume after it. Positions mean
// something only for the source and time range they were stored for: a target keeps them with
// the replay's name (its source and range, as `headwire replay` writes it) and refuses to be
// resumed by a replay of another name, which would skip records of the new source silently.
//
// Implementations are used by one thread.

#include <cstdint>
#include <map>
#include <string>

#include "common/archive_segment.h"
#include "common/status.h"

namespace headwire::common {

// What became of the records delivered so far.
struct ReplayCounts {
  uint64_t delivered = 0;
  uint64_t duplicates = 0;    // known only when the target runs the processor
  uint64_t dead_letters = 0;  // records the processor (or the source) rejected
};

// InvalidArgument: `where` holds the progress of replay `stored`, which replay `given` cannot
// resume.
inline Status OtherReplayError(const std::string& where, const std::string& stored,
                               const std::string& given) {
  return Status::InvalidArgument(where + " holds the progress of another replay (" + stored +
                                 "), not of this one (" + given +
                                 "): resume with the same source and time range, or start a "
                                 "fresh target");
}

class ReplayTarget {
 public:
  virtual ~ReplayTarget() = default;

  // Hands over one record. Returns the error that must stop the replay.
  virtual Status Deliver(const ArchiveRecord& record) = 0;

  // Makes everything delivered durable (flushed, or written with the state) together with
  // `next_positions`, the next source offset per source partition.
  virtual Status Commit(const std::map<int32_t, int64_t>& next_positions) = 0;

  // Called once after the last Commit when the source was read to its end.
  virtual Status Finish() = 0;

  // The positions stored by the last Commit of an earlier run; empty when there is none.
  virtual std::map<int32_t, int64_t> StoredPositions() const = 0;

  virtual const ReplayCounts& counts() const = 0;
};

}  // namespace headwire::common
