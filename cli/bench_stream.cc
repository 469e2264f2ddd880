#include "cli/bench_stream.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "common/article_json.h"
#include "common/time_format.h"
#include "core/validation.h"

namespace headwire::cli {
namespace {

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
    std::optional<common::Json> record;  // nullopt: not a JSON object, repeated as written
    std::optional<int64_t> event_time;
  };
  std::vector<Line> input;
  input.reserve(lines.size());
  for (const std::string& line : lines) {
    // The event time the producer reads, by the producer's own parser.
    if (auto article = common::ParseArticleJson(line)) {
      input.push_back({&line, std::move(article->object),
                       article->has_event_time
                           ? std::optional<int64_t>(article->article.published_at_ms)
                           : std::nullopt});
      continue;
    }
    common::Json parsed = common::Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      input.push_back({&line, std::nullopt, std::nullopt});
    } else {
      input.push_back({&line, std::move(parsed), std::nullopt});
    }
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
      common::Json record = *input[i].record;
      const auto id = record.find("id");
      if (id != record.end() && !id->is_null()) {
        const std::string base = id->is_string() ? id->get<std::string>() : id->dump();
        *id = base + "-r" + std::to_string(copy);
      }
      const auto url = record.find("url");
      if (url != record.end() && url->is_string()) *url = UrlOfCopy(url->get<std::string>(), copy);
      if (input[i].event_time) record["published_at"] = *input[i].event_time + shift;
      stream.push_back(record.dump(-1, ' ', false, common::Json::error_handler_t::replace));
    }
  }
  return stream;
}

}  // namespace headwire::cli
