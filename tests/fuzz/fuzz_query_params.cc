// HTTP query parameters and cursors of the query API (/v1/<kind>?name=value&...), as the HTTP
// server hands them over after URL decoding, run against a small state. Input layout: kind \n
// name=value \n name=value ...
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <string>
#include <string_view>

#include "sinks/article_store.h"
#include "sinks/query_api.h"

namespace {

headwire::sinks::ArticleStore& Store() {
  static std::unique_ptr<headwire::sinks::ArticleStore> store = [] {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("headwire-fuzz-query-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto opened =
        headwire::sinks::ArticleStore::Open(dir.string(), false, {.memory_budget_bytes = 8 << 20});
    if (!opened) std::abort();
    headwire::sinks::ArticleStore::Batch batch;
    const char* topics[] = {"space", "ai", ""};
    for (int i = 0; i < 30; ++i) {
      headwire::v1::ProcessedArticle a;
      a.mutable_article()->set_id("a" + std::to_string(i));
      a.mutable_article()->set_title("Headline number " + std::to_string(i % 7) + " about chips");
      a.mutable_article()->set_source("S" + std::to_string(i % 3));
      a.mutable_article()->set_published_at_ms(1772409600000 + i * 20 * 60'000LL);
      if (*topics[i % 3] != '\0') a.add_topics(topics[i % 3]);
      a.set_story_id("a" + std::to_string(i / 2 * 2));
      if (i % 2 == 1) a.set_duplicate_of("a" + std::to_string(i - 1));
      if (!(*opened)->Stage(batch, a, "p0")) std::abort();
    }
    if (!(*opened)->Commit(batch, {{{"in", 0}, 30}}, {"p0"}).ok()) std::abort();
    return std::move(*opened);
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  auto next_line = [&rest]() {
    const size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return std::string(line);
  };
  const std::string kind_name = next_line();
  const auto* kind = std::find_if(
      std::begin(headwire::sinks::kQueryKinds), std::end(headwire::sinks::kQueryKinds),
      [&](headwire::sinks::QueryKind k) { return headwire::sinks::QueryKindName(k) == kind_name; });
  if (kind == std::end(headwire::sinks::kQueryKinds)) return 0;
  std::map<std::string, std::string> params;
  while (!rest.empty()) {
    const std::string pair = next_line();
    const size_t eq = pair.find('=');
    params[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
  }
  auto request = headwire::sinks::ParseQueryRequest(*kind, params);
  // Errors travel as JSON too ({"error": message}).
  if (!request) {
    (void)headwire::common::Json{{"error", request.error().message()}}.dump();
    return 0;
  }
  auto response = headwire::sinks::RunQuery(Store(), *request);
  (void)(response ? *response : headwire::common::Json{{"error", response.error().message()}})
      .dump();
  return 0;
}
