#pragma once
// The feed list: a TOML file with an optional [defaults] table and one [[feed]] table per feed.
//
//   [defaults]
//   interval = "15m"          # time between polls; "30s", "5m", "2h", "1d"
//   jitter = 0.1              # each delay is scaled by a factor in [1 - jitter, 1 + jitter]
//   max_backoff = "6h"        # ceiling of the exponential backoff after failures
//   language = "en"           # language of items whose feed does not say
//   timeout = "30s"           # whole transfer
//   connect_timeout = "10s"
//   max_bytes = 16777216      # largest body accepted
//   max_nodes = <n>           # most nodes a body may make the parser build; default and
//                             # meaning: FeedParseOptions::max_nodes
//   max_entity_bytes = <n>    # most text a document's entity references may stand for (or
//                             # its size); default and meaning: FeedParseOptions::max_entity_bytes
//   max_redirects = 5
//   per_host_connections = 2
//   max_connections = <n>     # most transfers at once, 1 to 1024; default and meaning:
//                             # FetchOptions::max_connections
//   seen_ttl = "30d"          # how long an item id is remembered after it left its feed
//   private_addresses = "direct"  # "direct", "any" or "none": FetchOptions::private_addresses
//   allow_https_to_http_redirects = false
//   proxy = ""                # "" none, else the proxy of every fetch: FetchOptions::proxy
//
//   [[feed]]
//   url = "https://example.org/rss"   # required, http or https
//   source = "Example Daily"          # optional; else the feed's own title
//   interval = "5m"                   # optional; else [defaults]
//   language = "en"                   # optional; else the feed's own
//
// Every key is optional except url; the defaults are those of the option structs. Pure.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "producers/feed_fetcher.h"
#include "producers/feed_parser.h"
#include "producers/feed_schedule.h"

namespace headwire::producers {

struct FeedEntry {
  std::string url;
  std::string source;                  // empty: the feed's own title
  std::string language;                // empty: the feed's own, else FeedList::language
  std::chrono::milliseconds interval;  // the entry's, else [defaults] interval
};

struct FeedList {
  FetchOptions fetch;
  FeedParseOptions parse;
  ScheduleOptions schedule;
  // Language of items whose entry and feed say nothing. Default: "" (then "en").
  std::string language;
  // How long an item id is remembered after it was last seen in its feed. Default: 30 days.
  std::chrono::milliseconds seen_ttl = std::chrono::hours(24 * 30);
  std::vector<FeedEntry> feeds;
};

// Parses a duration: an integer followed by ms, s, m, h or d ("90s", "5m"). Returns
// InvalidArgument otherwise.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// Parses the feed list in `toml_text`; `origin` names it in errors. Returns InvalidArgument
// naming the file, the key and the problem ("feeds.toml: feed[2].interval: ...", "unknown key
// [defaults].intervall") for bad TOML, unknown keys, wrong types, bad values, a missing or
// duplicate url, or an empty list.
Result<FeedList> ParseFeedList(std::string_view toml_text, std::string_view origin);

// Reads and parses the file at `path`. Returns IoError when it cannot be read.
Result<FeedList> LoadFeedList(const std::string& path);

}  // namespace headwire::producers
