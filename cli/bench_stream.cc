#include "cli/bench_stream.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/time_format.h"

namespace headwire::cli {
namespace {

using BenchJson = nlohmann::ordered_json;

// The record's event time in epoch milliseconds, when it has one the producer would read.
std::optional<int64_t> EventTimeOf(const BenchJson& record) {
  const auto it = record.find("published_at");
  if (it == record.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    auto parsed = common::ParseRfc3339(it->get_ref<const std::string&>());
    if (parsed) return *parsed;
  }
  return std::nullopt;
}

// `url` with "/r<copy>" at the end of its path, before a query or a fragment.
std::string UrlOfCopy(const std::string& url, uint64_t copy) {
  const size_t scheme = url.find("://");
  const size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t end = std::min(url.find('?', host), url.find('#', host));
  const size_t path_end = end == std::string::npos ? url.size() : end;
  const bool has_slash = path_end > host && url[path_end - 1] == '/';
  const std::string tag = (has_slash ? "r" : "/r") + std::to_string(copy);
  return url.substr(0, path_end) + tag + url.substr(path_end);
}

}  // namespace

Result<std::vector<std::string>> BuildBenchStream(const std::vector<std::string>& lines,
                                                  const BenchStreamOptions& options) {
  if (lines.empty()) return Err(Status::InvalidArgument("the input holds no records"));
  std::vector<std::optional<BenchJson>> records;
  records.reserve(lines.size());
  int64_t earliest = std::numeric_limits<int64_t>::max();
  int64_t latest = std::numeric_limits<int64_t>::min();
  for (const std::string& line : lines) {
    BenchJson parsed = BenchJson::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      records.emplace_back();
      continue;
    }
    if (const auto t = EventTimeOf(parsed)) {
      earliest = std::min(earliest, *t);
      latest = std::max(latest, *t);
    }
    records.emplace_back(std::move(parsed));
  }
  const int64_t span = latest >= earliest ? latest - earliest : 0;
  const int64_t period = span + options.gap_ms;
  const uint64_t copies = (options.records + lines.size() - 1) / lines.size();

  std::vector<std::string> stream;
  stream.reserve(options.records);
  for (uint64_t copy = 0; stream.size() < options.records; ++copy) {
    const int64_t shift = -static_cast<int64_t>(copies - 1 - copy) * period;
    for (size_t i = 0; i < lines.size() && stream.size() < options.records; ++i) {
      if (!records[i]) {
        stream.push_back(lines[i]);
        continue;
      }
      BenchJson record = *records[i];
      const auto id = record.find("id");
      if (id != record.end() && !id->is_null()) {
        const std::string base = id->is_string() ? id->get<std::string>() : id->dump();
        *id = base + "-r" + std::to_string(copy);
      }
      const auto url = record.find("url");
      if (url != record.end() && url->is_string()) *url = UrlOfCopy(url->get<std::string>(), copy);
      if (const auto t = EventTimeOf(record)) record["published_at"] = *t + shift;
      stream.push_back(record.dump(-1, ' ', false, BenchJson::error_handler_t::replace));
    }
  }
  return stream;
}

}  // namespace headwire::cli
