#include "common/kafka_connectivity.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace headwire::common {
namespace {

constexpr const char* kOneBrokerUp =
    R"({"brokers":{"127.0.0.1:9092/bootstrap":{"nodeid":-1,"state":"INIT"},)"
    R"("127.0.0.1:9092/1":{"nodeid":1,"state":"UP"}},"tx_bytes":120,"rx_bytes":3400})";
constexpr const char* kNoBrokerUp =
    R"({"brokers":{"127.0.0.1:9092/bootstrap":{"nodeid":-1,"state":"CONNECT"}},)"
    R"("tx_bytes":0,"rx_bytes":0})";
// Three brokers, as librdkafka lists them while the bootstrap connection is still up and the
// group coordinator has its logical handle.
constexpr const char* kThreeBrokersUp =
    R"({"brokers":{"127.0.0.1:9092/bootstrap":{"nodeid":-1,"state":"UP"},)"
    R"("127.0.0.1:9093/1":{"nodeid":1,"state":"UP"},"127.0.0.1:9094/2":{"nodeid":2,"state":"UP"},)"
    R"("127.0.0.1:9095/3":{"nodeid":3,"state":"UP"},"GroupCoordinator":{"nodeid":2,"state":"UP"},)"
    R"(":0/internal":{"nodeid":-1,"state":"UP"}},"tx_bytes":0,"rx_bytes":0})";
constexpr const char* kOnlyBootstrapUp =
    R"({"brokers":{"127.0.0.1:9092/bootstrap":{"nodeid":-1,"state":"UP"}},)"
    R"("tx_bytes":0,"rx_bytes":0})";

TEST(ConnectivityWatchTest, UnreachableUntilStatisticsShowABrokerUp) {
  ConnectivityWatch watch({.bootstrap = "127.0.0.1:9092", .client = "consumer"});
  EXPECT_FALSE(watch.Reachable());
  watch.OnStatistics(kNoBrokerUp);
  EXPECT_FALSE(watch.Reachable());
  watch.OnStatistics(kOneBrokerUp);
  EXPECT_TRUE(watch.Reachable());
  EXPECT_EQ(watch.brokers_up(), 1);
  EXPECT_EQ(watch.tx_bytes(), 120u);
  EXPECT_EQ(watch.rx_bytes(), 3400u);
  EXPECT_TRUE(watch.Check().ok());
}

TEST(ConnectivityWatchTest, CountsEachBrokerIdOnceAndNotTheBootstrapConnection) {
  ConnectivityWatch watch({.bootstrap = "127.0.0.1:9092", .client = "consumer"});
  watch.OnStatistics(kThreeBrokersUp);
  EXPECT_EQ(watch.brokers_up(), 3);
  EXPECT_TRUE(watch.Reachable());
  watch.OnStatistics(kOnlyBootstrapUp);
  EXPECT_EQ(watch.brokers_up(), 0);
  EXPECT_TRUE(watch.Reachable());  // the servers answer, though no broker is known by id yet
}

TEST(ConnectivityWatchTest, AllBrokersDownMakesItUnreachable) {
  ConnectivityWatch watch({.bootstrap = "127.0.0.1:9092", .client = "consumer"});
  watch.OnStatistics(kOneBrokerUp);
  watch.OnError(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, "1/1 brokers are down");
  EXPECT_FALSE(watch.Reachable());
}

TEST(ConnectivityWatchTest, GivesUpNamingTheServersAndTheOptionWithTheLastError) {
  ConnectivityWatch watch({.bootstrap = "127.0.0.1:1",
                           .client = "producer",
                           .give_up_after = std::chrono::milliseconds(1)});
  watch.OnError(RD_KAFKA_RESP_ERR__TRANSPORT, "Connect to ipv4#127.0.0.1:1 failed");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const Status status = watch.Check();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("cannot reach bootstrap servers 127.0.0.1:1 (-b/--bootstrap)"),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("Connect to ipv4#127.0.0.1:1 failed"), std::string::npos);
}

TEST(ConnectivityWatchTest, MalformedStatisticsChangeNothing) {
  ConnectivityWatch watch({.bootstrap = "b:1", .client = "consumer"});
  watch.OnStatistics(kOneBrokerUp);
  watch.OnStatistics("not json");
  EXPECT_TRUE(watch.Reachable());
}

// Health probes read from other threads while the polling thread reports: every probe sees a
// state the reports set, and the byte counts never move back.
TEST(ConnectivityWatchTest, ProbesReadWhileThePollingThreadReports) {
  ConnectivityWatch watch({.bootstrap = "127.0.0.1:9092", .client = "consumer"});
  constexpr int kTurns = 200;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> live{2};
  std::atomic<int> failures{0};
  std::vector<std::thread> probes;
  for (int p = 0; p < 2; ++p) {
    probes.emplace_back([&] {
      uint64_t last_tx = 0;
      while (!done) {
        const int up = watch.brokers_up();
        const uint64_t tx = watch.tx_bytes();
        if (up < 0 || up > 1 || tx < last_tx || tx > kTurns * 10) ++failures;
        last_tx = tx;
        // What /healthz reads; its answer may change between the two calls.
        static_cast<void>(watch.Reachable());
        static_cast<void>(watch.Unreachable());
        ++reads;
      }
      --live;
    });
  }
  for (int turn = 1; turn <= kTurns; ++turn) {
    watch.OnStatistics(R"({"brokers":{"127.0.0.1:9092/1":{"nodeid":1,"state":"UP"}},"tx_bytes":)" +
                       std::to_string(turn * 10) + R"(,"rx_bytes":5})");
    static_cast<void>(watch.Check());
    watch.OnError(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, "1/1 brokers are down");
    static_cast<void>(watch.Check());
    const int seen = reads;
    while (reads == seen && live > 0) std::this_thread::yield();
  }
  done = true;
  for (auto& probe : probes) probe.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(watch.tx_bytes(), static_cast<uint64_t>(kTurns * 10));
  EXPECT_FALSE(watch.Reachable());
}

}  // namespace
}  // namespace headwire::common
