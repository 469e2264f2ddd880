#pragma once
// LogEventClock: the time a log event first occurred, for a measurement that must start when a
// daemon reached a point it only logs (`headwire bench` times the processor and the sink from
// "partition assigned", as bench/run does, so that joining the consumer group is left out).
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

  // Forgets any earlier event and waits for the first whose message contains `text`.
  void Listen(std::string text);

  // When the first such event was logged since the last Listen; nullopt when none was.
  std::optional<std::chrono::steady_clock::time_point> first() const;

 private:
  class Listener;
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<Listener> listener_;
  int logger_level_before_;
  std::vector<int> sink_levels_before_;
};

}  // namespace headwire::cli
