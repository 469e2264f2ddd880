#pragma once
// Event-time watermarks per input partition, and the lateness rule built on them.
//
// A partition's watermark is the largest event time seen on it minus the allowed
// out-of-orderness. A record is LATE when its event time is older than its own partition's
// watermark minus the allowed lateness (grace). Judging a record only against its own partition
// keeps the verdict deterministic on replay: a partition's order is fixed, the interleaving of
// partitions is not.
//
// The global watermark, which decides when windows are final, is the minimum over the partitions
// that are not idle; when every partition is idle it is the maximum of their watermarks. Which
// partitions are idle is the caller's (processing-time) decision, so it only changes WHEN a
// window is reported final, never what is in it. A window [start, end) is final once the global
// watermark reaches end + grace. Pure; never reads the clock.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace headwire::core {

// How far ahead of a stream's largest event time a record may be and still move the watermark:
// one dated decades ahead by mistake must not make every later record late. Measured on the
// stream's own event time, never the wall clock. 7 days.
inline constexpr int64_t kDefaultMaxAheadMs = 7LL * 24 * 3600 * 1000;

// True when `event_time_ms` is more than `max_ahead_ms` past `max_event_time_ms`. Never
// overflows, whatever the inputs.
inline bool IsFarAhead(int64_t event_time_ms, int64_t max_event_time_ms, int64_t max_ahead_ms) {
  if (max_event_time_ms > std::numeric_limits<int64_t>::max() - max_ahead_ms) return false;
  return event_time_ms > max_event_time_ms + max_ahead_ms;
}

// True when the record's own ingestion time vouches for `event_time_ms`: it is known
// (`ingested_at_ms` > 0) and no more than `max_ahead_ms` from the event time either way, so the
// record was read live. A live record is not far ahead, whatever its stream's largest event
// time: the stream was behind (a feed whose first item is a months-old pinned post, a domain
// quiet for longer than the bound), and judging it far ahead would reject every current record
// after that one for good. A historical record replayed today is not vouched for: its stream's
// own times still judge it, so a year mistyped ahead in an old stream stays far ahead.
inline bool VouchedByIngestTime(int64_t event_time_ms, int64_t ingested_at_ms,
                                int64_t max_ahead_ms) {
  return ingested_at_ms > 0 && !IsFarAhead(event_time_ms, ingested_at_ms, max_ahead_ms) &&
         !IsFarAhead(ingested_at_ms, event_time_ms, max_ahead_ms);
}

// The far-ahead rule, the same for the sink's partitions and the processor's window: a record
// is FAR AHEAD of its stream when its event time is more than `max_ahead_ms` past the stream's
// largest event time (`max_event_time_ms`) and its ingestion time (`ingested_at_ms`, 0 =
// unknown) does not vouch for it. Never overflows, whatever the inputs.
inline bool IsFarAheadOfStream(int64_t event_time_ms, int64_t ingested_at_ms,
                               int64_t max_event_time_ms, int64_t max_ahead_ms) {
  return IsFarAhead(event_time_ms, max_event_time_ms, max_ahead_ms) &&
         !VouchedByIngestTime(event_time_ms, ingested_at_ms, max_ahead_ms);
}

// How far a record's event time may be ahead of the time it was read and still count in full
// for the watermark: publishers' clocks run a little fast. 5 minutes.
inline constexpr int64_t kIngestClockSkewMs = 5 * 60'000;

// The event time a record may move a watermark to: its own, but no later than the time it was
// read (`ingested_at_ms`, 0 = unknown) plus kIngestClockSkewMs. An article is not published after
// it was read, so a later date is a mistake (a local time written as UTC, a wrong day); taken in
// full, one such record would make every current record after it late and expire the state
// behind it. The record itself keeps its event time. Both times are fields of the record, so
// replays move the watermark alike.
inline int64_t WatermarkEventTime(int64_t event_time_ms, int64_t ingested_at_ms) {
  if (ingested_at_ms <= 0 ||
      ingested_at_ms > std::numeric_limits<int64_t>::max() - kIngestClockSkewMs) {
    return event_time_ms;
  }
  return std::min(event_time_ms, ingested_at_ms + kIngestClockSkewMs);
}

struct WatermarkOptions {
  // How far behind the newest event time of its partition a record may be and still count as
  // in order. Default: 10 minutes.
  int64_t max_out_of_order_ms = 10 * 60'000;
  // Allowed lateness after the watermark (grace). Default: 1 hour.
  int64_t grace_ms = 60 * 60'000;
  // A record more than this far ahead of its partition's largest event time is FAR AHEAD: it
  // neither moves the watermark nor is applied (IsFarAheadOfStream), unless its ingestion time
  // vouches for it (VouchedByIngestTime). The first record of a partition has nothing to be
  // ahead of. Default: kDefaultMaxAheadMs (7 days).
  int64_t max_ahead_ms = kDefaultMaxAheadMs;
};

class WatermarkTracker {
 public:
  explicit WatermarkTracker(WatermarkOptions options = {}) : options_(options) {}

  // Sets a partition's largest event time, e.g. from stored state after a restart.
  void Restore(const std::string& partition, int64_t max_event_time_ms);
  // True when a record with this event time on `partition` is past the grace period.
  bool IsLate(const std::string& partition, int64_t event_time_ms) const;
  // True when a record with this event time on `partition` is more than max_ahead_ms ahead of
  // the partition's largest event time (false for a partition with no record yet) and its
  // ingestion time (0 = unknown) does not vouch for it.
  bool IsFarAhead(const std::string& partition, int64_t event_time_ms,
                  int64_t ingested_at_ms) const;
  // Advances the partition's largest event time (never moves it back).
  void Observe(const std::string& partition, int64_t event_time_ms);

  // max event time - max_out_of_order; nullopt for a partition with no record yet.
  std::optional<int64_t> PartitionWatermark(const std::string& partition) const;
  // See the header comment; nullopt when no partition has a record.
  std::optional<int64_t> GlobalWatermark(const std::set<std::string>& idle) const;
  // The largest event time over every partition; nullopt when none.
  std::optional<int64_t> MaxEventTime() const;
  // True once `watermark` has passed `window_end_ms` plus the grace period.
  bool IsFinal(int64_t window_end_ms, std::optional<int64_t> watermark) const {
    return watermark.has_value() && *watermark >= window_end_ms + options_.grace_ms;
  }

  const std::map<std::string, int64_t>& maxima() const { return max_event_time_; }
  const WatermarkOptions& options() const { return options_; }

 private:
  WatermarkOptions options_;
  std::map<std::string, int64_t> max_event_time_;
};

}  // namespace headwire::core
