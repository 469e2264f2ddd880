#include "core/classification_metrics.h"

#include <gtest/gtest.h>

namespace headwire::core {
namespace {

using Labels = std::vector<std::string>;

TEST(ClassificationMetricsTest, CountsPerLabelAndAggregates) {
  ClassificationMetrics m({"space", "business"});
  m.Add(Labels{"space"}, Labels{"space"});              // exact
  m.Add(Labels{"space", "business"}, Labels{"space"});  // business missed
  m.Add(Labels{}, Labels{"business"});                  // other, false business
  m.Add(Labels{}, Labels{});                            // other, right
  const MetricsSummary s = m.Summarise();
  EXPECT_EQ(s.examples, 4u);
  ASSERT_EQ(s.labels.size(), 2u);
  EXPECT_EQ(s.labels[0].support, 2u);
  EXPECT_DOUBLE_EQ(s.labels[0].precision, 1.0);
  EXPECT_DOUBLE_EQ(s.labels[0].recall, 1.0);
  EXPECT_DOUBLE_EQ(s.labels[0].f1, 1.0);
  EXPECT_EQ(s.labels[1].support, 1u);
  EXPECT_EQ(s.labels[1].false_positives, 1u);
  EXPECT_EQ(s.labels[1].false_negatives, 1u);
  EXPECT_DOUBLE_EQ(s.labels[1].f1, 0.0);
  EXPECT_DOUBLE_EQ(s.macro_f1, 0.5);
  // tp 2, fp 1, fn 1: 4 / 6.
  EXPECT_DOUBLE_EQ(s.micro_f1, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.exact_match, 0.5);
  EXPECT_EQ(s.other_support, 2u);
  EXPECT_DOUBLE_EQ(s.other_accuracy, 0.5);
}

TEST(ClassificationMetricsTest, ConfusionShowsWhatEachGoldLabelBecame) {
  ClassificationMetrics m({"space", "business"});
  m.Add(Labels{"space"}, Labels{"business"});
  m.Add(Labels{"space"}, Labels{});
  m.Add(Labels{}, Labels{"space"});
  const MetricsSummary s = m.Summarise();
  EXPECT_EQ(s.confusion.at("space").at("business"), 1u);
  EXPECT_EQ(s.confusion.at("space").at("other"), 1u);
  EXPECT_EQ(s.confusion.at("other").at("space"), 1u);
  EXPECT_FALSE(s.confusion.at("space").contains("space"));
}

// Its F1 is 0/0: counted as 0, one desk's file (business only) would score a macro F1 that
// looks broken.
TEST(ClassificationMetricsTest, ALabelWithNeitherGoldNorPredictedExamplesIsLeftOutOfMacroF1) {
  ClassificationMetrics m({"space", "geopolitics", "business"});
  m.Add(Labels{"space"}, Labels{"space"});
  m.Add(Labels{"business"}, Labels{});
  const MetricsSummary s = m.Summarise();
  EXPECT_TRUE(s.labels[0].scored);
  EXPECT_FALSE(s.labels[1].scored);
  EXPECT_TRUE(s.labels[2].scored);
  EXPECT_EQ(s.macro_labels, 2u);
  EXPECT_DOUBLE_EQ(s.macro_f1, 0.5);
}

TEST(ClassificationMetricsTest, ALabelPredictedWithoutGoldExamplesCountsInMacroF1) {
  ClassificationMetrics m({"space", "ai"});
  m.Add(Labels{"space"}, Labels{"space", "ai"});
  const MetricsSummary s = m.Summarise();
  EXPECT_TRUE(s.labels[1].scored);
  EXPECT_EQ(s.macro_labels, 2u);
  EXPECT_DOUBLE_EQ(s.macro_f1, 0.5);
}

TEST(ClassificationMetricsTest, EmptyMetricsAreZeroNotNan) {
  const MetricsSummary s = ClassificationMetrics({"ai"}).Summarise();
  EXPECT_EQ(s.macro_labels, 0u);
  EXPECT_EQ(s.macro_f1, 0.0);
  EXPECT_EQ(s.exact_match, 0.0);
  EXPECT_EQ(s.other_accuracy, 0.0);
}

}  // namespace
}  // namespace headwire::core
