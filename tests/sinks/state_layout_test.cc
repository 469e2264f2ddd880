#include "sinks/state_layout.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/state_store.h"

namespace headwire::sinks {
namespace {

std::string Counts(uint64_t articles, uint64_t duplicates) {
  return EncodeWindowCounts({articles, duplicates});
}

TEST(AddCountsOperatorTest, AddsEachCountOfTheOperandToTheStoredOne) {
  const AddCountsOperator add;
  const std::string stored = Counts(5, 1);
  const std::string operand = Counts(2, 3);
  const rocksdb::Slice existing(stored);
  std::string merged;
  ASSERT_TRUE(add.Merge("key", &existing, operand, &merged, nullptr));
  const WindowCounts counts = DecodeWindowCounts(merged);
  EXPECT_EQ(counts.articles, 7u);
  EXPECT_EQ(counts.duplicates, 4u);
}

TEST(AddCountsOperatorTest, AnOperandWithoutStoredValueIsTheCount) {
  const AddCountsOperator add;
  std::string merged;
  ASSERT_TRUE(add.Merge("key", nullptr, EncodeU64(9), &merged, nullptr));
  EXPECT_EQ(DecodeU64(merged), 9u);
}

TEST(AddCountsOperatorTest, AnOperandOfAnotherSizeIsRefused) {
  const AddCountsOperator add;
  const std::string stored = Counts(5, 1);
  const rocksdb::Slice existing(stored);
  std::string merged;
  EXPECT_FALSE(add.Merge("key", &existing, EncodeU64(1), &merged, nullptr));
  EXPECT_FALSE(add.Merge("key", nullptr, "odd", &merged, nullptr));
}

TEST(ExpiryFilterTest, IncrementsOfAnExpiredCountAreDroppedWithTheirKey) {
  const auto hour = core::WindowLengthMs(core::WindowSize::kHour);
  auto horizon = std::make_shared<std::atomic<int64_t>>(10 * hour);
  const ExpiryFilter filter(kTermsFamily, horizon);
  const std::string expired = WindowKey(core::WindowSize::kHour, 8 * hour, "*", "rocket");
  const std::string kept = WindowKey(core::WindowSize::kHour, 10 * hour, "*", "rocket");
  EXPECT_TRUE(filter.FilterMergeOperand(0, expired, EncodeU64(1)));
  EXPECT_FALSE(filter.FilterMergeOperand(0, kept, EncodeU64(1)));
  horizon->store(std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(filter.FilterMergeOperand(0, expired, EncodeU64(1)));
}

}  // namespace
}  // namespace headwire::sinks
