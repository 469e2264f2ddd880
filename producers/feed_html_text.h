#pragma once
// HTML in a feed's titles and bodies reduced to plain text, for the feed parser (feed_parser.h)
// and the readers of its formats (json_feed.h): tags dropped, entities decoded, scripts and styles
// removed, a space where a block element separates words, whitespace collapsed. The HTML is parsed
// by libxml2's HTML parser, whose nodes count against the node limit of the body
// (FeedParseOptions::max_nodes, MarkupLimit): markup past it marks the limit exceeded and gives "",
// and the body is refused. Internal to the parser.

#include <libxml/tree.h>

#include <string>
#include <string_view>

#include "producers/feed_item_fields.h"

namespace headwire::producers {

// Runs of whitespace (including no-break spaces) become one space; the ends are trimmed.
std::string CollapseWhitespace(std::string_view text);

// The plain text of an HTML fragment (UTF-8): tags dropped, entities decoded (a numeric reference
// to 0x80-0x9F as windows-1252's character, as HTML reads it: "&#146;" is U+2019), scripts and
// styles removed, whitespace collapsed. Markup past `limit`, or with a tag of more than
// kMaxAttributesPerTag attributes, marks the limit exceeded and gives "".
std::string HtmlToText(std::string_view html, MarkupLimit& limit);

// The text of an element that may hold HTML: nested markup (a "naked" <p> in a title, Atom
// xhtml) and escaped markup (&lt;p&gt;, CDATA) both reduce to plain text. The nested markup is
// walked here, before the escaped markup its text may hold is read, so that its block elements
// still separate words.
std::string TextOfMarkupElement(const xmlNode* node, MarkupLimit& limit);

}  // namespace headwire::producers
