#include "common/daemon_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace headwire::common {
namespace {

TEST(DaemonMetricsTest, StateGaugesAppearOnlyOnceTheDaemonReportsState) {
  DaemonMetrics metrics("archive");
  EXPECT_EQ(metrics.Serialize().find("headwire_state_bytes"), std::string::npos);
  EXPECT_EQ(metrics.Serialize().find("headwire_rocksdb_block_cache_bytes"), std::string::npos);
  metrics.StateBytes().Set(4096);
  metrics.BlockCacheBytes().Set(512);
  const std::string text = metrics.Serialize();
  EXPECT_NE(text.find("headwire_state_bytes{daemon=\"archive\"} 4096"), std::string::npos) << text;
  EXPECT_NE(text.find("headwire_rocksdb_block_cache_bytes{daemon=\"archive\"} 512"),
            std::string::npos)
      << text;
}

TEST(DaemonMetricsTest, TheVersionAndTheProcessAreExportedAsPrometheusClientsNameThem) {
  DaemonMetrics metrics("process");
  const std::string text = metrics.Serialize();
  EXPECT_NE(
      text.find("headwire_build_info{daemon=\"process\",version=\"" HEADWIRE_TEST_VERSION "\"} 1"),
      std::string::npos)
      << text;
  for (const char* series : {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
                             "process_start_time_seconds "}) {
    EXPECT_NE(text.find(std::string("\n") + series), std::string::npos) << series << text;
  }
  EXPECT_EQ(text.find("process_resident_memory_bytes 0\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace headwire::common
