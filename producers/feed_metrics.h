#pragma once
// FeedMetrics: each feed's health as Prometheus series, registered in the registry the daemon's
// admin endpoint serves (label `feed` = the feed URL):
//   headwire_feed_polls_total{feed,result}              polls by result: ok, not_modified,
//                                                       fetch_error, not_a_feed
//   headwire_feed_items_last_poll{feed}                 items in the feed at its last 200
//   headwire_feed_new_items_total{feed}                 items produced (acknowledged by Kafka)
//   headwire_feed_shared_id_items_total{feed}           of those, items produced under their
//                                                       shared id (feed_novelty.h): told apart
//                                                       from another item with their link by
//                                                       GUID or title; no series until there is
//                                                       one
//   headwire_feed_http_status{feed}                     status of the last poll; 0: no response
//   headwire_feed_consecutive_failures{feed}
//   headwire_feed_last_success_timestamp_seconds{feed}  0: never
//   headwire_feed_last_error_timestamp_seconds{feed}    0: never
// Thread-safe as prometheus-cpp is; the registry must outlive this object.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

#include "producers/feed_state.h"

namespace headwire::producers {

enum class PollResult { kOk, kNotModified, kFetchError, kNotAFeed };

// "ok", "not_modified", "fetch_error", "not_a_feed".
const char* PollResultName(PollResult result);

class FeedMetrics {
 public:
  explicit FeedMetrics(prometheus::Registry& registry);
  FeedMetrics(const FeedMetrics&) = delete;
  FeedMetrics& operator=(const FeedMetrics&) = delete;

  // Records one persisted poll of `feed` that ended in `result`, leaving `record` (its state
  // after the poll) and producing `produced` items, `produced_shared` of them under their shared
  // id.
  void RecordPoll(const std::string& feed, PollResult result, const FeedRecord& record,
                  uint64_t produced, uint64_t produced_shared);

 private:
  prometheus::Family<prometheus::Counter>& polls_;
  prometheus::Family<prometheus::Gauge>& items_last_poll_;
  prometheus::Family<prometheus::Counter>& new_items_;
  prometheus::Family<prometheus::Counter>& shared_id_items_;
  prometheus::Family<prometheus::Gauge>& http_status_;
  prometheus::Family<prometheus::Gauge>& consecutive_failures_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Gauge>& last_error_;
};

}  // namespace headwire::producers
