#pragma once
// A tiny labelled set shared by the model tests: each topic has its own words, so a linear
// model must separate it perfectly; "other" rows share none of them.

#include <vector>

#include "core/model_trainer.h"

namespace headwire::core::testing {

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
