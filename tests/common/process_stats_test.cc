#include "common/process_stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace headwire::common {
namespace {

// A stat line whose command name holds blanks and parentheses, as a process may name itself.
constexpr std::string_view kStat =
    "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 1500 0 0 0 250 50 0 0 20 0 4 0 1000 1073741824 "
    "2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessStatsTest, ReadsCpuMemoryAndStartFromAStatLineWhateverTheCommandName) {
  auto stats = ParseProcessStat(kStat, /*boot_time_seconds=*/1'700'000'000,
                                /*ticks_per_second=*/100, /*page_size=*/4096);
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_DOUBLE_EQ(stats->cpu_seconds, 3.0);  // (250 + 50) ticks
  EXPECT_EQ(stats->resident_bytes, 2048 * 4096);
  EXPECT_DOUBLE_EQ(stats->start_time_seconds, 1'700'000'010.0);  // 1000 ticks after boot
}

TEST(ProcessStatsTest, TextThatIsNotAStatLineIsAnError) {
  for (std::string_view text : {std::string_view(""), std::string_view("4242 (cat) S 1 2 3"),
                                kStat.substr(0, 60), std::string_view("no parenthesis at all")}) {
    EXPECT_FALSE(ParseProcessStat(text, 0, 100, 4096).has_value()) << text;
  }
  EXPECT_FALSE(ParseProcessStat(kStat, 0, 0, 4096).has_value());  // no clock ticks
}

TEST(ProcessStatsTest, ThisProcessStartedBeforeNowAndHoldsMemory) {
  auto stats = ReadProcessStats();
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(stats->start_time_seconds, now + 1);
  EXPECT_GT(stats->start_time_seconds, now - 24 * 3600 * 365);
  EXPECT_GT(stats->resident_bytes, 0);
  EXPECT_GE(stats->cpu_seconds, 0);
}

}  // namespace
}  // namespace headwire::common
