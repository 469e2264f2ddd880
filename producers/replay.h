#pragma once
// `headwire replay`'s loop: records from a ReplaySource, filtered by event time, paced, handed
// to a ReplayTarget, committed every `commit_every` records with their source positions, with
// progress shown. Stops cleanly on SIGINT/SIGTERM/SIGHUP: what was delivered is committed, so
// --resume continues after it; a record whose delivery the stop ended (the target answers Aborted:
// see topic_target.h) was not delivered, and --resume starts at it. With `resume`, records before
// the target's stored positions are skipped (records outside the time range count as passed, so
// they are not read twice either). A record whose event time the producer estimated
// (RawArticle.event_time_estimated) is not paced.

#include <cstdint>
#include <map>

#include "common/replay_target.h"
#include "common/status.h"
#include "producers/replay_pacer.h"
#include "producers/replay_progress.h"
#include "producers/replay_source.h"
#include "producers/time_range.h"

namespace headwire::producers {

struct ReplayOptions {
  TimeRange range;
  // Event-time ms per wall-clock ms; 0 for as fast as possible. Default: 0.
  double speed = 0;
  // Records per commit. Default: 1000.
  uint64_t commit_every = 1000;
};

struct ReplayReport {
  ReplaySnapshot totals;
  bool complete = false;  // the source was read to its end (not interrupted)
};

// Runs until the source ends or a shutdown is requested. Returns the report, or the first error
// of the source or the target (nothing after the last commit is then committed).
Result<ReplayReport> RunReplay(ReplaySource& source, common::ReplayTarget& target,
                               const ReplayOptions& options, PacerClock& clock,
                               ReplayProgress& progress);

}  // namespace headwire::producers
