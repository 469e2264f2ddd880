#include "producers/replay.h"

#include <spdlog/spdlog.h>

#include "common/logging.h"
#include "common/shutdown.h"

namespace headwire::producers {

Result<ReplayReport> RunReplay(ReplaySource& source, common::ReplayTarget& target,
                               const ReplayOptions& options, PacerClock& clock,
                               ReplayProgress& progress) {
  ReplayPacer pacer(options.speed, clock);
  // Where a resumed replay starts; `positions` moves on from there as records are read.
  const std::map<int32_t, int64_t> resume_from = target.StoredPositions();
  std::map<int32_t, int64_t> positions = resume_from;
  ReplayReport report;
  ReplaySnapshot& snap = report.totals;
  uint64_t since_commit = 0;
  uint64_t filtered_here = 0;  // read, then found outside the range
  auto snapshot = [&]() -> const ReplaySnapshot& {
    snap.counts = target.counts();
    snap.invalid = source.invalid();
    snap.filtered = filtered_here + source.outside_range();
    snap.fraction = source.Fraction();
    snap.fraction_leaves_out_range = source.FractionLeavesOut(options.range);
    return snap;
  };
  while (!common::ShutdownRequested()) {
    auto next = source.Next();
    if (!next) return Err(next.error());
    if (!next->has_value()) {
      report.complete = true;
      break;
    }
    const common::ArchiveRecord& record = **next;
    // Delivered before a resume: no progress update, so that these set no pace for the ETA.
    const auto resumed = resume_from.find(record.partition);
    if (resumed != resume_from.end() && record.offset < resumed->second) continue;
    // At or before an offset this run read already: delivering it again would count it twice,
    // and skipping it unseen would hide a source that lost its order (and maybe records).
    const auto read_to = positions.find(record.partition);
    if (read_to != positions.end() && record.offset < read_to->second) {
      if (snap.out_of_order++ == 0) {
        spdlog::warn(
            "msg=\"record out of offset order skipped\" partition={} offset={} after_offset={} "
            "hint={}",
            record.partition, record.offset, read_to->second - 1,
            common::Quote("the source gave an offset it had passed; the count of such records "
                          "is out_of_order"));
      }
      progress.Update(snapshot());
      continue;
    }
    positions[record.partition] = record.offset + 1;
    ++snap.read;
    if (!options.range.Contains(record.event_time_ms)) {
      ++filtered_here;
      // A long stretch outside the range (a topic read past --to-time) is progress too.
      progress.Update(snapshot());
      continue;
    }
    // An estimated event time is the producer's clock, not when the article appeared: waiting
    // for it would hold the replay back for as long as the record was produced after the stream's
    // time (months, for a record produced today among last year's), and every record after it
    // would then count as out of order and go unpaced. Such a record goes at once.
    const bool paced = options.speed > 0 && !record.event_time_estimated;
    const Status delivered =
        paced && !pacer.Wait(record.event_time_ms, [] { return common::ShutdownRequested(); })
            ? Status::Aborted("stopped while pacing")
            : target.Deliver(record);
    if (!delivered.ok()) {
      if (delivered.code() != StatusCode::kAborted || !common::ShutdownRequested()) {
        return Err(delivered);
      }
      // A stop ended the wait for the record's pace or the target's for the brokers (room in the
      // producer's queue may never come): the record is not delivered, so the commit below keeps
      // it for --resume.
      --snap.read;
      positions[record.partition] = record.offset;
      break;
    }
    if (++since_commit >= options.commit_every) {
      if (Status s = target.Commit(positions); !s.ok()) return Err(s);
      since_commit = 0;
    }
    progress.Update(snapshot());
  }
  if (Status s = target.Commit(positions); !s.ok()) return Err(s);
  if (report.complete) {
    if (Status s = target.Finish(); !s.ok()) return Err(s);
  }
  progress.Update(snapshot(), /*final=*/true);
  return report;
}

}  // namespace headwire::producers
