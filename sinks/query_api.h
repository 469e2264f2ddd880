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
#include <string>

#include "common/article_json.h"
#include "common/status.h"
#include "sinks/article_store.h"

namespace headwire::sinks {

// Largest page a query returns; a larger `limit` is an InvalidArgument error.
inline constexpr size_t kMaxQueryLimit = 1000;

struct QueryRequest {
  // "latest" | "counts" | "stories" | "trending" | "sources". Required.
  std::string kind = "";
  // Topic filter. "" = all topics (latest: all topics merged newest first); "other" = articles
  // without a topic. Default: "".
  std::string topic = "";
  // Source filter (the article's `source` field), "" = all. Default: "".
  std::string source = "";
  // Window size for counts, trending and sources: "minute" | "hour" | "day". Default: "hour".
  std::string window = "hour";
  // counts only: "" for tumbling windows, or a finer stored size ("minute" | "hour") by which
  // windows of `window` length hop (sliding counts). Default: "".
  std::string hop = "";
  // Event-time range [from_ms, to_ms) in ms since the epoch; 0 = open on that side. Default: open.
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  // Page size, 1..kMaxQueryLimit. Default: 20.
  size_t limit = 20;
  // Opaque token from a previous response's "next_cursor"; "" = first page. Default: "".
  std::string cursor = "";
};

// Runs one query on one consistent snapshot and returns its documented JSON response.
// InvalidArgument for a bad request (unknown kind or window, bad cursor).
Result<common::Json> RunQuery(const ArticleStore& store, const QueryRequest& request);

// Parses query-string style parameters into a QueryRequest for `kind`. Known parameters: topic,
// source, window, hop, from, to (RFC 3339 or ms since the epoch), limit, cursor. InvalidArgument
// errors name the bad parameter; unknown parameters are an error too.
Result<QueryRequest> ParseQueryRequest(std::string kind,
                                       const std::map<std::string, std::string>& params);

}  // namespace headwire::sinks
