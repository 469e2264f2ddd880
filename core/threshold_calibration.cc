#include "core/threshold_calibration.h"

#include <cmath>

namespace headwire::core {

float CalibrateThreshold(std::span<const CalibrationPoint> points,
                         const CalibrationOptions& options) {
  float best = 0.5f;
  double best_f1 = -1;
  if (points.empty()) return best;
  const int steps = static_cast<int>(std::lround((options.max - options.min) / options.step));
  for (int i = 0; i <= steps; ++i) {
    const float t = options.min + options.step * static_cast<float>(i);
    long tp = 0, fp = 0, fn = 0;
    for (const CalibrationPoint& p : points) {
      const bool assigned = p.override > 0 || (p.override == 0 && p.probability >= t);
      tp += assigned && p.gold;
      fp += assigned && !p.gold;
      fn += !assigned && p.gold;
    }
    const double b2 = options.beta * options.beta;
    const double f1 = tp == 0 ? 0.0
                              : (1 + b2) * static_cast<double>(tp) /
                                    ((1 + b2) * static_cast<double>(tp) +
                                     b2 * static_cast<double>(fn) + static_cast<double>(fp));
    const bool better = f1 > best_f1 + 1e-12 || (std::abs(f1 - best_f1) <= 1e-12 &&
                                                 std::abs(t - 0.5f) < std::abs(best - 0.5f));
    if (better) {
      best = t;
      best_f1 = f1;
    }
  }
  return best;
}

}  // namespace headwire::core
