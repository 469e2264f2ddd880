#include "producers/feed_config.h"

#include <toml++/toml.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "core/toml_document.h"

namespace headwire::producers {
namespace {

// The most transfers at once a feed list may ask for.
constexpr long kMaxConnections = 1024;

class FeedListParser {
 public:
  explicit FeedListParser(std::string_view origin) : origin_(origin) {}

  Result<FeedList> Parse(const toml::table& root) {
    FeedList list;
    for (const auto& [key, node] : root) {
      if (key != "defaults" && key != "feed") return Fail(std::string(key.str()), "unknown key");
    }
    if (const toml::node* defaults = root.get("defaults")) {
      if (!defaults->is_table()) return Fail("defaults", "must be a table");
      if (Status s = ParseDefaults(*defaults->as_table(), list); !s.ok()) return Err(s);
    }
    const toml::node* feeds = root.get("feed");
    if (feeds == nullptr || !feeds->is_array_of_tables() || feeds->as_array()->empty()) {
      return Fail("feed", "the list needs at least one [[feed]] table with a url");
    }
    std::set<std::string> urls;
    size_t index = 0;
    for (const toml::node& node : *feeds->as_array()) {
      const std::string where = "feed[" + std::to_string(index++) + "]";
      auto entry = ParseFeed(*node.as_table(), where, list);
      if (!entry) return Err(entry.error());
      if (!urls.insert(entry->url).second)
        return Fail(where + ".url", "duplicate url " + entry->url);
      list.feeds.push_back(std::move(*entry));
    }
    return list;
  }

 private:
  std::unexpected<Status> Fail(const std::string& key, const std::string& problem) const {
    return Err(Status::InvalidArgument(origin_ + ": " + key + ": " + problem));
  }

  Result<std::string> String(const toml::node& node, const std::string& key) const {
    if (!node.is_string()) return Fail(key, "must be a string");
    return node.as_string()->get();
  }

  Result<std::chrono::milliseconds> Duration(const toml::node& node, const std::string& key) const {
    auto text = String(node, key);
    if (!text) return Err(text.error());
    auto duration = ParseDuration(*text);
    if (!duration) return Fail(key, duration.error().message());
    if (duration->count() <= 0) return Fail(key, "must be positive");
    return *duration;
  }

  // A positive integer, at most `most` when there is one.
  Result<int64_t> PositiveInteger(const toml::node& node, const std::string& key,
                                  std::optional<int64_t> most = std::nullopt) const {
    if (!node.is_integer() || node.as_integer()->get() <= 0 ||
        (most && node.as_integer()->get() > *most)) {
      return Fail(key, most ? "must be an integer from 1 to " + std::to_string(*most)
                            : "must be a positive integer");
    }
    return node.as_integer()->get();
  }

  Status ParseDefaults(const toml::table& table, FeedList& list) const {
    for (const auto& [k, node] : table) {
      const std::string key(k.str());
      const std::string name = "[defaults]." + key;
      Status status;
      auto set_duration = [&](std::chrono::milliseconds& field) {
        auto value = Duration(node, name);
        if (value) field = *value;
        return value ? Status::Ok() : value.error();
      };
      auto set_integer = [&](auto& field, std::optional<int64_t> most = std::nullopt) {
        auto value = PositiveInteger(node, name, most);
        if (value) field = static_cast<std::remove_reference_t<decltype(field)>>(*value);
        return value ? Status::Ok() : value.error();
      };
      if (key == "interval") {
        status = set_duration(list.schedule.interval);
      } else if (key == "max_backoff") {
        status = set_duration(list.schedule.max_backoff);
      } else if (key == "timeout") {
        status = set_duration(list.fetch.timeout);
      } else if (key == "connect_timeout") {
        status = set_duration(list.fetch.connect_timeout);
      } else if (key == "seen_ttl") {
        status = set_duration(list.seen_ttl);
      } else if (key == "max_bytes") {
        status = set_integer(list.fetch.max_bytes);
      } else if (key == "max_nodes") {
        status = set_integer(list.parse.max_nodes);
      } else if (key == "max_entity_bytes") {
        status = set_integer(list.parse.max_entity_bytes);
      } else if (key == "max_redirects") {
        status = set_integer(list.fetch.max_redirects);
      } else if (key == "per_host_connections") {
        status = set_integer(list.fetch.per_host_connections);
      } else if (key == "max_connections") {
        // Each transfer may hold a body of max_bytes: the bound keeps a typo from lifting the
        // fetcher's memory past any sane sum.
        status = set_integer(list.fetch.max_connections, kMaxConnections);
      } else if (key == "jitter") {
        const std::optional<double> value = node.value<double>();
        if (!value || *value < 0 || *value > 0.5) {
          status = Fail(name, "must be a number from 0 to 0.5").error();
        } else {
          list.schedule.jitter = *value;
        }
      } else if (key == "private_addresses") {
        auto value = String(node, name);
        if (!value) return value.error();
        auto policy = ParsePrivateAddresses(*value);
        if (policy) list.fetch.private_addresses = *policy;
        status = policy ? Status::Ok() : Fail(name, policy.error().message()).error();
      } else if (key == "proxy") {
        auto value = String(node, name);
        if (value) list.fetch.proxy = *value;
        status = value ? Status::Ok() : value.error();
      } else if (key == "allow_https_to_http_redirects") {
        if (node.is_boolean()) {
          list.fetch.allow_https_to_http_redirects = node.as_boolean()->get();
        } else {
          status = Fail(name, "must be true or false").error();
        }
      } else if (key == "language") {
        auto value = String(node, name);
        if (value) list.language = *value;
        status = value ? Status::Ok() : value.error();
      } else {
        status = Fail(name, "unknown key").error();
      }
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }

  Result<FeedEntry> ParseFeed(const toml::table& table, const std::string& where,
                              const FeedList& list) const {
    FeedEntry entry;
    entry.interval = list.schedule.interval;
    for (const auto& [k, node] : table) {
      const std::string key(k.str());
      const std::string name = where + "." + key;
      if (key == "url" || key == "source" || key == "language") {
        auto value = String(node, name);
        if (!value) return Err(value.error());
        (key == "url" ? entry.url : key == "source" ? entry.source : entry.language) = *value;
      } else if (key == "interval") {
        auto value = Duration(node, name);
        if (!value) return Err(value.error());
        entry.interval = *value;
      } else {
        return Fail(name, "unknown key");
      }
    }
    if (entry.url.empty()) return Fail(where + ".url", "missing");
    if (!entry.url.starts_with("http://") && !entry.url.starts_with("https://")) {
      return Fail(where + ".url", "must be an http:// or https:// URL, not \"" + entry.url + "\"");
    }
    return entry;
  }

  std::string origin_;
};

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(end, text.data() + text.size() - end);
  if (ec != std::errc() || end == text.data()) {
    return Err(Status::InvalidArgument("\"" + std::string(text) +
                                       "\" is not a duration such as \"90s\" or \"5m\""));
  }
  if (unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "s") return std::chrono::seconds(value);
  if (unit == "m") return std::chrono::minutes(value);
  if (unit == "h") return std::chrono::hours(value);
  if (unit == "d") return std::chrono::hours(24 * value);
  return Err(
      Status::InvalidArgument("\"" + std::string(text) + "\" has no unit among ms, s, m, h, d"));
}

Result<FeedList> ParseFeedList(std::string_view toml_text, std::string_view origin) {
  auto root = core::ParseTomlDocument(toml_text, origin);
  if (!root) return Err(root.error());
  return FeedListParser(origin).Parse(*root);
}

Result<FeedList> LoadFeedList(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::IoError("cannot read the feed list " + path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseFeedList(text.str(), path);
}

}  // namespace headwire::producers
