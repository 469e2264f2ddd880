#pragma once
// JSON Feed 1.x (jsonfeed.org) read for the feed parser (feed_parser.h): the feed's title and
// language, and each item's fields (feed_item_fields.h), HTML in titles and bodies reduced to
// text. JSON is UTF-8 by definition, so a byte that is not is read as windows-1252, as in an XML
// feed declared UTF-8. Bounded: before any JSON value is built, one pass over the text refuses a
// body nested deeper than 64 arrays and objects or holding more values than the node limit, whose
// parsed form would cost tens of times its text.

#include <string_view>
#include <vector>

#include "common/status.h"
#include "producers/feed_item_fields.h"
#include "producers/feed_parser.h"

namespace headwire::producers {

// Whether `body` is to be read as JSON: its first byte but white space (after a UTF-8 BOM) is
// '{' or '['.
bool LooksLikeJson(std::string_view body);

// The feed of JSON Feed document `body`, its items' fields appended to `items` in document order;
// links resolve against the response's base URL. An error when the body is not JSON, is not a
// JSON Feed (no jsonfeed.org version, no items array), or goes past the bounds above.
Result<ParsedFeed> ParseJsonFeed(std::string_view body, const FeedResponse& response,
                                 MarkupLimit& limit, std::vector<ItemFields>& items);

}  // namespace headwire::producers
