#include "core/model_trainer.h"

#include <gtest/gtest.h>

#include "tests/common/numbered_id.h"
#include "tests/core/model_test_data.h"

namespace headwire::core {
namespace {

using headwire::testing::NumberedId;

using testing::Labelled;
using testing::SeparableSet;
using testing::SmallOptions;

// The model's probability per label for a title.
using testing::Probabilities;

std::vector<std::string> Predict(const LinearModel& model, std::string_view title) {
  std::vector<std::string> out;
  for (size_t l : model.Assign(Probabilities(model, title))) out.push_back(model.labels()[l].name);
  return out;
}

TEST(ModelTrainerTest, LearnsASeparableSet) {
  const auto data = SeparableSet();
  auto model = TrainModel(data, SmallOptions());
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  for (const LabelledText& example : data) {
    EXPECT_EQ(Predict(*model, example.title), example.topics) << example.title;
  }
}

TEST(ModelTrainerTest, GeneralisesToUnseenCombinationsOfTopicWords) {
  auto model = TrainModel(SeparableSet(), SmallOptions());
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(Predict(*model, "the crew rides a rocket"), std::vector<std::string>{"space"});
  EXPECT_EQ(Predict(*model, "neural chatbot lab"), std::vector<std::string>{"ai"});
  EXPECT_TRUE(Predict(*model, "garden salad recipe").empty());
}

TEST(ModelTrainerTest, SameSeedGivesByteIdenticalModels) {
  auto a = TrainModel(SeparableSet(), SmallOptions());
  auto b = TrainModel(SeparableSet(), SmallOptions());
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->Serialize(), b->Serialize());
  TrainOptions other = SmallOptions();
  other.seed = 99;
  auto c = TrainModel(SeparableSet(), other);
  ASSERT_TRUE(c.has_value());
  EXPECT_NE(a->Serialize(), c->Serialize());
}

TEST(ModelTrainerTest, ReportsEveryEpochWithFallingLoss) {
  std::vector<EpochReport> reports;
  auto model = TrainModel(SeparableSet(), SmallOptions(),
                          [&](const EpochReport& r) { reports.push_back(r); });
  ASSERT_TRUE(model.has_value());
  ASSERT_EQ(reports.size(), 20u);
  EXPECT_EQ(reports.front().epoch, 1);
  EXPECT_EQ(reports.back().epoch, 20);
  EXPECT_LT(reports.back().mean_loss, reports.front().mean_loss / 2);
}

TEST(ModelTrainerTest, LabelsFollowFirstAppearanceWhenNotGiven) {
  TrainOptions options = SmallOptions();
  options.labels.clear();
  auto model = TrainModel(SeparableSet(), options);
  ASSERT_TRUE(model.has_value());
  std::vector<std::string> names;
  for (const ModelLabel& l : model->labels()) names.push_back(l.name);
  EXPECT_EQ(names, (std::vector<std::string>{"space", "ai", "business"}));
}

TEST(ModelTrainerTest, SoftmaxPicksExactlyOneLabel) {
  std::vector<LabelledText> data;
  for (const LabelledText& t : SeparableSet()) {
    if (t.topics.size() == 1) data.push_back(t);
  }
  TrainOptions options = SmallOptions();
  options.loss = LossKind::kSoftmax;
  auto model = TrainModel(data, options);
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  EXPECT_EQ(Predict(*model, "rocket launch to orbit"), std::vector<std::string>{"space"});
  EXPECT_EQ(Predict(*model, "stocks and shares"), std::vector<std::string>{"business"});
}

float Probability(const LinearModel& model, std::string_view title, std::string_view label) {
  return Probabilities(model, title)[static_cast<size_t>(model.LabelIndex(std::string(label)))];
}

// One story told 60 times ("widget" in orbit) against 12 separate business reports of widgets.
std::vector<LabelledText> OneLoudStory() {
  std::vector<LabelledText> data;
  for (int i = 0; i < 60; ++i) {
    data.push_back(Labelled(NumberedId("s", i), "widget reaches orbit", {"space"}, "story"));
  }
  for (int i = 0; i < 12; ++i) {
    data.push_back(Labelled(NumberedId("b", i), "widget sales figures", {"business"}));
  }
  return data;
}

// The model of OneLoudStory() trained with `group_cap`; a training error fails the test as an
// exception.
LinearModel TrainOnTheLoudStory(int group_cap) {
  TrainOptions options = SmallOptions();
  options.labels = {"space", "business"};
  options.group_cap = group_cap;
  return TrainModel(OneLoudStory(), options).value();
}

TEST(ModelTrainerTest, AGroupCapMakesALoudStoryTeachNoMoreThanCapTexts) {
  const LinearModel uncapped = TrainOnTheLoudStory(0);
  const LinearModel capped = TrainOnTheLoudStory(3);
  // "widget" is in every text; how much it means space depends on how loud the story is.
  EXPECT_GT(Probability(uncapped, "widget", "space"), Probability(capped, "widget", "space"));
  EXPECT_LT(Probability(uncapped, "widget", "business"), Probability(capped, "widget", "business"));
  // The story's own words are still learned.
  EXPECT_GT(Probability(capped, "widget reaches orbit", "space"), 0.5f);
}

TEST(ModelTrainerTest, AGroupCapAtLeastTheLargestGroupChangesNothing) {
  EXPECT_EQ(TrainOnTheLoudStory(0).Serialize(), TrainOnTheLoudStory(60).Serialize());
}

TEST(ModelTrainerTest, RejectsBadInput) {
  EXPECT_FALSE(TrainModel({}, SmallOptions()).has_value());
  std::vector<LabelledText> unknown = {Labelled("x", "title", {"sports"})};
  EXPECT_TRUE(TrainModel(unknown, SmallOptions()).error().IsInvalidArgument());
  TrainOptions softmax = SmallOptions();
  softmax.loss = LossKind::kSoftmax;
  EXPECT_FALSE(TrainModel(SeparableSet(), softmax).has_value());  // multi-label and "other" rows
  TrainOptions bad = SmallOptions();
  bad.epochs = 0;
  EXPECT_FALSE(TrainModel(SeparableSet(), bad).has_value());
  TrainOptions negative_cap = SmallOptions();
  negative_cap.group_cap = -1;
  EXPECT_TRUE(TrainModel(SeparableSet(), negative_cap).error().IsInvalidArgument());
}

TEST(ModelTrainerTest, AnExampleItCannotUseIsNamedWhereItWasRead) {
  std::vector<LabelledText> data = {Labelled("a", "rocket launch", {"space"}),
                                    Labelled("b", "chess final", {"sports"})};
  data[1].origin = "train.jsonl:2";
  TrainOptions fixed = SmallOptions();
  fixed.labels = {"space"};
  EXPECT_EQ(TrainModel(data, fixed).error().message(),
            "train.jsonl:2: example b: unknown label \"sports\"");
  data[1].topics.clear();
  TrainOptions softmax = SmallOptions();
  softmax.loss = LossKind::kSoftmax;
  EXPECT_EQ(TrainModel(data, softmax).error().message(),
            "train.jsonl:2: example b: softmax training needs exactly one label");
  data[1].origin.clear();
  EXPECT_EQ(TrainModel(data, softmax).error().message(),
            "example b: softmax training needs exactly one label");
}

}  // namespace
}  // namespace headwire::core
