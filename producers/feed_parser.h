#pragma once
// Feed parsing: the bytes of one HTTP response into the feed's items, for RSS 0.9x/2.0, RSS 1.0
// (RDF), Atom 1.0 and JSON Feed 1.x. Pure: no network, no clock, no Kafka; the same bytes, URL
// and headers always give the same items. Thread-safe (libxml2 is initialised once).
//
// XML goes through libxml2 in recovering mode, so a broken feed yields what can be read of it.
// Before it, what real feeds get wrong and recovery would drop is repaired: a bare '&', HTML
// entities, a '<' that begins no tag, end tags that close nothing or leave elements open inside
// the one they close, control characters, "--" inside a comment (where it would also cost
// libxml2 time quadratic in the comment's length), start tags with attribute values not quoted or
// attributes without a value ("<item id=42 hidden>", "<guid isPermaLink=false>", an "<img
// src=a.jpg>" in a description's markup), anywhere outside CDATA sections and comments, which
// recovery would end their element at; where such a tag reads two ways (a '/' glued to its last
// value before the '>': the value's, or the tag's end?), the reading the rest of the document
// supports is taken and noted (ParsedFeed::guess_notes). Items and entries written with a prefix
// ("<rss:item>", "<atom:entry>"), declared or not, are read as the unprefixed ones are. A
// document that still needs recovery says why
// (ParsedFeed::damage), and its items are also read one at a time, each in its own parse, so
// that damage in one item (an unclosed quote) does not lose the items after it (unless that would
// cost more than linear time: feed_item_split.h). An item the document ends inside of, before its
// end tag (a body cut short, between characters or inside a UTF-8 one, whose first bytes are
// dropped), is counted, not returned: its text stops at the cut (ParsedFeed::cut_off_items). Open
// is what libxml2's own stack holds open when the parse reaches the end of the text: an item
// whose end tag the text reaches, even in part ("</ite"), is whole, an element recovery closes
// without an end tag (at a start tag it cannot finish: "<img alt="a "b" c">") cuts nothing off, and
// a parse the decoder stops before the end (a byte not in the charset) cuts nothing off either:
// that item keeps its text up to the byte. What a parse may hold is bounded by FeedParseOptions.
// External entities and DTDs are never loaded (no XML_PARSE_NOENT/DTDLOAD, NONET, and a loader
// that refuses everything), so a feed cannot make the parser read files or fetch URLs (XXE).
// Item children are matched by namespace as well as name: media:title is not the RSS title. A
// document whose own elements are in a namespace its format does not name (<rss
// xmlns="http://example.com/ns">, an RDF channel's mistyped RSS 1.0 URI) has them read as its
// format's, as the Atom drafts' namespaces are read as Atom's; elements named as items in yet
// another namespace are not items, but a document that has no other is told
// (ParsedFeed::foreign_items).
// Charsets: a byte-order mark wins (RFC 7303 section 3.3), then the HTTP header's charset, then
// the document's declaration; but a body the header calls UTF-8 that is not, whose declaration
// names another charset, is read as the declaration says (Shift_JIS behind a server that labels
// everything UTF-8). A document that declares nothing and is not UTF-8 is decoded as the charset
// ICU detects (KOI8-R, windows-1251, Big5, ...); in one declared UTF-8 (and in JSON Feed) a byte
// that is not UTF-8 is read as windows-1252. The labels WHATWG reads as windows-1252
// (ISO-8859-1, latin1, US-ASCII, ascii, ...) are decoded as windows-1252, as browsers do, and a
// numeric character reference to 0x80-0x9F ("&#146;") as windows-1252's character, as HTML
// does. Every text the parser returns is valid UTF-8, whatever the document declared. A charset
// libxml2 does not know is passed over, as if not named (see
// ParsedFeed::unknown_encoding); a document so read that is not UTF-8 and whose charset ICU
// cannot detect is read as UTF-8 with windows-1252 repair. A gzip-compressed body is inflated;
// a UTF-8 BOM before JSON is skipped. Titles and bodies are plain text: HTML in them (escaped or
// not) is reduced to its text, block elements kept apart by a space, whitespace collapsed. Links
// are resolved against xml:base and the response URL and percent-encoded (feed_link.h); dates are
// read by feed_date.h.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/validation.h"
#include "headwire/v1/article.pb.h"

namespace headwire::producers {

enum class FeedFormat { kRss, kRdf, kAtom, kJsonFeed };

// "rss", "rdf", "atom", "json_feed".
const char* FeedFormatName(FeedFormat format);

// What the parser knows about the response besides its bytes.
struct FeedResponse {
  // The feed's configured URL: its identity (item ids of GUIDs are scoped to it). Required.
  std::string feed_url;
  // The URL the bytes came from after redirects; relative links resolve against it. Empty: the
  // feed URL.
  std::string base_url;
  // The Content-Type header, e.g. "application/rss+xml; charset=windows-1251". May be empty.
  std::string content_type;
  // The largest document accepted once a gzip body (sent without Content-Encoding, so the
  // fetcher's limit saw it compressed) is inflated: the fetch's max_bytes. Default: 16 MiB.
  uint64_t max_bytes = 16 << 20;
};

struct FeedItem {
  // The item's id by its document alone: `usual_id`, or `shared_id` when another item of the
  // document, with another key, has the same usual id (see ItemId in feed_parser.cc and the
  // README). Whether it was produced before, and so under which of the two it is known, is
  // decided against the feed's seen ids (feed_novelty.h).
  std::string id;
  std::string title;            // plain text, never empty
  std::string body;             // plain text of the description / summary / content; may be empty
  std::string url;              // absolute link, may be empty
  std::string language;         // the item's own language, else the feed's; may be empty
  int64_t published_at_ms = 0;  // 0 when the item carries no date the parser can read
  std::string unreadable_date;  // the date the item gave when it could not be read; else empty
  std::string usual_id;         // from its GUID, canonical link or content
  std::string shared_id;        // from its GUID as written, else its link and title
  // A digest of what tells the item apart from others with its usual id: its GUID as written,
  // else its title.
  std::string key;
};

// Most notes ParsedFeed::guess_notes keeps: enough to show a feed's writer what was guessed
// without a note per tag of a long document.
inline constexpr size_t kMaxGuessNotes = 8;

struct ParsedFeed {
  FeedFormat format = FeedFormat::kRss;
  std::string title;            // the feed's own title, plain text; may be empty
  std::string language;         // the feed's language; may be empty
  std::vector<FeedItem> items;  // in document order, duplicates (same id) removed
  uint64_t skipped_items = 0;   // items with neither title, body nor link
  // Items the document ends inside of, before their end tag (a body cut short in transit): not
  // in `items`, since what they hold stops at the cut ("NASA launches Arte").
  uint64_t cut_off_items = 0;
  // Where the parser met markup that reads two ways and took one, a note saying which and why,
  // each naming its line: each '/' glued to an unquoted value before the '>', in document order
  // ("line 3: <enclosure url=http://example.com/logo.png/>: the '/' before '>' read as closing
  // the tag, not as the URL's (url=\"http://example.com/logo.png\"), as a file name ends the
  // URL"), then one each for a root and a channel written with a prefix the document declares
  // nowhere (<rss:rss>, <rss:channel>), read as the root and the channel, and one for the items or
  // entries so written (<rss:item>), which are read as items. At most kMaxGuessNotes notes;
  // `guesses` counts every guess. A guess is not damage: it leaves `damage` empty, and the document
  // is read whole.
  std::vector<std::string> guess_notes;
  uint64_t guesses = 0;
  // Why the XML document needed recovery (the parser's first error and its line) or stopped
  // early (an entity loop), so that items after that point may be missing or incomplete; it ends
  // in "; items not read one at a time: ..." when they could not be (feed_item_split.h). Empty
  // when it is well-formed (after the repairs the parser makes before: see ParseFeed).
  std::string damage;
  // When no item was read (nor cut off): the elements of the document named as its format's items
  // (<item>, <entry>) that are not read as items, being in a namespace neither the format's nor
  // the document's own (<x:item xmlns:x="urn:other">, <entry xmlns="urn:other"> in Atom), and the
  // first one's namespace URI (its first 120 bytes). 0 and empty otherwise, and whenever an item
  // was read.
  uint64_t foreign_items = 0;
  std::string foreign_items_namespace;
  // The charset the response or the document named that libxml2 cannot decode ("x-bogus-9"),
  // when the document was read without it; `read_as` is then what it was read as (the
  // declaration's, else the detected charset, else UTF-8). Both empty otherwise.
  std::string unknown_encoding;
  std::string read_as;
};

struct FeedParseOptions {
  // Most nodes one parse of a body may build: XML elements, attributes, namespace declarations,
  // comments, processing instructions and entity references (text between them is not counted),
  // or JSON values and keys. Each parse counts on its own: the document, the markup in the text
  // of each item, and a damaged document's items read one at a time (together). A node costs
  // libxml2 about 150 to 250 bytes, and a body of tiny nodes ("<a/>") about 40 times its size,
  // so this bounds what a parse holds whatever the body: a body that needs more is refused
  // ("not a feed: more than max_nodes = N ..."). Real feeds need a few thousand, about one per
  // 50 bytes: this admits some 12 MB of such a feed. Default: 250000.
  uint64_t max_nodes = 250'000;
  // Most bytes of text the references to an XML document's own entities (<!ENTITY a "...">, then
  // &a;) may stand for in one parse of a body, or the body's size when that is larger: each
  // reference, in the text or in an attribute value, counts the size of its entity's replacement
  // text and of the entities that text refers to, at every reference, as the parses count nodes.
  // libxml2 keeps an entity's text once however often it is referred to, but reading an item's
  // fields copies it at each reference: 6,000 references to a 100 KB entity, in a 118 KB body,
  // would be 600 MB of text. A body whose references stand for more is refused ("not a feed: its
  // entity references stand for more than N bytes of text ..."). Default: 1 MiB.
  uint64_t max_entity_bytes = 1 << 20;
};

// Parses `body`. Returns Corruption when it is not a feed ("not a feed: the root element is
// <html>", "empty document", "JSON is not a JSON Feed: ...", over `options.max_nodes` or
// `options.max_entity_bytes`, a tag of more than 1024 attributes) or cannot be decoded at all (the
// reason names an unknown charset the document declared). libxml2 writes nothing to stderr while it
// runs: what it reports becomes the error or ParsedFeed::damage.
Result<ParsedFeed> ParseFeed(std::string_view body, const FeedResponse& response,
                             const FeedParseOptions& options = {});

// Overrides a feed list entry may set on every item of its feed.
struct FeedItemOverrides {
  std::string source;            // empty: the feed's own title, else the feed URL's host
  std::string language;          // empty: the item's or feed's language, else `default_language`
  std::string default_language;  // empty: "en"
};

// The raw article of `item`, in the form `headwire produce` writes: id = item id, event time
// the item's date, or `fetched_at_ms` flagged event_time_estimated when it has none or its date
// is outside `validation`'s event-time range (year 1, 1970). Returns the validation problem
// (title or body too long) when the item is not a valid article.
std::expected<v1::RawArticle, core::Rejection> FeedItemToRawArticle(
    const FeedItem& item, const ParsedFeed& feed, const FeedResponse& response,
    const FeedItemOverrides& overrides, const core::ValidationOptions& validation,
    int64_t fetched_at_ms);

}  // namespace headwire::producers
