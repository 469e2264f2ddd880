#pragma once
// LogEventClock: the times log events first occurred, for a measurement that must start and end
// where a daemon reached points it only logs (`headwire bench` times the processor and the sink
// from "partition assigned" to their stop line, as bench/run does, so that joining the consumer
// group and closing the clients are left out).
// While it exists it listens on the process-wide logger (common/logging.h) at info level or
// finer, and the logger's own sinks print only what the logger's level let through before; the
// destructor restores the logger as it was. Construct and destroy it while no other thread
// logs (it changes the logger's sinks); Listen and first are thread-safe, and events may come
// from any thread. One at a time.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spdlog {
class logger;
namespace sinks {
class sink;
}  // namespace sinks
}  // namespace spdlog

namespace headwire::cli {

class LogEventClock {
 public:
  LogEventClock();
  ~LogEventClock();
  LogEventClock(const LogEventClock&) = delete;
  LogEventClock& operator=(const LogEventClock&) = delete;

  // Forgets any earlier event and waits, for each of `texts`, for the first event whose message
  // contains it.
  void Listen(std::vector<std::string> texts);

  // When the first event containing `texts[index]` of the last Listen was logged; nullopt when
  // none was (or for an index beyond those texts).
  std::optional<std::chrono::steady_clock::time_point> first(size_t index) const;

 private:
  class Listener;
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<Listener> listener_;
  int logger_level_before_;
  std::vector<int> sink_levels_before_;
};

}  // namespace headwire::cli
