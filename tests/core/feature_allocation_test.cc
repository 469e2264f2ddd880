// Checks that feature extraction and model scoring allocate nothing per token: once the buffers
// are warm, a long headline costs as many heap allocations as a short one. Its own executable,
// because it replaces the global operator new to count.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "core/hashed_features.h"
#include "core/linear_model.h"
#include "core/model_trainer.h"
#include "tests/core/model_test_data.h"

namespace {

std::atomic<long> allocations{0};

}  // namespace

void* operator new(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace headwire::core {
namespace {

long AllocationsOf(const auto& work) {
  const long before = allocations.load();
  work();
  return allocations.load() - before;
}

TEST(FeatureAllocationTest, TwiceTheTokensCostNoMoreAllocations) {
  // Both texts are past the small-string size, so both pay the per-text allocations of
  // normalisation; a per-token cost would double from one to the other.
  const FeatureExtractor extractor{FeatureOptions{}};
  FeatureBuffer buffer;
  std::string text;
  for (int i = 0; i < 6; ++i) text += "Starlink satellites launch from Florida pad ";
  const std::string twice = text + text;
  extractor.Extract(twice, twice, buffer);  // warm: buffers reach their largest size
  const long once_count = AllocationsOf([&] { extractor.Extract(text, text, buffer); });
  const size_t once_features = buffer.ids.size();
  const long twice_count = AllocationsOf([&] { extractor.Extract(twice, twice, buffer); });
  EXPECT_GE(buffer.ids.size(), 2 * once_features);
  EXPECT_GT(once_features, 6u * 6 * 2 * 10);  // hundreds of features per text
  EXPECT_EQ(twice_count, once_count);
}

TEST(FeatureAllocationTest, PredictAllocatesNothing) {
  auto model = TrainModel(testing::SeparableSet(), testing::SmallOptions());
  ASSERT_TRUE(model.has_value());
  const FeatureExtractor extractor(model->feature_options());
  FeatureBuffer buffer;
  extractor.Extract("rocket launch to orbit", "", buffer);
  float p[3];
  EXPECT_EQ(AllocationsOf([&] { model->Predict(buffer.ids, p); }), 0);
}

}  // namespace
}  // namespace headwire::core
