// Throughput of the dedup + story core (feature extraction, near-duplicate candidates and
// verification, story scoring, state update) with a window of 1 million articles, and the
// memory that window takes. Not a test: run build/release/dedup_bench.
//
// The stream is synthetic: headlines of 7-12 content words drawn from a Zipf-distributed
// vocabulary of 50,000 words whose 300 most frequent ranks are left out (they stand for the stop
// words the pipeline removes), a number in a third of them, event times advancing 0.15 s per
// article so that 1 million articles span 42 hours (inside the default 72-hour retention). The
// story IDF counts data/background/headlines.txt, as the binary's default does.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/background_frequencies.h"
#include "core/exact_dedup.h"
#include "core/pipeline.h"

namespace {

using namespace headwire::core;

constexpr size_t kVocabulary = 50'000;
constexpr size_t kStopWordRanks = 300;
constexpr int64_t kStepMs = 150;

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {
    std::vector<double> weights(kVocabulary - kStopWordRanks);
    for (size_t i = 0; i < weights.size(); ++i) {
      weights[i] = 1.0 / std::pow(double(kStopWordRanks + i + 1), 1.05);
    }
    zipf_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  }
  Article Next(int64_t time_ms, uint64_t n) {
    Article a;
    // Appended piece by piece: GCC 12's -Wrestrict misreads "literal" + std::string in Release.
    a.id = 'b';
    a.id += std::to_string(n);
    const size_t words = 7 + rng_() % 6;
    for (size_t i = 0; i < words; ++i) {
      if (i > 0) a.title += ' ';
      const size_t w = kStopWordRanks + zipf_(rng_);
      a.title += (i == 0 || w % 5 == 0) ? 'W' : 'w';
      a.title += std::to_string(w);
    }
    if (rng_() % 3 == 0) {
      a.title += ' ';
      a.title += std::to_string(rng_() % 1000);
    }
    a.published_at_ms = time_ms;
    return a;
  }

 private:
  std::mt19937_64 rng_;
  std::discrete_distribution<size_t> zipf_;
};

std::shared_ptr<const BackgroundFrequencies> Background() {
  const std::filesystem::path source_dir = HEADWIRE_SOURCE_DIR;
  auto background =
      BackgroundFrequencies::FromFile(source_dir / "data" / "background" / "headlines.txt");
  if (!background || background->documents() == 0) {
    std::fprintf(stderr, "dedup_bench: no headlines in data/background/headlines.txt\n");
    std::exit(1);
  }
  // Copied, not moved: GCC 12 warns falsely (-Wfree-nonheap-object) on moving its hash map here.
  return std::make_shared<const BackgroundFrequencies>(*background);
}

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

void BM_DedupAndStories(benchmark::State& state) {
  const size_t window = static_cast<size_t>(state.range(0));
  Generator generator(42);
  InMemoryDedupIndex exact_index;
  PipelineOptions options;
  options.recent.background = Background();
  RecentArticles recent(options.recent);
  ExactDedupOptions exact_options;
  ExactDeduplicator exact(exact_options, exact_index);

  const size_t rss_before = ResidentBytes();
  int64_t time_ms = 1'700'000'000'000;
  uint64_t n = 0;
  for (; n < window; ++n, time_ms += kStepMs) {
    Article a = generator.Next(time_ms, n);
    recent.Decide(a.id, a.published_at_ms, ExtractHeadlineFeatures(a.title, a.body));
  }
  const size_t rss_after = ResidentBytes();

  std::vector<Article> probes;
  for (int i = 0; i < 100'000; ++i) probes.push_back(generator.Next(0, n + i));
  size_t next = 0;
  for (auto _ : state) {
    Article& a = probes[next++ % probes.size()];
    a.published_at_ms = time_ms;
    time_ms += kStepMs;
    Fingerprints fingerprints{0, ContentHash(a.title, a.body)};
    DedupVerdict verdict = exact.Check(a, fingerprints, recent.watermark());
    if (verdict.kind == DuplicateKind::kUnique) {
      benchmark::DoNotOptimize(
          recent.Decide(a.id, a.published_at_ms, ExtractHeadlineFeatures(a.title, a.body)));
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["window_articles"] = double(recent.size());
  state.counters["stories"] = double(recent.story_count());
  // Google Benchmark calls this function several times; later calls reuse memory the earlier
  // ones freed, so only the first call's growth measures the window.
  static std::map<size_t, double> first_growth;
  first_growth.try_emplace(window, double(rss_after) - double(rss_before));
  state.counters["window_bytes_per_article"] = first_growth[window] / double(window);
  state.counters["counted_bytes_per_article"] =
      double(recent.memory_bytes()) / double(recent.size());
}
BENCHMARK(BM_DedupAndStories)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMicrosecond);

// Resident memory of a window under --window-budget-mib while a stream of N articles passes
// through it: with a budget, N should not matter. Run one size per process
// (--benchmark_filter=BM_WindowUnderBudget/100000), or freed memory of one run is reused by
// the next and hides its growth.
void BM_WindowUnderBudget(benchmark::State& state) {
  const size_t articles = static_cast<size_t>(state.range(0));
  const size_t budget_mib = static_cast<size_t>(state.range(1));
  for (auto _ : state) {
    Generator generator(42);
    RecentArticlesOptions options;
    options.max_window_bytes = budget_mib << 20;
    const size_t rss_before = ResidentBytes();
    RecentArticles recent(options);
    int64_t time_ms = 1'700'000'000'000;
    for (size_t n = 0; n < articles; ++n, time_ms += kStepMs) {
      Article a = generator.Next(time_ms, n);
      recent.Decide(a.id, a.published_at_ms, ExtractHeadlineFeatures(a.title, a.body));
      if (n % 1000 == 999) recent.TakeChanges();  // as the processor does after every batch
    }
    state.counters["rss_growth_mib"] = double(ResidentBytes() - rss_before) / double(1 << 20);
    state.counters["counted_mib"] = double(recent.memory_bytes()) / double(1 << 20);
    state.counters["window_articles"] = double(recent.size());
  }
}
BENCHMARK(BM_WindowUnderBudget)
    ->Args({100'000, 64})
    ->Args({1'000'000, 64})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_FeatureExtraction(benchmark::State& state) {
  Generator generator(7);
  std::vector<Article> articles;
  for (int i = 0; i < 10'000; ++i) articles.push_back(generator.Next(0, i));
  size_t next = 0;
  for (auto _ : state) {
    const Article& a = articles[next++ % articles.size()];
    benchmark::DoNotOptimize(ExtractHeadlineFeatures(a.title, a.body));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FeatureExtraction);

}  // namespace

BENCHMARK_MAIN();
