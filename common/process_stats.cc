#include "common/process_stats.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace headwire::common {
namespace {

// Fields of /proc/<pid>/stat counted from `state`, the first after the command name (proc(5)
// numbers them from 1 with state as field 3).
constexpr size_t kUtime = 14 - 3;
constexpr size_t kStime = 15 - 3;
constexpr size_t kStartTime = 22 - 3;
constexpr size_t kRss = 24 - 3;

Result<int64_t> Number(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Err(Status::InvalidArgument("not a number: " + std::string(text)));
  }
  return value;
}

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `btime` of /proc/stat: when the system booted, seconds since the epoch.
Result<int64_t> ReadBootTime() {
  const std::string system = ReadFile("/proc/stat");
  const size_t btime = system.find("\nbtime ");
  if (btime == std::string::npos) return Err(Status::IoError("/proc/stat cannot be read"));
  const size_t value = btime + 7;
  return Number(std::string_view(system).substr(value, system.find('\n', value) - value));
}

}  // namespace

Result<ProcessStats> ParseProcessStat(std::string_view stat, int64_t boot_time_seconds,
                                      int64_t ticks_per_second, int64_t page_size) {
  // The command name is in parentheses and may hold blanks and parentheses itself: the fields
  // start after the last ')'.
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string_view::npos || ticks_per_second <= 0) {
    return Err(Status::InvalidArgument("not a /proc stat line"));
  }
  std::vector<std::string_view> fields;
  std::string_view rest = stat.substr(name_end + 1);
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const size_t end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  if (fields.size() <= kRss) return Err(Status::InvalidArgument("a /proc stat line cut short"));
  auto utime = Number(fields[kUtime]);
  auto stime = Number(fields[kStime]);
  auto start = Number(fields[kStartTime]);
  auto rss = Number(fields[kRss]);
  for (const auto* n : {&utime, &stime, &start, &rss}) {
    if (!*n) return Err(n->error());
  }
  const auto ticks = static_cast<double>(ticks_per_second);
  return ProcessStats{.cpu_seconds = static_cast<double>(*utime + *stime) / ticks,
                      .resident_bytes = *rss * page_size,
                      .start_time_seconds = static_cast<double>(boot_time_seconds) +
                                            static_cast<double>(*start) / ticks};
}

Result<ProcessStats> ReadProcessStats() {
  // The boot time cannot change while the process runs: read once, not at every scrape (and a
  // /proc/stat without it at the start will not have it later).
  static const Result<int64_t> boot_time_seconds = ReadBootTime();
  const std::string stat = ReadFile("/proc/self/stat");
  if (stat.empty()) return Err(Status::IoError("/proc/self/stat cannot be read"));
  if (!boot_time_seconds) return Err(boot_time_seconds.error());
  return ParseProcessStat(stat, *boot_time_seconds, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE));
}

}  // namespace headwire::common
