#pragma once
// Progress of a replay for people and for logs: on a terminal, one bar line redrawn in place
// (percentage when the source knows it, records, rate, ETA when that percentage is of the
// replay's work and has moved since the first record this run read, duplicates, dead letters,
// invalid source records, filtered);
// otherwise a structured log line at a fixed interval. Not thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>

#include "common/replay_target.h"

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
  common::ReplayCounts counts;
  std::optional<double> fraction;  // of the source read, when known
  // Whether `fraction` leaves out the records outside the time range
  // (ReplaySource::FractionLeavesOut), so that an ETA follows from it; otherwise none is shown.
  bool fraction_leaves_out_range = true;
};

class ReplayProgress {
 public:
  // Bars go to `bar_out`.
  ReplayProgress(const ReplayProgressOptions& options, std::ostream& bar_out);

  // Shows `snapshot` if the interval has passed since the last time (or `final`). Called for the
  // records this run reads, never for those a resumed replay reads again only to skip them: the
  // ETA is measured from the first snapshot with a record read, since the source's fraction
  // counts the skipped ones, read in seconds, and would promise the paced rest as soon.
  void Update(const ReplaySnapshot& snapshot, bool final = false);

 private:
  // The fraction at the first record this run read, and when: the pace behind the ETA.
  struct EtaFrom {
    double fraction;
    std::chrono::steady_clock::time_point at;
  };
  ReplayProgressOptions options_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  std::optional<EtaFrom> eta_from_;
};

}  // namespace headwire::producers
