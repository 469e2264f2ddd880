#include "cli/bench_stream.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/time_format.h"
#include "core/validation.h"

namespace headwire::cli {
namespace {

using BenchJson = nlohmann::ordered_json;

// The record's event time in epoch milliseconds, read as the producer reads it
// (common/article_json.cc): an RFC 3339 string, or a number of milliseconds whose fraction is
// dropped; nullopt for none or one the producer refuses.
std::optional<int64_t> EventTimeOf(const BenchJson& record) {
  const auto it = record.find("published_at");
  if (it == record.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    if (it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<int64_t>(it->get<uint64_t>());
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) {
    const double ms = it->get<double>();
    if (!std::isfinite(ms) || std::abs(ms) >= 9e15) return std::nullopt;
    return static_cast<int64_t>(std::floor(ms));
  }
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
  struct Line {
    const std::string* text;
    std::optional<BenchJson> record;  // nullopt: not a JSON object, repeated as written
    std::optional<int64_t> event_time;
  };
  std::vector<Line> input;
  input.reserve(lines.size());
  for (const std::string& line : lines) {
    BenchJson parsed = BenchJson::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      input.push_back({&line, std::nullopt, std::nullopt});
      continue;
    }
    const auto t = EventTimeOf(parsed);
    input.push_back({&line, std::move(parsed), t});
  }
  // In event order, as a live stream arrives about, so that a copy's first record follows the
  // copy before's last by `gap_ms` whatever the input's order.
  std::stable_sort(input.begin(), input.end(), [](const Line& a, const Line& b) {
    if (!a.event_time || !b.event_time) return a.event_time.has_value() && !b.event_time;
    return *a.event_time < *b.event_time;
  });
  int64_t earliest = std::numeric_limits<int64_t>::max();
  int64_t latest = std::numeric_limits<int64_t>::min();
  for (const Line& line : input) {
    if (!line.event_time) continue;
    earliest = std::min(earliest, *line.event_time);
    latest = std::max(latest, *line.event_time);
  }
  const int64_t span = latest >= earliest ? latest - earliest : 0;
  const int64_t period = span + options.gap_ms;
  const uint64_t copies = (options.records + lines.size() - 1) / lines.size();
  // The first copy moves furthest back; below the validation floor its records would be
  // dead-lettered, not measured. (An input already below it stays as invalid as it was.)
  const int64_t floor_ms = core::ValidationOptions{}.min_event_time_ms;
  if (latest >= earliest) {
    const int64_t room = earliest - floor_ms;
    if (copies > 1 && room >= 0 && static_cast<uint64_t>(room / period) < copies - 1) {
      return Err(Status::InvalidArgument(
          "the input's event times span too long for " + std::to_string(copies) +
          " copies: the first would start before " + common::FormatRfc3339(floor_ms) +
          ", the earliest event time accepted; measure with fewer records or a shorter input"));
    }
  }

  std::vector<std::string> stream;
  stream.reserve(options.records);
  for (uint64_t copy = 0; stream.size() < options.records; ++copy) {
    const int64_t shift = -static_cast<int64_t>(copies - 1 - copy) * period;
    for (size_t i = 0; i < input.size() && stream.size() < options.records; ++i) {
      if (!input[i].record) {
        stream.push_back(*input[i].text);
        continue;
      }
      BenchJson record = *input[i].record;
      const auto id = record.find("id");
      if (id != record.end() && !id->is_null()) {
        const std::string base = id->is_string() ? id->get<std::string>() : id->dump();
        *id = base + "-r" + std::to_string(copy);
      }
      const auto url = record.find("url");
      if (url != record.end() && url->is_string()) *url = UrlOfCopy(url->get<std::string>(), copy);
      if (input[i].event_time) record["published_at"] = *input[i].event_time + shift;
      stream.push_back(record.dump(-1, ' ', false, BenchJson::error_handler_t::replace));
    }
  }
  return stream;
}

}  // namespace headwire::cli
