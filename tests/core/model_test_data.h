#pragma once
// A tiny labelled set shared by the model tests: each topic has its own words, so a linear
// model must separate it perfectly; "other" rows share none of them. And what a model gives a
// title, label by label.

#include <string_view>
#include <vector>

#include "core/hashed_features.h"
#include "core/linear_model.h"
#include "core/model_trainer.h"

namespace headwire::core::testing {

// What `model` gives each of its labels for a title without a body.
inline std::vector<float> Probabilities(const LinearModel& model, std::string_view title) {
  const FeatureExtractor extractor(model.feature_options());
  FeatureBuffer buffer;
  extractor.Extract(title, "", buffer);
  std::vector<float> p(model.labels().size());
  model.Predict(buffer.ids, p);
  return p;
}

inline LabelledText Labelled(std::string id, std::string title, std::vector<std::string> topics,
                             std::string group = "") {
  LabelledText text;
  text.id = std::move(id);
  text.title = std::move(title);
  text.topics = std::move(topics);
  text.group = std::move(group);
  return text;
}

inline std::vector<LabelledText> SeparableSet() {
  std::vector<LabelledText> out;
  const auto add = [&](std::string title, std::vector<std::string> topics) {
    out.push_back(Labelled("t" + std::to_string(out.size()), std::move(title), std::move(topics)));
  };
  for (int i = 0; i < 6; ++i) {
    const std::string n = std::to_string(i);
    add("rocket launch to orbit number " + n, {"space"});
    add("astronauts board the station crew " + n, {"space"});
    add("chatbot model trained by neural lab " + n, {"ai"});
    add("machine learning chatbot release " + n, {"ai"});
    add("shares rise after earnings beat " + n, {"business"});
    add("stocks fall as earnings disappoint " + n, {"business"});
    add("rocket company shares soar " + n, {"space", "business"});
    add("football club wins the cup final " + n, {});
    add("recipe for a summer garden salad " + n, {});
  }
  return out;
}

inline TrainOptions SmallOptions() {
  TrainOptions options;
  options.model_name = "test-model";
  options.features.bucket_bits = 16;
  options.labels = {"space", "ai", "business"};
  options.epochs = 20;
  return options;
}

}  // namespace headwire::core::testing
