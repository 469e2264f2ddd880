// sink_state_bench: memory and state size of the sink's RocksDB state under a long stream.
//
// Applies N synthetic processed articles (default 1,000,000) to a fresh ArticleStore in event
// time order, as the sink daemon does (batches of 1000, one Commit each), and prints every
// 100,000 articles: the process RSS and its peak, the state's live size (SST + memtables) and its
// directory size on disk. The RSS before the store is opened is printed as the baseline, so the
// store's share is visible. Usage:
//   sink_state_bench [--articles N] [--memory-budget-mib M] [--retention-days D] [--dir DIR]

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "bench/mix.h"
#include "sinks/article_store.h"

namespace {

using headwire::sinks::ArticleStore;

constexpr int64_t kStart = 1772409600000;  // 2026-03-02T00:00:00Z
constexpr int64_t kDayMs = 86'400'000;

uint64_t StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field)) return std::stoull(line.substr(std::strlen(field)));
  }
  return 0;
}

uint64_t DirectoryBytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

headwire::v1::ProcessedArticle Synthetic(uint64_t i, int64_t spacing_ms) {
  static const char* kWords[] = {"rocket", "launch", "orbit",   "chip",   "model",  "tariff",
                                 "summit", "border", "markets", "profit", "merger", "satellite",
                                 "robot",  "treaty", "rates",   "probe",  "crater", "earnings"};
  static const char* kTopics[] = {"space", "ai", "geopolitics", "business"};
  headwire::v1::ProcessedArticle a;
  auto* raw = a.mutable_article();
  const uint64_t r = headwire::bench::Mix(i);
  raw->set_id("bench-" + std::to_string(i));
  std::string title;
  for (int w = 0; w < 6; ++w) {
    if (w > 0) title += ' ';
    title += kWords[(r >> (w * 5)) % std::size(kWords)];
  }
  title += " number " + std::to_string(i % 997);
  raw->set_title(title);
  raw->set_body(std::string(200, 'x'));
  raw->set_url("https://news" + std::to_string(r % 50) + ".example/" + std::to_string(i));
  raw->set_source("Outlet " + std::to_string(r % 50));
  raw->set_published_at_ms(kStart + static_cast<int64_t>(i) * spacing_ms);
  a.add_topics(kTopics[(r >> 40) % 4]);
  // Stories of about three articles; one in ten records is a duplicate.
  a.set_story_id("story-" + std::to_string(i / 3));
  if (i % 10 == 9) a.set_duplicate_of("bench-" + std::to_string(i - 1));
  a.mutable_processing()->mutable_source()->set_offset(static_cast<int64_t>(i));
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t articles = 1'000'000;
  size_t budget_mib = 64;
  int64_t retention_days = 3;
  std::string dir =
      (std::filesystem::temp_directory_path() / ("headwire-bench-" + std::to_string(::getpid())))
          .string();
  CLI::App app{"Memory and disk of the sink's state over a long synthetic stream"};
  app.add_option("--articles", articles, "Articles to apply")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--memory-budget-mib", budget_mib, "The store's memory budget")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  app.add_option("--retention-days", retention_days, "The store's retention")
      ->check(CLI::Range(int64_t{1}, int64_t{36500}))
      ->capture_default_str();
  app.add_option("--dir", dir, "State directory, removed first (default: under the temp dir)");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::remove_all(dir);
  // A month of event time, whatever N is.
  const int64_t spacing_ms = std::max<int64_t>(1, 30 * kDayMs / static_cast<int64_t>(articles));
  std::printf("articles=%llu memory_budget=%zu MiB retention=%lld days spacing=%lld ms\n",
              static_cast<unsigned long long>(articles), budget_mib,
              static_cast<long long>(retention_days), static_cast<long long>(spacing_ms));
  std::printf("baseline rss before opening the store: %llu KiB\n",
              static_cast<unsigned long long>(StatusKb("VmRSS:")));
  headwire::sinks::StoreOptions options;
  options.memory_budget_bytes = budget_mib << 20;
  options.retention_ms = retention_days * kDayMs;
  auto store = ArticleStore::Open(dir, false, options);
  if (!store) {
    std::cerr << store.error().ToString() << "\n";
    return 1;
  }
  std::printf("%10s %12s %12s %14s %14s\n", "articles", "rss_kib", "peak_kib", "live_state_kib",
              "disk_kib");
  ArticleStore::Batch batch;
  for (uint64_t i = 0; i < articles; ++i) {
    auto outcome = (*store)->Stage(batch, Synthetic(i, spacing_ms), "bench/0");
    if (!outcome) {
      std::cerr << outcome.error().ToString() << "\n";
      return 1;
    }
    if ((i + 1) % 1000 == 0 || i + 1 == articles) {
      const auto s = (*store)->Commit(batch, {{{"bench", 0}, static_cast<int64_t>(i + 1)}});
      if (!s.ok()) {
        std::cerr << s.ToString() << "\n";
        return 1;
      }
    }
    if ((i + 1) % 100'000 == 0 || i + 1 == articles) {
      std::printf("%10llu %12llu %12llu %14llu %14llu\n", static_cast<unsigned long long>(i + 1),
                  static_cast<unsigned long long>(StatusKb("VmRSS:")),
                  static_cast<unsigned long long>(StatusKb("VmHWM:")),
                  static_cast<unsigned long long>((*store)->state().ApproximateSizeBytes() >> 10),
                  static_cast<unsigned long long>(DirectoryBytes(dir) >> 10));
      std::fflush(stdout);
    }
  }
  // What a full compaction leaves: the state the retention allows, for comparison.
  if (const auto s = (*store)->state().CompactAll(); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  std::printf("after a full compaction: live_state_kib=%llu disk_kib=%llu\n",
              static_cast<unsigned long long>((*store)->state().ApproximateSizeBytes() >> 10),
              static_cast<unsigned long long>(DirectoryBytes(dir) >> 10));
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
