#pragma once
// The order in which a replay source delivers the records of several partitions: the earliest
// event time among the partitions' next records, the lowest partition on a tie, each partition in
// its own order. The archive and the topic sources share it, so that a topic and its archive
// replay alike.
//
// A record whose event time is estimated (ArchiveRecord::event_time_estimated: the producer's
// clock, for an article without published_at) is placed at the event time of the record merged
// before it from its partition, so it goes as soon as its partition is due. Placed at its own
// time, months after the stream's perhaps, it would hold back every later record of its
// partition until the other partitions had passed that time, and a sink fed the merge would
// count those records late.
//
//   return NextByEventTime(partitions_, [&](int32_t partition, Partition& p) {
//     return Refill(partition, p);  // fills p.buffered, if the partition has more
//   });

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "common/archive_segment.h"
#include "common/status.h"

namespace headwire::producers {

// The merge position of a partition none of whose records has been merged.
inline constexpr int64_t kNothingMerged = std::numeric_limits<int64_t>::min();

// `partitions` maps partition numbers to states with a `buffered` deque of ArchiveRecord and an
// `int64_t merged_event_ms` starting at kNothingMerged, kept by the merge; `refill` is asked for
// each partition before the choice and returns its error, which ends the merge.
// Returns the next record, or nullopt once every partition is empty after its refill.
template <typename Partition, typename RefillFn>
Result<std::optional<common::ArchiveRecord>> NextByEventTime(
    std::map<int32_t, Partition>& partitions, RefillFn&& refill) {
  const auto merge_time = [](const Partition& p) {
    const common::ArchiveRecord& head = p.buffered.front();
    return head.event_time_estimated ? p.merged_event_ms : head.event_time_ms;
  };
  Partition* earliest = nullptr;
  for (auto& [partition, p] : partitions) {
    if (Status s = refill(partition, p); !s.ok()) return Err(s);
    if (p.buffered.empty()) continue;
    if (earliest == nullptr || merge_time(p) < merge_time(*earliest)) earliest = &p;
  }
  if (earliest == nullptr) return std::nullopt;
  common::ArchiveRecord record = std::move(earliest->buffered.front());
  earliest->buffered.pop_front();
  if (!record.event_time_estimated) earliest->merged_event_ms = record.event_time_ms;
  return record;
}

}  // namespace headwire::producers
