// Throughput of the dedup + story core (feature extraction, near-duplicate candidates and
// verification, story scoring, state update) with a window of 1 million articles, and the
// memory that window takes. Not a test: run build/release/dedup_bench.
//
// The stream is synthetic (bench/synthetic_headlines.h); dedup_verdicts hashes the verdicts this
// benchmark's loop gives on it, to show that a change of speed changed no decision.

#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench/synthetic_headlines.h"
#include "core/exact_dedup.h"
#include "core/pipeline.h"

namespace {

using namespace headwire::core;
using headwire::bench::Background;
using headwire::bench::Generator;
using headwire::bench::kStepMs;

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
