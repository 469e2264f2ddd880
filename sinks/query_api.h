#pragma once
// The sink's query API: one request shape and one JSON response per query kind, shared by the
// CLI (`headwire query <kind>`) and the HTTP API, so both answer the same. Every query reads one
// consistent snapshot of the ArticleStore; RunQuery is safe to call from many threads while the
// sink daemon writes. Response schemas are documented in docs/state.md ("Query responses").
//
// Every list response is {"items": [...], "next_cursor": "<opaque>" | null, ...}; pass
// next_cursor back as `cursor` to get the next page. A cursor is only valid for the same
// kind and filters.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/article_json.h"
#include "common/status.h"
#include "core/event_windows.h"
#include "core/story_status.h"
#include "sinks/article_store.h"

namespace headwire::sinks {

// Largest page a query returns; a larger `limit` is an InvalidArgument error.
inline constexpr size_t kMaxQueryLimit = 1000;

// The kinds of query, served as `headwire query <kind>` and GET /v1/<kind>.
enum class QueryKind { kLatest, kCounts, kStories, kTrending, kSources };
inline constexpr QueryKind kQueryKinds[] = {QueryKind::kLatest, QueryKind::kCounts,
                                            QueryKind::kStories, QueryKind::kTrending,
                                            QueryKind::kSources};
// "latest", "counts", "stories", "trending", "sources".
std::string_view QueryKindName(QueryKind kind);

// The parameters of a query; each kind takes some of them (QueryParams).
enum class QueryParam { kTopic, kSource, kWindow, kHop, kStatus, kFrom, kTo, kLimit, kCursor };
// "topic", "source", "window", "hop", "status", "from", "to", "limit", "cursor".
std::string_view QueryParamName(QueryParam param);
// The error message of a request whose range is empty ("from: must be before to"), naming its
// bounds `from` and `to` as the caller calls them: the API's parameters, or the command line's
// flags, which then name both values' sources.
std::string EmptyRangeMessage(std::string_view from, std::string_view to);
// The parameters `kind` takes, in the order the documentation lists them.
std::span<const QueryParam> QueryParams(QueryKind kind);

struct QueryRequest {
  // What to answer. Default: latest.
  QueryKind kind = QueryKind::kLatest;
  // Topic filter. "" = all topics (latest: all topics merged newest first); "other" = articles
  // without a topic. A topic the state's taxonomy lacks is an InvalidArgument error. Default: "".
  std::string topic = "";
  // Source filter (the article's `source` field), "" = all. Default: "".
  std::string source = "";
  // Window size for counts, trending and sources. Default: hour.
  core::WindowSize window = core::WindowSize::kHour;
  // counts only: a finer stored size (minute or hour) by which windows of `window` length hop
  // (sliding counts); none for tumbling windows. Default: none.
  std::optional<core::WindowSize> hop = std::nullopt;
  // stories only: only stories of this status; none for every story. Default: none.
  std::optional<core::StoryStatus> status = std::nullopt;
  // Event-time range [from_ms, to_ms) in ms since the epoch; 0 = open on that side. Default: open.
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  // Page size, 1..kMaxQueryLimit. Default: 20.
  size_t limit = 20;
  // Opaque token from a previous response's "next_cursor"; "" = first page. Default: "".
  std::string cursor = "";
};

// Runs one query on one consistent snapshot and returns its documented JSON response.
// InvalidArgument for a bad request (a topic the state does not know, bad cursor or range).
Result<common::Json> RunQuery(const ArticleStore& store, const QueryRequest& request);

// Parses query-string style parameters into a QueryRequest for `kind`. `from` and `to` take RFC
// 3339 or ms since the epoch. InvalidArgument errors name the bad parameter; a parameter that
// `kind` does not take (QueryParams) is an error too, and so is what the parameters rule out
// alone or together (a minute trending window, a hop not shorter than the window, an empty
// range), so that only what needs the state (a topic, a cursor) is left to RunQuery. An empty
// value of any parameter is an error ("topic: empty value"): leaving it out asks for the default.
Result<QueryRequest> ParseQueryRequest(QueryKind kind,
                                       const std::map<std::string, std::string>& params);

}  // namespace headwire::sinks
