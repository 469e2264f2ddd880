// The classifier is immutable and documented as safe from many threads (its feature buffers and
// the stemmer's cache are per thread): several threads classifying the sample headlines at once
// get exactly the verdicts one thread gets. Run under ThreadSanitizer by scripts/tsan.sh.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/topic_classifier.h"

namespace headwire::core {
namespace {

std::vector<std::pair<std::string, std::string>> SampleHeadlines() {
  std::ifstream in(HEADWIRE_SOURCE_DIR "/data/sample/headlines.jsonl");
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string line; std::getline(in, line);) {
    const auto record = nlohmann::json::parse(line);
    out.emplace_back(record["title"].get<std::string>(), record.value("body", ""));
  }
  return out;
}

// Topics and scores, comparable as a whole.
std::vector<std::string> Flatten(const Classification& c) {
  std::vector<std::string> out = c.topics;
  for (const auto& score : c.scores) out.push_back(score.topic + "=" + std::to_string(score.score));
  return out;
}

TEST(ConcurrentClassifyTest, ThreadsAtOnceGetTheVerdictsOfOneThread) {
  auto model = LinearModel::FromFile(HEADWIRE_SOURCE_DIR "/models/topics-v1.hwm");
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  auto taxonomy = Taxonomy::FromFile(HEADWIRE_SOURCE_DIR "/data/taxonomy.toml");
  ASSERT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
  const TopicClassifier classifier(std::move(*model), RulesClassifier(std::move(*taxonomy)));
  const auto headlines = SampleHeadlines();
  ASSERT_GT(headlines.size(), 100u);

  std::vector<std::vector<std::string>> expected;
  for (const auto& [title, body] : headlines) {
    expected.push_back(Flatten(classifier.Classify(title, body)));
  }
  size_t assigned = 0;
  for (const auto& [title, body] : headlines) {
    assigned += classifier.Classify(title, body).topics.empty() ? 0 : 1;
  }
  EXPECT_GT(assigned, 0u);  // the verdicts compared are not all "other"

  constexpr int kThreads = 4;
  std::vector<std::vector<std::vector<std::string>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread starts at another headline, so that they overlap on different texts.
      for (size_t i = 0; i < headlines.size(); ++i) {
        const auto& [title, body] = headlines[(i + t * 37) % headlines.size()];
        got[t].push_back(Flatten(classifier.Classify(title, body)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(got[t].size(), headlines.size());
    for (size_t i = 0; i < headlines.size(); ++i) {
      EXPECT_EQ(got[t][i], expected[(i + t * 37) % headlines.size()]) << "thread " << t;
    }
  }
}

}  // namespace
}  // namespace headwire::core
