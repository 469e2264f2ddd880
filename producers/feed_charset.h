#pragma once
// What the feed parser (feed_parser.h) decides an XML body's charset from: the document's
// byte-order mark, the charset of the Content-Type header, the XML declaration's, ICU's guess for
// bytes that are not UTF-8, and whether libxml2 can decode a name at all; the labels read as
// windows-1252; and the bytes that end a UTF-8 body cut inside a character. The order in which
// these are consulted is the parser's (the BOM wins, then the header, then the declaration; a
// name libxml2 does not know counts as none). Pure functions of their arguments (and of the
// decoders libxml2 has); DetectCharset reads at most the first MiB of the body.

#include <cstddef>
#include <string>
#include <string_view>

namespace headwire::producers {

// The charset named by a Content-Type header ("text/xml; charset=KOI8-R" -> "KOI8-R").
std::string HeaderCharset(std::string_view content_type);

// The encoding of the document's byte-order mark: "UTF-8", "UTF-16LE" or "UTF-16BE"; empty when
// it has none.
std::string BomEncoding(std::string_view body);

// The encoding attribute of the document's XML declaration (in its first KiB); empty when it names
// none.
std::string DeclaredEncoding(std::string_view body);

// Whether `encoding` names UTF-8 ("UTF-8", "utf8", any case).
bool IsUtf8Name(std::string_view encoding);

// Whether `encoding` names UTF-16 or UTF-32 (any byte order), whose text is not ASCII's bytes.
bool IsUtf16Or32Name(std::string_view encoding);

// Whether the WHATWG Encoding Standard reads label `encoding` as windows-1252 ("windows-1252",
// "ISO-8859-1", "latin1", "US-ASCII", "ascii", "cp1252", ...; any case, white space around it
// ignored), as browsers and feed readers do: text so labelled is windows-1252 in practice (its
// curly quotes and euro sign at 0x80-0x9F, where ISO-8859-1 has invisible C1 controls), and
// windows-1252 is a superset of both ISO-8859-1's printable characters and ASCII.
bool IsWindows1252Label(std::string_view encoding);

// Whether `encoding` names ASCII itself ("US-ASCII", "ascii", "ANSI_X3.4-1968"; any case, white
// space around it ignored): a label no byte past 0x7F can be true to.
bool IsAsciiLabel(std::string_view encoding);

// The reference HTML reads numeric character reference `reference` ("&#146;", "&#x92;", as
// written, ';' included) as when it names 0x80-0x9F: the windows-1252 character of that byte
// ("&#8217;"), as pages that mean windows-1252 write them; empty for every other reference, and
// for the five bytes windows-1252 leaves undefined.
std::string Windows1252Reference(std::string_view reference);

// How many bytes at the end of `text` begin a UTF-8 character that they do not complete (up to
// 3: a body cut inside a character); 0 when it ends at a character boundary, or in bytes that
// cannot begin a character (those are the decoder's to refuse).
size_t IncompleteUtf8Tail(std::string_view text);

// ICU's best guess at the charset of bytes that are not UTF-8; empty when it has none.
std::string DetectCharset(std::string_view body);

// An encoding name as written by a feed, fit for a log line: valid UTF-8 and short.
std::string EncodingNameForLog(std::string_view name);

// Whether libxml2 can decode `name`, natively or through iconv.
bool LibxmlKnowsEncoding(const std::string& name);

}  // namespace headwire::producers
