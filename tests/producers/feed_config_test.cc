#include "producers/feed_config.h"

#include <gtest/gtest.h>

namespace headwire::producers {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(FeedConfigTest, DefaultsApplyToFeedsThatSetNothing) {
  auto list = ParseFeedList(R"(
    [defaults]
    interval = "10m"
    jitter = 0.2
    language = "de"
    timeout = "20s"
    max_bytes = 1000
    max_nodes = 5000
    max_entity_bytes = 4096
    per_host_connections = 1
    max_connections = 64

    [[feed]]
    url = "https://a.example/rss"

    [[feed]]
    url = "http://b.example/atom"
    source = "B Daily"
    interval = "90s"
    language = "en"
  )",
                            "feeds.toml");
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->feeds.size(), 2u);
  EXPECT_EQ(list->feeds[0].interval, minutes(10));
  EXPECT_EQ(list->feeds[0].language, "");  // the feed's own decides, then list->language
  EXPECT_EQ(list->language, "de");
  EXPECT_EQ(list->feeds[0].source, "");
  EXPECT_EQ(list->feeds[1].interval, seconds(90));
  EXPECT_EQ(list->feeds[1].source, "B Daily");
  EXPECT_EQ(list->feeds[1].language, "en");
  EXPECT_DOUBLE_EQ(list->schedule.jitter, 0.2);
  EXPECT_EQ(list->fetch.timeout, seconds(20));
  EXPECT_EQ(list->fetch.max_bytes, 1000u);
  EXPECT_EQ(list->parse.max_nodes, 5000u);
  EXPECT_EQ(list->parse.max_entity_bytes, 4096u);
  EXPECT_EQ(list->fetch.per_host_connections, 1);
  EXPECT_EQ(list->fetch.max_connections, 64);
}

TEST(FeedConfigTest, WithoutDefaultsTheOptionStructsDecide) {
  auto list = ParseFeedList("[[feed]]\nurl = \"https://a.example/rss\"\n", "f.toml");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->feeds[0].interval, ScheduleOptions{}.interval);
  EXPECT_EQ(list->fetch.max_bytes, FetchOptions{}.max_bytes);
  EXPECT_EQ(list->fetch.max_connections, FetchOptions{}.max_connections);
  EXPECT_EQ(list->parse.max_nodes, FeedParseOptions{}.max_nodes);
  EXPECT_EQ(list->parse.max_entity_bytes, FeedParseOptions{}.max_entity_bytes);
  EXPECT_EQ(list->fetch.private_addresses, PrivateAddresses::kDirect);
  EXPECT_FALSE(list->fetch.allow_https_to_http_redirects);
  EXPECT_EQ(list->fetch.proxy, "");
}

TEST(FeedConfigTest, TheAddressPolicyAndTheDowngradeAreSetInDefaults) {
  auto list = ParseFeedList(
      "[defaults]\nprivate_addresses = \"none\"\nallow_https_to_http_redirects = true\n"
      "[[feed]]\nurl = \"https://a.example/rss\"\n",
      "f.toml");
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_EQ(list->fetch.private_addresses, PrivateAddresses::kNone);
  EXPECT_TRUE(list->fetch.allow_https_to_http_redirects);
}

void ExpectError(std::string_view toml, std::string_view expected) {
  auto list = ParseFeedList(toml, "feeds.toml");
  ASSERT_FALSE(list) << toml;
  EXPECT_TRUE(list.error().IsInvalidArgument());
  EXPECT_NE(list.error().message().find(expected), std::string::npos)
      << list.error().message() << " lacks " << expected;
}

TEST(FeedConfigTest, TheProxyIsNamedInDefaults) {
  auto list = ParseFeedList(
      "[defaults]\nproxy = \"http://proxy.internal:3128\"\n[[feed]]\nurl = \"https://a/\"\n",
      "f.toml");
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_EQ(list->fetch.proxy, "http://proxy.internal:3128");
  ExpectError("[defaults]\nproxy = 3128\n[[feed]]\nurl = \"http://a/\"\n",
              "[defaults].proxy: must be a string");
}

TEST(FeedConfigTest, ErrorsNameTheKey) {
  ExpectError("[defaults]\nintervall = \"5m\"\n[[feed]]\nurl = \"http://a/\"\n",
              "feeds.toml: [defaults].intervall: unknown key");
  ExpectError("[[feed]]\nurl = \"http://a/\"\n[[feed]]\nurl = \"http://b/\"\nintrval = \"5m\"\n",
              "feed[1].intrval: unknown key");
  ExpectError("[[feed]]\nurl = \"http://a/\"\ninterval = \"5 minutes\"\n", "feed[0].interval:");
  ExpectError("[[feed]]\nurl = \"http://a/\"\ninterval = 5\n",
              "feed[0].interval: must be a string");
  ExpectError("[[feed]]\nsource = \"x\"\n", "feed[0].url: missing");
  ExpectError("[[feed]]\nurl = \"ftp://a/\"\n", "feed[0].url: must be an http:// or https:// URL");
  ExpectError("[[feed]]\nurl = \"http://a/\"\n[[feed]]\nurl = \"http://a/\"\n",
              "feed[1].url: duplicate url");
  ExpectError("[defaults]\njitter = 0.9\n[[feed]]\nurl = \"http://a/\"\n",
              "[defaults].jitter: must be a number from 0 to 0.5");
  ExpectError("[defaults]\nmax_bytes = -1\n[[feed]]\nurl = \"http://a/\"\n",
              "[defaults].max_bytes: must be a positive integer");
  ExpectError("[defaults]\nmax_nodes = 0\n[[feed]]\nurl = \"http://a/\"\n",
              "[defaults].max_nodes: must be a positive integer");
  ExpectError("[defaults]\nprivate_addresses = \"intranet\"\n[[feed]]\nurl = \"http://a/\"\n",
              "feeds.toml: [defaults].private_addresses: \"intranet\" is not one of \"direct\", "
              "\"any\", \"none\"");
  ExpectError("[defaults]\nprivate_addresses = 1\n[[feed]]\nurl = \"http://a/\"\n",
              "[defaults].private_addresses: must be a string");
  ExpectError(
      "[defaults]\nallow_https_to_http_redirects = \"yes\"\n[[feed]]\nurl = \"http://a/\"\n",
      "[defaults].allow_https_to_http_redirects: must be true or false");
  ExpectError("[defaults]\n", "feed: the list needs at least one [[feed]]");
  ExpectError("feeds = 1\n[[feed]]\nurl = \"http://a/\"\n", "feeds: unknown key");
  ExpectError("[[feed]\n", "feeds.toml:1:");
}

// The most transfers at once: at least one, or nothing is ever fetched, and at most 1024, as
// each may hold a body of max_bytes.
TEST(FeedConfigTest, MaxConnectionsIsAnIntegerFromOneTo1024) {
  const auto with = [](std::string_view value) {
    return "[defaults]\nmax_connections = " + std::string(value) +
           "\n[[feed]]\nurl = \"http://a/\"\n";
  };
  for (const auto& [value, expected] : {std::pair{"1", 1}, std::pair{"1024", 1024}}) {
    auto list = ParseFeedList(with(value), "feeds.toml");
    ASSERT_TRUE(list) << list.error().ToString();
    EXPECT_EQ(list->fetch.max_connections, expected);
  }
  for (const std::string_view value : {"0", "-3", "1025", "1e9", "2.5", "\"16\"", "true"}) {
    ExpectError(with(value),
                "feeds.toml: [defaults].max_connections: must be an integer from 1 to 1024");
  }
}

TEST(FeedConfigTest, DurationUnits) {
  EXPECT_EQ(*ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*ParseDuration("30s"), seconds(30));
  EXPECT_EQ(*ParseDuration("5m"), minutes(5));
  EXPECT_EQ(*ParseDuration("2h"), std::chrono::hours(2));
  EXPECT_EQ(*ParseDuration("1d"), std::chrono::hours(24));
  EXPECT_FALSE(ParseDuration("5"));
  EXPECT_FALSE(ParseDuration("m"));
  EXPECT_FALSE(ParseDuration("5w"));
}

}  // namespace
}  // namespace headwire::producers
