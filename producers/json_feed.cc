#include "producers/json_feed.h"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/text.h"
#include "producers/feed_html_text.h"
#include "producers/feed_link.h"

namespace headwire::producers {

bool LooksLikeJson(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

namespace {

std::string JsonString(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return "";
}

// Deepest nesting of arrays and objects accepted in a JSON Feed. The format needs five levels
// (feed, items, item, authors, author); extensions a few more. A parsed JSON value costs tens of
// times its text, so a body of nested brackets would cost hundreds of megabytes if parsed whole.
constexpr size_t kMaxJsonDepth = 64;

// A SAX pass that stops, before anything is built, at the first array or object nested deeper
// than kMaxJsonDepth, at the first value (or object key) past `max_nodes` (a value costs tens of
// times its text too: "{}," is three bytes), and at a syntax error.
class JsonShapeCheck : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit JsonShapeCheck(uint64_t max_nodes) : max_nodes_(max_nodes) {}

  bool too_deep() const { return too_deep_; }
  bool too_many() const { return too_many_; }

  bool null() override { return Count(); }
  bool boolean(bool /*value*/) override { return Count(); }
  bool number_integer(number_integer_t /*value*/) override { return Count(); }
  bool number_unsigned(number_unsigned_t /*value*/) override { return Count(); }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return Count(); }
  bool string(string_t& /*value*/) override { return Count(); }
  bool binary(binary_t& /*value*/) override { return Count(); }
  bool key(string_t& /*value*/) override { return Count(); }
  bool start_object(std::size_t /*elements*/) override { return Count() && Enter(); }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t /*elements*/) override { return Count() && Enter(); }
  bool end_array() override { return Leave(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& /*error*/) override {
    return false;
  }

 private:
  bool Count() {
    too_many_ = ++nodes_ > max_nodes_;
    return !too_many_;
  }
  bool Enter() {
    too_deep_ = ++depth_ > kMaxJsonDepth;
    return !too_deep_;
  }
  bool Leave() {
    --depth_;
    return true;
  }

  uint64_t max_nodes_;
  uint64_t nodes_ = 0;
  size_t depth_ = 0;
  bool too_deep_ = false;
  bool too_many_ = false;
};

// The spec names its versions "https://jsonfeed.org/version/1" and ".../1.1", and feeds in the
// wild write them with http as well, which other readers accept.
bool IsJsonFeedVersion(std::string_view version) {
  return version.starts_with("https://jsonfeed.org/version/") ||
         version.starts_with("http://jsonfeed.org/version/");
}

}  // namespace

Result<ParsedFeed> ParseJsonFeed(std::string_view body, const FeedResponse& response,
                                 MarkupLimit& limit, std::vector<ItemFields>& items) {
  // JSON is UTF-8 by definition (RFC 8259), so stray bytes are read as in a UTF-8 XML feed.
  const std::string text = core::RepairUtf8AsWindows1252(body);
  JsonShapeCheck shape(limit.max_nodes);
  if (!nlohmann::json::sax_parse(text, &shape)) {
    if (shape.too_many()) return Err(Status::Corruption(OverNodeLimit(limit.max_nodes)));
    return Err(Status::Corruption(shape.too_deep() ? "not a feed: JSON nested deeper than " +
                                                         std::to_string(kMaxJsonDepth) + " levels"
                                                   : std::string("not a feed: malformed JSON")));
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Err(Status::Corruption("not a feed: malformed JSON"));
  if (!doc.is_object() || !IsJsonFeedVersion(JsonString(doc, "version"))) {
    return Err(Status::Corruption("not a feed: JSON without a jsonfeed.org version"));
  }
  ParsedFeed feed;
  feed.format = FeedFormat::kJsonFeed;
  feed.title = CollapseWhitespace(JsonString(doc, "title"));
  feed.language = JsonString(doc, "language");
  const std::string base = response.base_url.empty() ? response.feed_url : response.base_url;
  auto resolve = [&](const std::string& link) { return ResolveFeedLink(link, base); };
  auto it = doc.find("items");
  if (it == doc.end() || !it->is_array()) {
    return Err(Status::Corruption("not a feed: JSON Feed without an items array"));
  }
  for (const nlohmann::json& item : *it) {
    if (!item.is_object()) continue;
    ItemFields f;
    f.guid = JsonString(item, "id");
    f.url = resolve(JsonString(item, "url"));
    if (f.url.empty()) f.url = resolve(JsonString(item, "external_url"));
    f.guid_is_permalink = !f.url.empty() && ResolveFeedLink(f.guid, "") == f.url;
    f.title = HtmlToText(JsonString(item, "title"), limit);
    for (const char* key : {"summary", "content_text", "content_html"}) {
      f.body = HtmlToText(JsonString(item, key), limit);
      if (!f.body.empty()) break;
    }
    f.language = JsonString(item, "language");
    f.TakeDate({JsonString(item, "date_published"), JsonString(item, "date_modified")});
    items.push_back(std::move(f));
  }
  return feed;
}

}  // namespace headwire::producers
