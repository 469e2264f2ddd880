#include "core/linear_model.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/model_trainer.h"
#include "tests/core/model_test_data.h"

namespace headwire::core {
namespace {

LinearModel Trained() {
  auto model = TrainModel(testing::SeparableSet(), testing::SmallOptions());
  EXPECT_TRUE(model.has_value());
  return std::move(*model);
}

using testing::Probabilities;

TEST(LinearModelTest, SerializeThenDeserializeGivesTheSameModel) {
  LinearModel model = Trained();
  const float thresholds[] = {0.3f, 0.6f, 0.45f};
  model.SetThresholds(thresholds);
  const std::string bytes = model.Serialize();
  auto loaded = LinearModel::Deserialize(bytes, "test");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->name(), "test-model");
  EXPECT_EQ(loaded->feature_options().bucket_bits, 16);
  ASSERT_EQ(loaded->labels().size(), 3u);
  EXPECT_EQ(loaded->labels()[1].name, "ai");
  EXPECT_FLOAT_EQ(loaded->labels()[1].threshold, 0.6f);
  EXPECT_EQ(loaded->Serialize(), bytes);
  for (const char* title : {"rocket launch", "chatbot lab", "shares earnings", "cup final"}) {
    EXPECT_EQ(Probabilities(*loaded, title), Probabilities(model, title)) << title;
  }
}

// The shipped model is read and written by the same codec as every model: written again, it is
// its file byte for byte, so that no change to the reader or the writer can change what a model
// file says without this failing.
TEST(LinearModelTest, TheShippedModelWrittenAgainIsItsFileByteForByte) {
  const std::string path = HEADWIRE_SOURCE_DIR "/models/topics-v1.hwm";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto model = LinearModel::Deserialize(file, path);
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  EXPECT_TRUE(model->Serialize() == file);
}

TEST(LinearModelTest, BodyWordCapIsRecordedInTheFile) {
  TrainOptions options = testing::SmallOptions();
  options.features.max_body_words = 300;
  auto model = TrainModel(testing::SeparableSet(), options);
  ASSERT_TRUE(model.has_value());
  auto loaded = LinearModel::Deserialize(model->Serialize(), "test");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->feature_options().max_body_words, 300);
}

// A file of format version 1 (before max_body_words): the same file with the version set back to
// 1, the two bytes of the cap taken out and the checksum recomputed.
std::string AsVersionOne(std::string bytes) {
  const size_t version_at = 4, name_at = 8;
  bytes[version_at] = 1;
  uint32_t name_length = 0;
  for (int i = 0; i < 4; ++i) name_length |= uint32_t{uint8_t(bytes[name_at + i])} << (8 * i);
  const size_t cap_at = name_at + 4 + name_length + 5;  // after the five feature-option bytes
  bytes.erase(cap_at, 2);
  bytes.resize(bytes.size() - 8);
  const uint64_t sum = XXH64(bytes.data(), bytes.size(), 0);
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>(sum >> (8 * i)));
  return bytes;
}

TEST(LinearModelTest, VersionOneFilesLoadAndReadTheWholeBody) {
  TrainOptions options = testing::SmallOptions();
  options.features.max_body_words = 3;
  auto model = TrainModel(testing::SeparableSet(), options);
  ASSERT_TRUE(model.has_value());
  auto loaded = LinearModel::Deserialize(AsVersionOne(model->Serialize()), "v1");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->feature_options().max_body_words, 0);
  EXPECT_EQ(loaded->labels().size(), 3u);
  EXPECT_EQ(loaded->NonZeroRows(), model->NonZeroRows());
  std::string future = model->Serialize();
  future[4] = LinearModel::kFormatVersion + 1;
  EXPECT_EQ(LinearModel::Deserialize(future, "x").error().code(), StatusCode::kCorruption);
}

TEST(LinearModelTest, SaveAndFromFileRoundTrip) {
  const LinearModel model = Trained();
  const std::string path = ::testing::TempDir() + "/hw-linear-model-test.hwm";
  ASSERT_TRUE(model.Save(path).ok());
  auto loaded = LinearModel::FromFile(path);
  std::remove(path.c_str());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->Serialize(), model.Serialize());
}

TEST(LinearModelTest, MissingFileIsNotFound) {
  EXPECT_TRUE(LinearModel::FromFile("/nonexistent/model.hwm").error().IsNotFound());
}

TEST(LinearModelTest, DamagedBytesAreCorruption) {
  const std::string bytes = Trained().Serialize();
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x5a;
  EXPECT_EQ(LinearModel::Deserialize(flipped, "x").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(LinearModel::Deserialize(bytes.substr(0, bytes.size() - 3), "x").error().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(LinearModel::Deserialize("", "x").error().code(), StatusCode::kCorruption);
  EXPECT_EQ(LinearModel::Deserialize("HWTM not a model at all", "x").error().code(),
            StatusCode::kCorruption);
}

TEST(LinearModelTest, OnlyTouchedRowsAreStored) {
  const LinearModel model = Trained();
  EXPECT_GT(model.NonZeroRows(), 50u);
  EXPECT_LT(model.NonZeroRows(), size_t{1} << 16);
  // 3 int8 weights and at most 3 bytes of index per stored row, plus a small header.
  EXPECT_LT(model.Serialize().size(), model.NonZeroRows() * 6 + 512);
}

TEST(LinearModelTest, ThresholdsDecideOneVsRestLabels) {
  LinearModel model = Trained();
  const std::vector<float> p = Probabilities(model, "rocket launch to orbit");
  ASSERT_GT(p[0], 0.5f);
  ASSERT_LT(p[1], 1.0f);
  ASSERT_LT(p[2], 1.0f);
  const float at[] = {p[0], 1.0f, 1.0f};
  model.SetThresholds(at);
  EXPECT_EQ(model.Assign(p), std::vector<size_t>{0});
  const float above[] = {std::nextafter(p[0], 2.0f), 1.0f, 1.0f};
  model.SetThresholds(above);
  EXPECT_TRUE(model.Assign(p).empty());
  const float everything[] = {0.0f, 0.0f, 0.0f};
  model.SetThresholds(everything);
  EXPECT_EQ(model.Assign(p), (std::vector<size_t>{0, 1, 2}));
}

TEST(LinearModelTest, ContributionsAddUpToTheScore) {
  const LinearModel model = Trained();
  const FeatureExtractor extractor(model.feature_options());
  FeatureBuffer buffer;
  extractor.Extract("rocket launch to orbit", "", buffer);
  float z = model.labels()[0].bias;
  for (uint32_t id : buffer.ids) z += model.Contribution(id, 0, buffer.ids.size());
  std::vector<float> p(3);
  model.Predict(buffer.ids, p);
  EXPECT_NEAR(1.0f / (1.0f + std::exp(-z)), p[0], 1e-4);
}

}  // namespace
}  // namespace headwire::core
