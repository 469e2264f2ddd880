#pragma once
// The figures of this process that Prometheus' conventions export as process_*: CPU time,
// resident memory and start time, read from Linux's /proc. ParseProcessStat is pure, for tests;
// ReadProcessStats reads the files.

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace headwire::common {

struct ProcessStats {
  double cpu_seconds = 0;         // user plus system CPU time
  int64_t resident_bytes = 0;     // resident set size
  double start_time_seconds = 0;  // when the process started, seconds since the Unix epoch
};

// The stats in `stat` (the text of /proc/<pid>/stat), given the boot time (`btime` of /proc/stat,
// seconds since the epoch), the clock ticks per second and the page size in bytes.
// InvalidArgument when the text is not such a line.
Result<ProcessStats> ParseProcessStat(std::string_view stat, int64_t boot_time_seconds,
                                      int64_t ticks_per_second, int64_t page_size);

// This process's stats, from /proc/self/stat and /proc/stat. IoError when they cannot be read.
Result<ProcessStats> ReadProcessStats();

}  // namespace headwire::common
