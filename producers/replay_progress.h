#pragma once
// Progress of a replay for people and for logs: on a terminal, one bar line redrawn in place
// (percentage when the source knows it, records, rate, ETA when that percentage is of the
// replay's work and has moved since the first record this run read, duplicates, dead letters,
// invalid source records, filtered);
// otherwise a structured log line at a fixed interval. The rate and the ETA are both measured
// from the first record this run read. The clock is injected so that tests run without sleeping.
// Not thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>

#include "common/replay_target.h"
#include "producers/replay_pacer.h"

namespace headwire::producers {

struct ReplayProgressOptions {
  // Draw a bar (a terminal) instead of logging lines. Default: false.
  bool terminal = false;
  // Time between two bar redraws or log lines. Default: 5 s (a terminal: 0.2 s).
  std::chrono::milliseconds interval{5000};
};

struct ReplaySnapshot {
  uint64_t read = 0;      // records taken from the source
  uint64_t filtered = 0;  // outside the time range
  uint64_t invalid = 0;   // rejected by the source
  // Skipped: at or before an offset of their partition already read in this run (not those a
  // --resume skips)
  uint64_t out_of_order = 0;
  common::ReplayCounts counts;
  std::optional<double> fraction;  // of the source read, when known
  // Whether `fraction` leaves out the records outside the time range
  // (ReplaySource::FractionLeavesOut), so that an ETA follows from it; otherwise none is shown.
  bool fraction_leaves_out_range = true;
};

class ReplayProgress {
 public:
  // Bars go to `bar_out`; time is `clock`'s.
  ReplayProgress(const ReplayProgressOptions& options, std::ostream& bar_out,
                 PacerClock& clock = SteadyPacerClock());

  // Shows `snapshot` if the interval has passed since the last time (or `final`). Called for the
  // records this run reads, never for those a resumed replay reads again only to skip them: the
  // rate and the ETA are measured from the first snapshot with a record read, since the skipped
  // records take seconds that are not the replay's pace, and the source's fraction counts them,
  // so that the paced rest would look as quick.
  void Update(const ReplaySnapshot& snapshot, bool final = false);

 private:
  // The first snapshot with a record read: the records and the fraction read by then, and when.
  struct PaceFrom {
    uint64_t read;
    std::optional<double> fraction;
    int64_t at_ms;
  };
  ReplayProgressOptions options_;
  std::ostream& out_;
  PacerClock& clock_;
  int64_t last_ms_;
  std::optional<PaceFrom> pace_from_;
};

}  // namespace headwire::producers
