#include "cli/log_event_clock.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string_view>

namespace headwire::cli {

class LogEventClock::Listener : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void Listen(std::vector<std::string> texts) {
    std::lock_guard lock(mutex_);
    texts_ = std::move(texts);
    first_.assign(texts_.size(), std::nullopt);
  }

  std::optional<std::chrono::steady_clock::time_point> first(size_t index) {
    std::lock_guard lock(mutex_);
    return index < first_.size() ? first_[index] : std::nullopt;
  }

 protected:
  // Called with mutex_ held.
  void sink_it_(const spdlog::details::log_msg& event) override {
    const std::string_view message(event.payload.data(), event.payload.size());
    for (size_t i = 0; i < texts_.size(); ++i) {
      if (!first_[i] && message.find(texts_[i]) != std::string_view::npos) {
        first_[i] = std::chrono::steady_clock::now();
      }
    }
  }
  void flush_() override {}

 private:
  std::vector<std::string> texts_;
  std::vector<std::optional<std::chrono::steady_clock::time_point>> first_;
};

LogEventClock::LogEventClock()
    : logger_(spdlog::default_logger()),
      listener_(std::make_shared<Listener>()),
      logger_level_before_(logger_->level()) {
  for (const auto& sink : logger_->sinks()) {
    sink_levels_before_.push_back(sink->level());
    // What the logger let through before, and no more.
    sink->set_level(std::max(sink->level(), logger_->level()));
  }
  logger_->sinks().push_back(listener_);
  if (logger_->level() > spdlog::level::info) logger_->set_level(spdlog::level::info);
}

LogEventClock::~LogEventClock() {
  auto& sinks = logger_->sinks();
  std::erase(sinks, listener_);
  logger_->set_level(static_cast<spdlog::level::level_enum>(logger_level_before_));
  for (size_t i = 0; i < sinks.size() && i < sink_levels_before_.size(); ++i) {
    sinks[i]->set_level(static_cast<spdlog::level::level_enum>(sink_levels_before_[i]));
  }
}

void LogEventClock::Listen(std::vector<std::string> texts) { listener_->Listen(std::move(texts)); }

std::optional<std::chrono::steady_clock::time_point> LogEventClock::first(size_t index) const {
  return listener_->first(index);
}

}  // namespace headwire::cli
