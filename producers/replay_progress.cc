#include "producers/replay_progress.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <string>

namespace headwire::producers {
namespace {

std::string Duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

}  // namespace

ReplayProgress::ReplayProgress(const ReplayProgressOptions& options, std::ostream& bar_out,
                               PacerClock& clock)
    : options_(options), out_(bar_out), clock_(clock), last_ms_(clock.NowMs()) {}

void ReplayProgress::Update(const ReplaySnapshot& snap, bool final) {
  const int64_t now_ms = clock_.NowMs();
  // Anchored before the interval check: a redraw due only later must still measure from here.
  if (!pace_from_ && snap.read > 0) pace_from_ = {snap.read, snap.fraction, now_ms};
  if (!final && now_ms - last_ms_ < options_.interval.count()) return;
  last_ms_ = now_ms;
  const double since = pace_from_ ? static_cast<double>(now_ms - pace_from_->at_ms) / 1000 : 0;
  const double rate = since > 0 ? static_cast<double>(snap.read - pace_from_->read) / since : 0;
  std::string eta = "?";
  if (snap.fraction && pace_from_ && pace_from_->fraction &&
      *snap.fraction > *pace_from_->fraction && snap.fraction_leaves_out_range) {
    eta = Duration(since * (1 - *snap.fraction) / (*snap.fraction - *pace_from_->fraction));
  }
  if (options_.terminal) {
    constexpr int kWidth = 24;
    const double f = snap.fraction.value_or(0);
    const int filled = static_cast<int>(f * kWidth);
    out_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
         << (snap.fraction ? fmt::format("{:3.0f}% ", f * 100) : std::string())
         << fmt::format("{} records  {:.0f}/s  ETA {}  dup {}  dlq {}  invalid {}  filtered {}{}",
                        snap.read, rate, final ? Duration(0) : eta, snap.counts.duplicates,
                        snap.counts.dead_letters, snap.invalid, snap.filtered,
                        snap.out_of_order > 0 ? fmt::format("  out of order {}", snap.out_of_order)
                                              : std::string())
         << "\x1b[K" << (final ? "\n" : "") << std::flush;
    return;
  }
  spdlog::info(
      "msg=\"{}\" records={} delivered={} rate={:.0f} fraction={} eta={} duplicates={} "
      "dead_letters={} invalid={} filtered={} out_of_order={}",
      final ? "replay stopped" : "replay progress", snap.read, snap.counts.delivered, rate,
      snap.fraction ? fmt::format("{:.3f}", *snap.fraction) : "unknown", final ? "0m00s" : eta,
      snap.counts.duplicates, snap.counts.dead_letters, snap.invalid, snap.filtered,
      snap.out_of_order);
}

}  // namespace headwire::producers
