#pragma once
// What the feed parser (feed_parser.h) shares with the readers of its formats (json_feed.h): the
// fields an item is read into, before its id is chosen and its texts are made valid UTF-8, and the
// node limit of the body (FeedParseOptions::max_nodes) that the parses of the HTML in titles and
// bodies (feed_html_text.h) count against. Internal to the parser.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::producers {

// An item as read from the document, before its id is chosen.
struct ItemFields {
  std::string guid;  // RSS guid, Atom id, JSON Feed id; may be empty
  bool guid_is_permalink = false;
  std::string title;
  std::string body;
  std::string url;
  std::string language;
  int64_t published_at_ms = 0;
  std::string unreadable_date;  // the first date given when none of them could be read

  // Takes the first of the item's date texts that can be read. When there are some but none can,
  // the item keeps no time (it gets the fetch time) and says which text it could not read.
  void TakeDate(const std::vector<std::string>& texts);
};

// The node limit of one body's parses (FeedParseOptions::max_nodes), and whether a parse of the
// markup in its items' text went past it: then the body is refused.
struct MarkupLimit {
  uint64_t max_nodes = 0;
  bool exceeded = false;
  // FeedParseOptions::max_entity_bytes: the XML document's parses are held to it (or to the
  // body's size when larger); the HTML in its items' text has no entities of its own.
  uint64_t max_entity_bytes = 0;
};

// The reason a body over FeedParseOptions::max_nodes is refused with.
std::string OverNodeLimit(uint64_t max_nodes);

}  // namespace headwire::producers
