#pragma once
// The order in which a replay source delivers the records of several partitions: the earliest
// event time among the partitions' next records, the lowest partition on a tie, each partition in
// its own order. The archive and the topic sources share it, so that a topic and its archive
// replay alike.
//
//   return NextByEventTime(partitions_, [&](int32_t partition, Partition& p) {
//     return Refill(partition, p);  // fills p.buffered, if the partition has more
//   });

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "common/archive_segment.h"
#include "common/status.h"

namespace headwire::producers {

// `partitions` maps partition numbers to states with a `buffered` deque of ArchiveRecord; `refill`
// is asked for each partition before the choice and returns its error, which ends the merge.
// Returns the next record, or nullopt once every partition is empty after its refill.
template <typename Partition, typename RefillFn>
Result<std::optional<common::ArchiveRecord>> NextByEventTime(
    std::map<int32_t, Partition>& partitions, RefillFn&& refill) {
  Partition* earliest = nullptr;
  for (auto& [partition, p] : partitions) {
    if (Status s = refill(partition, p); !s.ok()) return Err(s);
    if (p.buffered.empty()) continue;
    if (earliest == nullptr ||
        p.buffered.front().event_time_ms < earliest->buffered.front().event_time_ms) {
      earliest = &p;
    }
  }
  if (earliest == nullptr) return std::nullopt;
  common::ArchiveRecord record = std::move(earliest->buffered.front());
  earliest->buffered.pop_front();
  return record;
}

}  // namespace headwire::producers
