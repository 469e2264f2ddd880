#include "producers/feed_metrics.h"

namespace headwire::producers {

const char* PollResultName(PollResult result) {
  switch (result) {
    case PollResult::kOk:
      return "ok";
    case PollResult::kNotModified:
      return "not_modified";
    case PollResult::kFetchError:
      return "fetch_error";
    case PollResult::kNotAFeed:
      return "not_a_feed";
  }
  return "unknown";
}

FeedMetrics::FeedMetrics(prometheus::Registry& registry)
    : polls_(prometheus::BuildCounter()
                 .Name("headwire_feed_polls_total")
                 .Help("Feed polls by result")
                 .Register(registry)),
      items_last_poll_(prometheus::BuildGauge()
                           .Name("headwire_feed_items_last_poll")
                           .Help("Items in the feed at its last successful fetch")
                           .Register(registry)),
      new_items_(prometheus::BuildCounter()
                     .Name("headwire_feed_new_items_total")
                     .Help("Items of the feed produced to the raw topic")
                     .Register(registry)),
      shared_id_items_(prometheus::BuildCounter()
                           .Name("headwire_feed_shared_id_items_total")
                           .Help("Items of the feed produced under an id of their own because "
                                 "another item had their link")
                           .Register(registry)),
      http_status_(prometheus::BuildGauge()
                       .Name("headwire_feed_http_status")
                       .Help("HTTP status of the feed's last poll; 0 when no response arrived")
                       .Register(registry)),
      consecutive_failures_(prometheus::BuildGauge()
                                .Name("headwire_feed_consecutive_failures")
                                .Help("Failed polls of the feed since its last success")
                                .Register(registry)),
      last_success_(prometheus::BuildGauge()
                        .Name("headwire_feed_last_success_timestamp_seconds")
                        .Help("Unix time of the feed's last successful poll; 0: never")
                        .Register(registry)),
      last_error_(prometheus::BuildGauge()
                      .Name("headwire_feed_last_error_timestamp_seconds")
                      .Help("Unix time of the feed's last failed poll; 0: never")
                      .Register(registry)) {}

void FeedMetrics::RecordPoll(const std::string& feed, PollResult result, const FeedRecord& record,
                             uint64_t produced, uint64_t produced_shared) {
  const prometheus::Labels labels{{"feed", feed}};
  polls_.Add({{"feed", feed}, {"result", PollResultName(result)}}).Increment();
  new_items_.Add(labels).Increment(static_cast<double>(produced));
  if (produced_shared > 0) {
    shared_id_items_.Add(labels).Increment(static_cast<double>(produced_shared));
  }
  items_last_poll_.Add(labels).Set(static_cast<double>(record.items_last_poll));
  http_status_.Add(labels).Set(static_cast<double>(record.http_status));
  consecutive_failures_.Add(labels).Set(record.consecutive_failures);
  last_success_.Add(labels).Set(static_cast<double>(record.last_success_ms) / 1000.0);
  last_error_.Add(labels).Set(static_cast<double>(record.last_error_ms) / 1000.0);
}

}  // namespace headwire::producers
