#pragma once
// CalibrateThreshold: picks a label's probability threshold from labelled dev predictions,
// the one that maximises the label's F-beta after the rules' overrides (F1 by default; a beta
// below 1 weighs precision more). Pure and deterministic.

#include <span>

namespace headwire::core {

// One dev example as seen by one label.
struct CalibrationPoint {
  float probability = 0;  // the model's probability for the label
  bool gold = false;      // the label is in the gold set
  // What the rules decide regardless of the model: +1 forces the label, -1 vetoes it, 0 leaves
  // it to the threshold.
  int override = 0;
};

struct CalibrationOptions {
  // Candidate thresholds: min, min + step, ..., max. Defaults: 0.05 to 0.95 by 0.01.
  float min = 0.05f;
  float max = 0.95f;
  float step = 0.01f;
  // Weight of recall against precision: F-beta = (1 + b^2) P R / (b^2 P + R). Below 1 a wrong
  // label costs more than a missed one. Default: 1 (F1).
  double beta = 1.0;
};

// Returns the candidate with the highest F-beta on `points`; among equal ones, the closest to 0.5
// (the least tuned). 0.5 when `points` is empty.
float CalibrateThreshold(std::span<const CalibrationPoint> points,
                         const CalibrationOptions& options = {});

}  // namespace headwire::core
