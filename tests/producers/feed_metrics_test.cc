#include "producers/feed_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace headwire::producers {
namespace {

std::string Scrape(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(FeedMetricsTest, PollsExposeEachFeedsHealth) {
  prometheus::Registry registry;
  FeedMetrics metrics(registry);
  FeedRecord ok;
  ok.http_status = 200;
  ok.items_last_poll = 4;
  ok.last_success_ms = 1'700'000'000'000;
  metrics.RecordPoll("http://a.example/rss", PollResult::kOk, ok, 4, 3);
  FeedRecord broken;
  broken.http_status = 404;
  broken.consecutive_failures = 2;
  broken.last_error_ms = 1'700'000'001'000;
  metrics.RecordPoll("http://b.example/rss", PollResult::kFetchError, broken, 0, 0);
  metrics.RecordPoll("http://b.example/rss", PollResult::kFetchError, broken, 0, 0);

  const std::string text = Scrape(registry);
  EXPECT_NE(text.find("headwire_feed_polls_total{feed=\"http://a.example/rss\",result=\"ok\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("headwire_feed_polls_total{feed=\"http://b.example/rss\","
                      "result=\"fetch_error\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("headwire_feed_new_items_total{feed=\"http://a.example/rss\"} 4"),
            std::string::npos);
  EXPECT_NE(text.find("headwire_feed_shared_id_items_total{feed=\"http://a.example/rss\"} 3"),
            std::string::npos);
  EXPECT_EQ(text.find("headwire_feed_shared_id_items_total{feed=\"http://b.example/rss\""),
            std::string::npos);  // no series for a feed without such items
  EXPECT_NE(text.find("headwire_feed_items_last_poll{feed=\"http://a.example/rss\"} 4"),
            std::string::npos);
  EXPECT_NE(text.find("headwire_feed_http_status{feed=\"http://b.example/rss\"} 404"),
            std::string::npos);
  EXPECT_NE(text.find("headwire_feed_consecutive_failures{feed=\"http://b.example/rss\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("headwire_feed_last_success_timestamp_seconds{feed=\"http://a.example/"
                      "rss\"} 1700000000"),
            std::string::npos);
  EXPECT_NE(text.find("headwire_feed_last_error_timestamp_seconds{feed=\"http://b.example/"
                      "rss\"} 1700000001"),
            std::string::npos);
}

}  // namespace
}  // namespace headwire::producers
