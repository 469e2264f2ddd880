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

ReplayProgress::ReplayProgress(const ReplayProgressOptions& options, std::ostream& bar_out)
    : options_(options), out_(bar_out), start_(std::chrono::steady_clock::now()), last_(start_) {}

void ReplayProgress::Update(const ReplaySnapshot& snap, bool final) {
  const auto now = std::chrono::steady_clock::now();
  // Anchored before the interval check: a redraw due only later must still measure from here.
  if (!eta_from_ && snap.read > 0 && snap.fraction) eta_from_ = {*snap.fraction, now};
  if (!final && now - last_ < options_.interval) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(snap.read) / elapsed : 0;
  std::string eta = "?";
  if (snap.fraction && eta_from_ && *snap.fraction > eta_from_->fraction &&
      snap.fraction_leaves_out_range) {
    const double since = std::chrono::duration<double>(now - eta_from_->at).count();
    eta = Duration(since * (1 - *snap.fraction) / (*snap.fraction - eta_from_->fraction));
  }
  if (options_.terminal) {
    constexpr int kWidth = 24;
    const double f = snap.fraction.value_or(0);
    const int filled = static_cast<int>(f * kWidth);
    out_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
         << (snap.fraction ? fmt::format("{:3.0f}% ", f * 100) : std::string())
         << fmt::format("{} records  {:.0f}/s  ETA {}  dup {}  dlq {}  invalid {}  filtered {}",
                        snap.read, rate, final ? Duration(0) : eta, snap.counts.duplicates,
                        snap.counts.dead_letters, snap.invalid, snap.filtered)
         << "\x1b[K" << (final ? "\n" : "") << std::flush;
    return;
  }
  spdlog::info(
      "msg=\"{}\" records={} delivered={} rate={:.0f} fraction={} eta={} duplicates={} "
      "dead_letters={} invalid={} filtered={}",
      final ? "replay stopped" : "replay progress", snap.read, snap.counts.delivered, rate,
      snap.fraction ? fmt::format("{:.3f}", *snap.fraction) : "unknown", final ? "0m00s" : eta,
      snap.counts.duplicates, snap.counts.dead_letters, snap.invalid, snap.filtered);
}

}  // namespace headwire::producers
