#pragma once
// The markup real feeds get wrong, and libxml2's recovery would drop, repaired before libxml2
// reads the document (feed_parser.h). Outside CDATA sections and comments: a C0 control character
// other than tab, CR and LF becomes a space; a bare '&' becomes "&amp;", and an HTML entity XML
// does not know ("&nbsp;") its numeric reference, and a numeric reference to 0x80-0x9F ("&#146;")
// the windows-1252 character HTML reads it as ("&#8217;"); a '<' that can begin no markup becomes
// "&lt;";
// an end tag that closes no open element is dropped, and one that closes an element with others
// open inside it closes those first; a start tag with attribute values written without quotes,
// or attributes without a value, gets quotes, and keeps its line breaks, so that the lines libxml2
// reports are the feed's. In a comment, a '-' that would make "--" becomes a space. Everything
// else is copied as written: CDATA sections, a UTF-16 document with a byte-order mark (whole),
// an ISO-2022 document's runs of other character sets with their escapes and shifts, and a start
// tag that cannot be read as attributes or has more than kMaxAttributesPerTag of them (left to
// recovery).
//
// Guesses: where a start tag read to be quoted reads two ways, the repair takes one and notes it
// with its line. A '/' glued to the last unquoted value before the '>' stays in the value (the
// element open) on an element a feed nests items in (item, entry, channel, root) or one whose own
// end tag follows; elsewhere it closes the tag, and on a URL is the URL's own as well when the
// rest of the document writes that URL with the '/' (without it: the tag's only; neither or both
// ways: a URL ending in a file name takes no '/'). An item, entry, channel or root start tag that
// closes itself ("<item hidden/>") is left open. Pure text scanning, no parse: time linear in
// the body (each URL it writes is read once to weigh the slashes).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::producers {

// Attributes of one tag past which a body is refused (feed_parser.h). libxml2 2.9 compares each
// attribute of a tag with every one before it, so a single tag of many attributes costs time
// quadratic in its size (a 1 MiB tag: minutes) before any node is built that the node limit could
// count; no real element needs more than a few dozen.
inline constexpr size_t kMaxAttributesPerTag = 1024;

struct RepairedMarkup {
  std::string text;  // the body as libxml2 is to read it
  // A note for each guess, in document order ("line 3: <enclosure url=...>: the '/' before '>'
  // read as closing the tag, ..."), at most kMaxGuessNotes (feed_parser.h) of them.
  std::vector<std::string> guess_notes;
  uint64_t guesses = 0;  // every guess, noted or not
};

// `text` (a tag, a name, a value) as a note shows it: its white space spaces, cut after 120 bytes
// (not inside a UTF-8 character) with "..." saying so, so that no note grows with the document.
std::string ShownInNote(std::string_view text);

// The repair of `body`, whose charset is `lower_encoding` (lower case; empty when unknown: only
// an ISO-2022 charset changes what is read as markup).
RepairedMarkup RepairMarkup(std::string_view body, std::string_view lower_encoding);

}  // namespace headwire::producers
