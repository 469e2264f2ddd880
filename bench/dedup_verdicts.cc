// dedup_verdicts: hashes every decision of dedup_bench's loop on its synthetic stream, so that a
// change made for speed can be shown to change no verdict (docs/dedup.md). Not a benchmark and
// not a test: run it from two builds and compare the lines it prints.
//
// The stream and the loop are BM_DedupAndStories': `--window` articles decided one by one, then
// `--headlines` more through the exact check and, when unique, the window; each fill article's
// and headline's verdict (exact kind, near-duplicate kind, original, story id, score by its bits)
// goes into one FNV-1a hash. The records TakeChanges() returns every 1,000 articles go into a
// second, and the window's memory_bytes(), size and story count are printed at the end.
// `--budget-mib` sets max_window_bytes (docs/dedup.md, "A memory budget for the window"), so
// that the eviction order under a budget is compared too.
//
// Under `valgrind --tool=callgrind --instr-atstart=no` it switches instrumentation on for the
// headlines only, so that callgrind counts the instructions of the measured loop (docs/dedup.md)
// without instrumenting the window's fill.

#include <CLI/CLI.hpp>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

#include "bench/synthetic_headlines.h"
#include "core/exact_dedup.h"
#include "core/pipeline.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HEADWIRE_CALLGRIND_START() CALLGRIND_START_INSTRUMENTATION
#define HEADWIRE_CALLGRIND_STOP() CALLGRIND_STOP_INSTRUMENTATION
#else
#define HEADWIRE_CALLGRIND_START()
#define HEADWIRE_CALLGRIND_STOP()
#endif

namespace {

using namespace headwire::core;

class Fnv1a {
 public:
  void Bytes(std::string_view s) {
    Number(s.size());
    for (char c : s) Byte(static_cast<uint8_t>(c));
  }
  void Number(uint64_t v) {
    for (int i = 0; i < 8; ++i) Byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  uint64_t value() const { return h_; }

 private:
  void Byte(uint8_t b) {
    h_ ^= b;
    h_ *= 0x100000001b3ULL;
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

void HashVerdict(const RecentVerdict& v, Fnv1a& hash) {
  hash.Number(static_cast<uint64_t>(v.near_duplicate));
  hash.Bytes(v.duplicate_of);
  hash.Bytes(v.story_id);
  hash.Number(std::bit_cast<uint64_t>(v.story_score));
}

void HashChanges(const std::vector<StateChange>& changes, Fnv1a& hash) {
  for (const StateChange& change : changes) {
    hash.Bytes(change.key);
    hash.Number(change.value.has_value() ? 1 : 0);
    if (change.value) hash.Bytes(*change.value);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Hashes the verdicts of dedup_bench's loop on its synthetic stream"};
  size_t window = 100'000;
  size_t headlines = 20'000;
  size_t budget_mib = 0;
  app.add_option("--window", window, "articles decided before the measured loop (default 100000)");
  app.add_option("--headlines", headlines,
                 "headlines of the measured loop, at most 100000 (default 20000)")
      ->check(CLI::Range(size_t{0}, size_t{100'000}));
  app.add_option("--budget-mib", budget_mib, "max_window_bytes in MiB; 0: none (default 0)");
  CLI11_PARSE(app, argc, argv);

  headwire::bench::Generator generator(42);
  InMemoryDedupIndex exact_index;
  PipelineOptions options;
  options.recent.background = headwire::bench::Background();
  options.recent.max_window_bytes = budget_mib << 20;
  RecentArticles recent(options.recent);
  ExactDedupOptions exact_options;
  ExactDeduplicator exact(exact_options, exact_index);

  Fnv1a verdicts;
  Fnv1a changes;
  int64_t time_ms = 1'700'000'000'000;
  uint64_t n = 0;
  for (; n < window; ++n, time_ms += headwire::bench::kStepMs) {
    Article a = generator.Next(time_ms, n);
    HashVerdict(recent.Decide(a.id, a.published_at_ms, ExtractHeadlineFeatures(a.title, a.body)),
                verdicts);
    if (n % 1000 == 999) HashChanges(recent.TakeChanges(), changes);
  }
  // Drawn before the loop, as the benchmark draws them.
  std::vector<Article> probes;
  for (uint64_t i = 0; i < 100'000; ++i) probes.push_back(generator.Next(0, n + i));
  HEADWIRE_CALLGRIND_START();
  for (size_t i = 0; i < headlines; ++i) {
    Article& a = probes[i];
    a.published_at_ms = time_ms;
    time_ms += headwire::bench::kStepMs;
    const Fingerprints fingerprints{0, ContentHash(a.title, a.body)};
    const DedupVerdict verdict = exact.Check(a, fingerprints, recent.watermark());
    verdicts.Number(static_cast<uint64_t>(verdict.kind));
    if (verdict.kind == DuplicateKind::kUnique) {
      HashVerdict(recent.Decide(a.id, a.published_at_ms, ExtractHeadlineFeatures(a.title, a.body)),
                  verdicts);
    }
    if (i % 1000 == 999) HashChanges(recent.TakeChanges(), changes);
  }
  HEADWIRE_CALLGRIND_STOP();
  HashChanges(recent.TakeChanges(), changes);
  std::printf("verdicts %016llx changes %016llx memory_bytes %zu articles %zu stories %zu\n",
              static_cast<unsigned long long>(verdicts.value()),
              static_cast<unsigned long long>(changes.value()), recent.memory_bytes(),
              recent.size(), recent.story_count());
  return 0;
}
