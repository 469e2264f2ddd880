#include "common/admin_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "common/daemon_context.h"

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
  EXPECT_NE(res->body.find("headwire_duplicates_total{kind=\"near\"} 1"), std::string::npos);
  EXPECT_NE(res->body.find("# TYPE headwire_batch_persist_seconds histogram"), std::string::npos);
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

TEST(AdminServerTest, BusyPortIsAnError) {
  auto first = DaemonContext::Start("a", {.admin = "127.0.0.1:0"});
  ASSERT_TRUE(first.has_value());
  auto second = DaemonContext::Start("b", {.admin = (*first)->admin_address()});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace headwire::common
