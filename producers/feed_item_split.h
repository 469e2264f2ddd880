#pragma once
// A damaged feed document cut into its items, so that each can be parsed alone: libxml2's
// recovery can lose every item after a mismatched end tag or an unclosed quote, and read alone the
// damage stays in its item. Each item runs from its start tag ("<item", "<entry", or so named
// with a prefix the parser reads as the feed's: "<rss:item", "<atom:entry") to the next one
// and is wrapped in the start tags still open before the first item (the root's, an RSS
// channel's), cut down to what an item inherits from them: namespace declarations, xml:base and
// xml:lang. Their other attributes are left out, so that a root start tag of megabytes is not
// copied around every item.
//
// Linear in the document's size: the wrapping of all items together is at most
// kMaxWrappingPerByte times the document plus kMaxWrappingSlack bytes, and a document whose
// wrapping would cost more, or whose items lie deeper than libxml2 reads (256 elements), is not
// cut (SplitItems returns nullopt). Pure text scanning, no parsing; tags are read as the parser's
// repairs read them (the first '>' ends a tag; the text of comments and CDATA sections, where a
// description may write "<item>", holds none: xml_section.h).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::producers {

// Bytes of wrapping allowed per byte of the document, and on top of that: enough for real feeds,
// whose items are longer than the few namespace declarations around them, while a document
// of tiny items under a long list of declarations is not cut.
inline constexpr size_t kMaxWrappingPerByte = 4;
inline constexpr size_t kMaxWrappingSlack = 1 << 20;

struct ItemSplit {
  std::string opening;  // the start tags around the items, outermost first, cut down
  std::string closing;  // their end tags, innermost first
  std::vector<std::string_view> items;  // views into the document, in document order
};

// The items of `text` whose elements are named `item_name` ("item" or "entry"), without a prefix
// or with one ("<item", "<rss:item": the parser reads both as items) that the document declares
// nowhere or declares somewhere with the namespace of RSS ("item") or Atom ("entry"): a prefix
// declared only with another URI (<foo:item xmlns:foo="urn:other">) is another vocabulary's, not
// read as an item and not cut at. Each item is to be parsed as opening + item + closing. No items
// when `text` has no element or no item. nullopt when the wrapping of all items would exceed the
// bound above, or the first item lies deeper than 256 elements.
std::optional<ItemSplit> SplitItems(std::string_view text, std::string_view item_name);

// Whether `c` is XML white space (space, tab, CR, LF).
bool IsXmlSpace(char c);

// Whether `c` may begin or continue an XML name (ASCII only; bytes above it are left to libxml2).
bool IsXmlNameStart(char c);
bool IsXmlNameChar(char c);

// The name of the tag whose name starts at `at` ("" when none does); bytes above ASCII are taken
// as name characters.
std::string_view TagName(std::string_view text, size_t at);

}  // namespace headwire::producers
