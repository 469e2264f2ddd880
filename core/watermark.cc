#include "core/watermark.h"

#include <algorithm>

namespace headwire::core {

void WatermarkTracker::Restore(const std::string& partition, int64_t max_event_time_ms) {
  max_event_time_[partition] = max_event_time_ms;
}

bool WatermarkTracker::IsLate(const std::string& partition, int64_t event_time_ms) const {
  const auto watermark = PartitionWatermark(partition);
  return watermark.has_value() && event_time_ms < *watermark - options_.grace_ms;
}

bool WatermarkTracker::IsFarAhead(const std::string& partition, int64_t event_time_ms,
                                  int64_t ingested_at_ms) const {
  const auto it = max_event_time_.find(partition);
  return it != max_event_time_.end() &&
         IsFarAheadOfStream(event_time_ms, ingested_at_ms, it->second, options_.max_ahead_ms);
}

void WatermarkTracker::Observe(const std::string& partition, int64_t event_time_ms) {
  auto [it, inserted] = max_event_time_.try_emplace(partition, event_time_ms);
  if (!inserted) it->second = std::max(it->second, event_time_ms);
}

std::optional<int64_t> WatermarkTracker::PartitionWatermark(const std::string& partition) const {
  const auto it = max_event_time_.find(partition);
  if (it == max_event_time_.end()) return std::nullopt;
  return it->second - options_.max_out_of_order_ms;
}

std::optional<int64_t> WatermarkTracker::GlobalWatermark(const std::set<std::string>& idle) const {
  std::optional<int64_t> active_min;
  std::optional<int64_t> idle_max;
  for (const auto& [partition, max_time] : max_event_time_) {
    const int64_t watermark = max_time - options_.max_out_of_order_ms;
    if (idle.contains(partition)) {
      idle_max = idle_max ? std::max(*idle_max, watermark) : watermark;
    } else {
      active_min = active_min ? std::min(*active_min, watermark) : watermark;
    }
  }
  return active_min ? active_min : idle_max;
}

std::optional<int64_t> WatermarkTracker::MaxEventTime() const {
  std::optional<int64_t> out;
  for (const auto& [partition, max_time] : max_event_time_) {
    out = out ? std::max(*out, max_time) : max_time;
  }
  return out;
}

}  // namespace headwire::core
