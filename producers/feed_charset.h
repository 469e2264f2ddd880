#pragma once
// What the feed parser (feed_parser.h) decides an XML body's charset from: the charset of the
// Content-Type header, the one the document names for itself (byte-order mark, XML declaration),
// ICU's guess for bytes that are not UTF-8, and whether libxml2 can decode a name at all; and
// the bytes that end a UTF-8 body cut inside a character. The order in which these are consulted
// is the parser's (the header wins, a name libxml2 does not know counts as none). Pure functions
// of their arguments (and of the decoders libxml2 has); DetectCharset reads at most the first MiB
// of the body.

#include <cstddef>
#include <string>
#include <string_view>

namespace headwire::producers {

// The charset named by a Content-Type header ("text/xml; charset=KOI8-R" -> "KOI8-R").
std::string HeaderCharset(std::string_view content_type);

// The encoding the document names for itself: its byte-order mark, else its XML declaration's
// encoding attribute; empty when it names none.
std::string DocumentEncoding(std::string_view body);

// Whether `encoding` names UTF-8 ("UTF-8", "utf8", any case).
bool IsUtf8Name(std::string_view encoding);

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
