// classify_bench: headlines per second of topic classification on one core, for the shipped
// model alone, the rules alone (the baseline) and the two combined (what the processor runs),
// plus feature extraction and model loading. Headlines: the titles of
// data/sample/headlines.jsonl, or of the JSON Lines file named by HEADWIRE_BENCH_HEADLINES.
//
//   build/release/classify_bench --benchmark_min_time=2

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/linear_model.h"
#include "core/rules_classifier.h"
#include "core/taxonomy.h"
#include "core/topic_classifier.h"

namespace {

using namespace headwire::core;

const std::string kSource = HEADWIRE_SOURCE_DIR;

const std::vector<std::string>& Headlines() {
  static const std::vector<std::string> headlines = [] {
    const char* env = std::getenv("HEADWIRE_BENCH_HEADLINES");
    const std::string path = env ? env : kSource + "/data/sample/headlines.jsonl";
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
      const auto record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_object() && record.contains("title") && record["title"].is_string()) {
        out.push_back(record["title"].get<std::string>());
      }
    }
    if (out.empty()) {
      std::cerr << "classify_bench: no headlines in " << path << "\n";
      std::exit(1);
    }
    return out;
  }();
  return headlines;
}

std::string ModelBytes() {
  std::ifstream in(kSource + "/models/topics-v1.hwm", std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

LinearModel LoadModel() {
  auto model = LinearModel::Deserialize(ModelBytes(), "models/topics-v1.hwm");
  if (!model) {
    std::cerr << "classify_bench: " << model.error().ToString() << "\n";
    std::exit(1);
  }
  return std::move(*model);
}

RulesClassifier LoadRules() {
  auto taxonomy = Taxonomy::FromFile(kSource + "/data/taxonomy.toml");
  if (!taxonomy) {
    std::cerr << "classify_bench: " << taxonomy.error().ToString() << "\n";
    std::exit(1);
  }
  return RulesClassifier(std::move(*taxonomy));
}

template <class Classifier>
void RunClassify(benchmark::State& state, const Classifier& classifier) {
  const auto& headlines = Headlines();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(classifier.Classify(headlines[i], ""));
    if (++i == headlines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RulesOnly(benchmark::State& state) {
  static const RulesClassifier rules = LoadRules();
  RunClassify(state, rules);
}

void BM_ModelOnly(benchmark::State& state) {
  static const TopicClassifier classifier(LoadModel(), std::nullopt);
  RunClassify(state, classifier);
}

void BM_ModelAndRules(benchmark::State& state) {
  static const TopicClassifier classifier(LoadModel(), LoadRules());
  RunClassify(state, classifier);
}

void BM_FeatureExtraction(benchmark::State& state) {
  static const LinearModel model = LoadModel();
  const FeatureExtractor extractor(model.feature_options());
  FeatureBuffer buffer;
  const auto& headlines = Headlines();
  size_t i = 0;
  for (auto _ : state) {
    extractor.Extract(headlines[i], "", buffer);
    benchmark::DoNotOptimize(buffer.ids.data());
    if (++i == headlines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_LoadModel(benchmark::State& state) {
  const std::string bytes = ModelBytes();
  for (auto _ : state) {
    auto model = LinearModel::Deserialize(bytes, "bench");
    benchmark::DoNotOptimize(model);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}

BENCHMARK(BM_RulesOnly);
BENCHMARK(BM_ModelOnly);
BENCHMARK(BM_ModelAndRules);
BENCHMARK(BM_FeatureExtraction);
BENCHMARK(BM_LoadModel)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
