#include "common/admin_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/daemon_context.h"
#include "common/http_address.h"
#include "tests/common/loopback_socket.h"
#include "tests/common/slow_client.h"

namespace headwire::common {
namespace {

std::unique_ptr<httplib::Client> ClientFor(const std::string& address) {
  auto client = std::make_unique<httplib::Client>("http://" + address);
  client->set_connection_timeout(5);
  return client;
}

TEST(AdminServerTest, ServesMetricsInTheTextFormat) {
  auto context = DaemonContext::Start("sink", {.admin = "127.0.0.1:0"});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  (*context)->metrics().Consumed("headwire.articles.processed").Increment(3);
  (*context)->metrics().Duplicates("near").Increment();
  auto client = ClientFor((*context)->admin_address());
  auto res = client->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/plain; version=0.0.4"),
            std::string::npos);
  EXPECT_NE(res->body.find("headwire_records_consumed_total{daemon=\"sink\",topic=\"headwire."
                           "articles.processed\"} 3"),
            std::string::npos)
      << res->body;
  EXPECT_NE(res->body.find("headwire_duplicates_total{daemon=\"sink\",kind=\"near\"} 1"),
            std::string::npos);
  EXPECT_NE(res->body.find("# TYPE headwire_batch_persist_seconds histogram"), std::string::npos);
}

TEST(AdminServerTest, AnotherMethodOnAServedPathIs405) {
  auto context = DaemonContext::Start("sink", {.admin = "127.0.0.1:0"});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  auto client = ClientFor((*context)->admin_address());
  for (const char* path : {"/metrics", "/healthz", "/readyz"}) {
    auto post = client->Post(path, "x", "text/plain");
    ASSERT_TRUE(post) << path;
    EXPECT_EQ(post->status, 405) << path;
    EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD") << path;
    auto head = client->Head(path);
    ASSERT_TRUE(head) << path;
    EXPECT_NE(head->status, 405) << path;
  }
  auto unknown = client->Post("/nowhere", "x", "text/plain");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

// httplib reads a POST's announced body whole into memory before routing it, for as long as the
// client trickles it; no admin path takes one, so every other method is answered first, and
// a head announcing a gigabyte it never sends still gets its answer at once.
TEST(AdminServerTest, ABodyAnnouncedOnAnyPathIsNeverRead) {
  auto context = DaemonContext::Start("feed", {.admin = "127.0.0.1:0"});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  const std::string address = (*context)->admin_address();
  const int port = std::stoi(address.substr(address.rfind(':') + 1));
  for (const auto& [head, status] : std::vector<std::pair<std::string, std::string>>{
           {"POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n", "404"},
           {"PUT /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "405"}}) {
    const int sock = testing::ConnectLoopback(port);
    ASSERT_GE(sock, 0);
    ASSERT_EQ(::send(sock, head.data(), head.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(head.size()));
    char buffer[256] = {};
    const ssize_t n = ::recv(sock, buffer, sizeof buffer - 1, 0);
    ::close(sock);
    ASSERT_GT(n, 0) << head;
    EXPECT_TRUE(std::string(buffer).starts_with("HTTP/1.1 " + status)) << buffer;
  }
}

TEST(AdminServerTest, ReadinessIsStartingUntilPublishedThenFollowsTheDaemon) {
  auto context = DaemonContext::Start("process", {.admin = "0"});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  auto client = ClientFor((*context)->admin_address());
  auto res = client->Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(nlohmann::json::parse(res->body),
            (nlohmann::json{{"status", "unavailable"}, {"reason", "starting"}}));
  (*context)->SetReady({});
  res = client->Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["status"], "ok");
  (*context)->SetReady({.ok = false, .reason = "lag 5000 records exceeds 1000"});
  res = client->Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(nlohmann::json::parse(res->body)["reason"], "lag 5000 records exceeds 1000");
  (*context)->SetReady({.reason = "standby: no partitions assigned"});
  res = client->Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body),
            (nlohmann::json{{"status", "ok"}, {"reason", "standby: no partitions assigned"}}));
}

TEST(AdminServerTest, LivenessFailsWhenTheLoopStopsTurning) {
  auto context =
      DaemonContext::Start("process", {.admin = "0", .stall_after = std::chrono::milliseconds(1)});
  ASSERT_TRUE(context.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto client = ClientFor((*context)->admin_address());
  auto res = client->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_NE(nlohmann::json::parse(res->body)["reason"].get<std::string>().find("has not turned"),
            std::string::npos);
}

TEST(AdminServerTest, HealthIncludesUnreachableDependencies) {
  auto context = DaemonContext::Start("sink", {});
  ASSERT_TRUE(context.has_value());
  (*context)->Beat();
  EXPECT_TRUE((*context)->Health().ok);
  (*context)->SetDependencies({.ok = false, .reason = "cannot reach bootstrap servers b:1"});
  EXPECT_FALSE((*context)->Health().ok);
  EXPECT_EQ((*context)->Health().reason, "cannot reach bootstrap servers b:1");
  EXPECT_TRUE((*context)->Liveness().ok);
}

// Scrapes and probes from several clients while the daemon's loop counts, beats and publishes
// its readiness, a turn at a time with an answer between turns: every answer is whole, counts
// never move back, the last scrape has them all.
TEST(AdminServerTest, MetricsAndProbesAreServedWhileTheDaemonUpdatesThem) {
  auto context = DaemonContext::Start("sink", {.admin = "127.0.0.1:0"});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  DaemonContext& daemon = **context;
  constexpr int kTurns = 100;
  const std::string series =
      "headwire_records_consumed_total{daemon=\"sink\",topic=\"headwire.articles.processed\"} ";
  const auto consumed_in = [&](const std::string& body) -> int {
    const size_t at = body.find(series);
    return at == std::string::npos ? 0 : std::stoi(body.substr(at + series.size()));
  };
  const std::vector<std::string> paths = {"/metrics", "/healthz", "/readyz"};
  std::atomic<bool> done{false};
  std::atomic<int> answers{0};
  std::atomic<int> live{static_cast<int>(paths.size())};
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (const std::string& path : paths) {
    clients.emplace_back([&, path] {
      auto client = ClientFor(daemon.admin_address());
      int last = 0;
      bool final_read = false;
      while (!final_read) {
        final_read = done;
        auto res = client->Get(path);
        if (!res || (res->status != 200 && res->status != 503)) {
          ++failures;
          break;
        }
        if (path == "/metrics") {
          const int consumed = consumed_in(res->body);
          if (consumed < last) ++failures;
          last = consumed;
        } else {
          const auto body = nlohmann::json::parse(res->body, nullptr, false);
          if (!body.is_object() || !body.contains("status")) ++failures;
        }
        ++answers;
      }
      if (path == "/metrics" && last != kTurns) ++failures;
      --live;
    });
  }
  auto& counter = daemon.metrics().Consumed("headwire.articles.processed");
  for (int turn = 1; turn <= kTurns; ++turn) {
    daemon.Beat();
    counter.Increment();
    daemon.SetReady({.ok = turn % 2 == 0, .reason = "turn " + std::to_string(turn)});
    daemon.SetDependencies({.ok = turn % 3 != 0, .reason = "broker " + std::to_string(turn)});
    const int seen = answers;
    while (answers == seen && live > 0) std::this_thread::yield();
  }
  done = true;
  for (auto& client : clients) client.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GE(answers, kTurns);
}

// Two clients trickling a request a byte at a time once held both of the admin port's threads,
// and every liveness probe timed out behind them; now each holds one connection of its own and
// only until the head deadline.
TEST(AdminServerTest, SlowClientsDoNotStarveTheProbes) {
  auto context = DaemonContext::Start("sink", {.admin = "127.0.0.1:0"});
  ASSERT_TRUE(context.has_value()) << context.error().ToString();
  auto address = ParseHttpAddress((*context)->admin_address());
  ASSERT_TRUE(address.has_value());
  std::atomic<bool> stop{false};
  std::vector<std::thread> slow;
  for (int i = 0; i < 3; ++i) {
    slow.emplace_back([&, port = address->port] {
      testing::TrickleRequest(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ", stop,
                              std::chrono::milliseconds(200));
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the slow clients are in
  auto client = ClientFor((*context)->admin_address());
  client->set_read_timeout(4, 0);
  auto res = client->Get("/healthz");
  stop = true;
  for (auto& t : slow) t.join();
  ASSERT_TRUE(res) << "the probe got no answer while slow clients held connections";
  EXPECT_EQ(res->status, 200);
}

TEST(AdminServerTest, BusyPortIsAnError) {
  auto first = DaemonContext::Start("a", {.admin = "127.0.0.1:0"});
  ASSERT_TRUE(first.has_value());
  auto second = DaemonContext::Start("b", {.admin = (*first)->admin_address()});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace headwire::common
