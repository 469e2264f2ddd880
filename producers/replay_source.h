#pragma once
// A historical stream for `headwire replay`: an archive (archive_source.h), a JSON Lines or CSV
// file (file_source.h) or a Kafka topic (topic_source.h), read as common::ArchiveRecords in
// replay order. Each record's (partition, offset) is its position in the source, increasing per
// partition, so that a replay can resume after a position. Used by one thread.

#include <cstdint>
#include <optional>
#include <string>

#include "common/archive_segment.h"
#include "common/status.h"
#include "producers/time_range.h"

namespace headwire::producers {

class ReplaySource {
 public:
  virtual ~ReplaySource() = default;

  // The next record, nullopt at the end of the source, or the error that stops the replay.
  virtual Result<std::optional<common::ArchiveRecord>> Next() = 0;

  // How much of the source has been read, 0 to 1; nullopt when unknown. The replay's progress
  // bases its ETA on it, so a source that knows records will be filtered (by an index) leaves
  // them out.
  virtual std::optional<double> Fraction() const = 0;

  // Whether Fraction() leaves out the records outside `range`, so that it measures the replay's
  // work and an ETA can follow from it: a record read only to be filtered costs next to nothing
  // beside one paced and delivered, and a fraction that counts such records runs ahead while
  // they are read and behind while the range's own are. Default: when `range` has no bound.
  virtual bool FractionLeavesOut(const TimeRange& range) const {
    return !range.from_ms && !range.to_ms;
  }

  // Records the source skipped as invalid (each reported where it was found).
  virtual uint64_t invalid() const { return 0; }

  // Records the source passed over unread because an index showed them outside the time range;
  // the replay counts them with the records it filters itself.
  virtual uint64_t outside_range() const { return 0; }
};

}  // namespace headwire::producers
