// query_bench: what each query of the sink's query API (sinks/query_api.h) costs over a state of
// many days, the size at which a query's cost shows whether it follows the page it returns or
// the whole state.
//
// Applies N synthetic processed articles (default 60,000) spread over D days (default 7) to a
// fresh ArticleStore as the sink daemon does: 8 topics (none, one or two per article), 40
// sources, stories of a few articles and a few large ones, one in ten records a duplicate, one in
// fifty with an estimated event time and one reject per 500 records. Then runs each query of a
// fixed list --repeat times and prints the median and fastest milliseconds of RunQuery alone
// (the response is not serialised), its item count and a fingerprint of the response: equal
// fingerprints of two builds mean equal answers, so figures of two versions compare like with
// like. With --walk, each query instead follows next_cursor to its last page and the fingerprint
// covers every page (use a small --articles: a page costs what one query does).
//
// Usage: query_bench [--articles N] [--days D] [--repeat R] [--walk] [--only TEXT] [--dir DIR]

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bench/mix.h"
#include "sinks/article_store.h"
#include "sinks/query_api.h"

namespace {

using headwire::sinks::ArticleStore;
using headwire::sinks::QueryKind;
using headwire::sinks::QueryRequest;

constexpr int64_t kStart = 1772409600000;  // 2026-03-02T00:00:00Z
constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr const char* kTopics[] = {"space",  "ai",     "geopolitics", "business",
                                   "health", "sports", "climate",     "science"};

headwire::v1::ProcessedArticle Synthetic(uint64_t i, int64_t spacing_ms) {
  headwire::v1::ProcessedArticle a;
  auto* raw = a.mutable_article();
  const uint64_t r = headwire::bench::Mix(i);
  const int64_t t = kStart + static_cast<int64_t>(i) * spacing_ms;
  raw->set_id("bench-" + std::to_string(i));
  raw->set_title("Headline " + std::to_string(r % 100'000) + " of story " + std::to_string(i / 3));
  raw->set_url("https://news" + std::to_string(r % 40) + ".example/" + std::to_string(i));
  raw->set_source("Outlet " + std::to_string(r % 40));
  raw->set_published_at_ms(t);
  raw->set_event_time_estimated(r % 50 == 7);
  // A tenth of the articles have no topic ("other"), a quarter have two.
  if ((r >> 8) % 10 != 0) a.add_topics(kTopics[(r >> 16) % 8]);
  if ((r >> 24) % 4 == 0) a.add_topics(kTopics[((r >> 16) % 8 + 1 + (r >> 32) % 7) % 8]);
  for (const char* topic : kTopics) a.add_scores()->set_topic(topic);
  // Stories of about three articles, and one large story per three hours that a fifth join.
  a.set_story_id((r >> 40) % 5 == 0 ? "hot-" + std::to_string((t - kStart) / (3 * kHourMs))
                                    : "story-" + std::to_string(i / 3));
  if (i % 10 == 9) a.set_duplicate_of("bench-" + std::to_string(i - 1));
  a.mutable_processing()->mutable_source()->set_offset(static_cast<int64_t>(i));
  return a;
}

headwire::Status Fill(ArticleStore& store, uint64_t articles, int64_t days) {
  const int64_t spacing_ms = std::max<int64_t>(1, days * kDayMs / static_cast<int64_t>(articles));
  ArticleStore::Batch batch;
  for (uint64_t i = 0; i < articles; ++i) {
    auto outcome = store.Stage(batch, Synthetic(i, spacing_ms), "bench/0");
    if (!outcome) return outcome.error();
    if (i % 500 == 250) store.StageReject(batch, {"bench", 0}, static_cast<int64_t>(i), "bad");
    if ((i + 1) % 1000 == 0 || i + 1 == articles) {
      const auto s = store.Commit(batch, {{{"bench", 0}, static_cast<int64_t>(i + 1)}});
      if (!s.ok()) return s;
    }
  }
  return headwire::Status::Ok();
}

struct Query {
  std::string name;
  QueryRequest request;
  // Start from the page after the first `skip` items (a cursor the API returned), 0 for none.
  size_t skip = 0;
};

std::vector<Query> Queries(int64_t days) {
  using headwire::core::StoryStatus;
  using headwire::core::WindowSize;
  const int64_t mid = kStart + days / 2 * kDayMs;
  return {
      {"counts hour hop minute", {.kind = QueryKind::kCounts, .hop = WindowSize::kMinute}},
      {"counts hour hop minute, later page",
       {.kind = QueryKind::kCounts, .hop = WindowSize::kMinute},
       5000},
      {"counts hour hop minute topic",
       {.kind = QueryKind::kCounts, .topic = "space", .hop = WindowSize::kMinute}},
      {"counts hour hop minute from/to",
       {.kind = QueryKind::kCounts,
        .hop = WindowSize::kMinute,
        .from_ms = mid + 90'000,
        .to_ms = mid + 5 * kHourMs + 30'000}},
      {"counts day hop hour",
       {.kind = QueryKind::kCounts, .window = WindowSize::kDay, .hop = WindowSize::kHour}},
      {"counts hour", {.kind = QueryKind::kCounts}},
      {"counts minute source",
       {.kind = QueryKind::kCounts, .source = "Outlet 3", .window = WindowSize::kMinute}},
      {"stories", {.kind = QueryKind::kStories}},
      {"stories, later page", {.kind = QueryKind::kStories}, 1000},
      {"stories growing", {.kind = QueryKind::kStories, .status = StoryStatus::kGrowing}},
      {"stories closed topic",
       {.kind = QueryKind::kStories, .topic = "ai", .status = StoryStatus::kClosed}},
      {"stories source from/to",
       {.kind = QueryKind::kStories, .source = "Outlet 5", .from_ms = mid, .to_ms = mid + kDayMs}},
      {"latest", {.kind = QueryKind::kLatest}},
      {"latest, later page", {.kind = QueryKind::kLatest}, 1000},
      {"latest topic source", {.kind = QueryKind::kLatest, .topic = "ai", .source = "Outlet 7"}},
      {"sources day", {.kind = QueryKind::kSources, .window = WindowSize::kDay}},
      {"trending hour", {.kind = QueryKind::kTrending}},
  };
}

// FNV-1a, 64 bits.
uint64_t Fingerprint(const std::string& text, uint64_t h = 0xcbf29ce484222325ULL) {
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The cursor after the first `skip` items, as the API hands it out; "" past the last page.
headwire::Result<std::string> CursorAfter(const ArticleStore& store, QueryRequest request,
                                          size_t skip) {
  while (skip > 0) {
    request.limit = std::min(skip, headwire::sinks::kMaxQueryLimit);
    skip -= request.limit;
    auto response = headwire::sinks::RunQuery(store, request);
    if (!response) return headwire::Err(response.error());
    const auto& next = (*response)["next_cursor"];
    if (next.is_null()) return std::string();
    request.cursor = next.get<std::string>();
  }
  return request.cursor;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t articles = 60'000;
  int64_t days = 7;
  int repeat = 5;
  bool walk = false;
  std::string only;
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("headwire-query-bench-" + std::to_string(::getpid())))
                        .string();
  CLI::App app{"Time of each query of the sink's query API over a synthetic state"};
  app.add_option("--articles", articles, "Articles to apply")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32))
      ->capture_default_str();
  app.add_option("--days", days, "Days of event time the articles span")
      ->check(CLI::Range(int64_t{1}, int64_t{365}))
      ->capture_default_str();
  app.add_option("--repeat", repeat, "Runs of each query")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_flag("--walk", walk, "Follow every query to its last page; fingerprints only");
  app.add_option("--only", only, "Run only the queries whose name contains this (for a profiler)");
  app.add_option("--dir", dir, "State directory, removed first (default: under the temp dir)");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::remove_all(dir);
  headwire::sinks::StoreOptions options;
  // Nothing expires: every day of the input stays queryable.
  options.retention_ms = (days + 1) * kDayMs;
  auto store = ArticleStore::Open(dir, false, options);
  if (!store) {
    std::cerr << store.error().ToString() << "\n";
    return 1;
  }
  const auto fill_start = std::chrono::steady_clock::now();
  if (const auto s = Fill(**store, articles, days); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  std::printf("articles=%llu days=%lld repeat=%d filled in %.1f s\n",
              static_cast<unsigned long long>(articles), static_cast<long long>(days), repeat,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count());
  std::printf("%-38s %10s %10s %6s %s\n", "query", "median_ms", "min_ms", "items", "fingerprint");
  int failures = 0;
  for (auto& q : Queries(days)) {
    if (q.name.find(only) == std::string::npos) continue;
    if (q.skip != 0) {
      auto cursor = CursorAfter(**store, q.request, q.skip);
      if (!cursor) {
        std::cerr << q.name << ": " << cursor.error().ToString() << "\n";
        return 1;
      }
      if (cursor->empty()) {
        std::printf("%-38s (fewer than %zu items)\n", q.name.c_str(), q.skip);
        continue;
      }
      q.request.cursor = *cursor;
    }
    std::vector<double> ms;
    uint64_t fingerprint = 0xcbf29ce484222325ULL;
    size_t items = 0;
    for (int run = 0; run < (walk ? 1 : repeat); ++run) {
      QueryRequest request = q.request;
      fingerprint = 0xcbf29ce484222325ULL;
      items = 0;
      do {
        const auto start = std::chrono::steady_clock::now();
        auto response = headwire::sinks::RunQuery(**store, request);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        if (!response) {
          std::cerr << q.name << ": " << response.error().ToString() << "\n";
          ++failures;
          break;
        }
        fingerprint = Fingerprint(response->dump(), fingerprint);
        items += (*response)["items"].size();
        const auto& next = (*response)["next_cursor"];
        request.cursor = walk && !next.is_null() ? next.get<std::string>() : "";
      } while (!request.cursor.empty());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-38s %10.2f %10.2f %6zu %016llx\n", q.name.c_str(), ms[ms.size() / 2], ms[0],
                items, static_cast<unsigned long long>(fingerprint));
    std::fflush(stdout);
  }
  store->reset();
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
