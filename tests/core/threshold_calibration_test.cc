#include "core/threshold_calibration.h"

#include <gtest/gtest.h>

#include <vector>

namespace headwire::core {
namespace {

TEST(ThresholdCalibrationTest, FindsTheThresholdThatSeparatesTheClasses) {
  // Positives at 0.30 and above, negatives at 0.20 and below: any threshold in (0.20, 0.30]
  // gives F1 1, and the one closest to 0.5 is 0.30.
  const std::vector<CalibrationPoint> points = {
      {0.9f, true, 0}, {0.3f, true, 0}, {0.35f, true, 0}, {0.2f, false, 0}, {0.1f, false, 0}};
  EXPECT_NEAR(CalibrateThreshold(points), 0.30f, 1e-5);
}

TEST(ThresholdCalibrationTest, OverridesAreJudgedAsTheClassifierWillApplyThem) {
  // The vetoed positive cannot be recovered by any threshold; the forced negative is lost
  // anyway. What remains separates at 0.6.
  const std::vector<CalibrationPoint> points = {
      {0.8f, true, 0}, {0.6f, true, 0}, {0.95f, true, -1}, {0.55f, false, 0}, {0.1f, false, 1}};
  EXPECT_NEAR(CalibrateThreshold(points), 0.56f, 1e-5);
}

TEST(ThresholdCalibrationTest, ABetaBelowOneTradesRecallForPrecision) {
  // Up to 0.35 every positive is in with two negatives (P 4/6, R 1): F1 0.80, F0.5 0.71.
  // Between 0.5 and 0.8 only the two surest positives are in (P 1, R 1/2): F1 0.67, F0.5 0.83.
  const std::vector<CalibrationPoint> points = {{0.9f, true, 0},  {0.8f, true, 0},
                                                {0.4f, true, 0},  {0.35f, true, 0},
                                                {0.5f, false, 0}, {0.45f, false, 0}};
  EXPECT_NEAR(CalibrateThreshold(points), 0.35f, 1e-5);
  EXPECT_NEAR(CalibrateThreshold(points, {.beta = 0.5}), 0.51f, 1e-5);
}

TEST(ThresholdCalibrationTest, NoPointsGiveTheNeutralThreshold) {
  EXPECT_FLOAT_EQ(CalibrateThreshold({}), 0.5f);
}

}  // namespace
}  // namespace headwire::core
