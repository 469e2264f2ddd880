#pragma once
// Text normalisation shared by every matching stage (dedup, fingerprints, classification).
// All functions are pure, thread-safe and deterministic: the same bytes give the same result on
// every machine. Input must be valid UTF-8 (check with IsValidUtf8 first); invalid sequences are
// replaced by U+FFFD rather than causing undefined behaviour.

#include <string>
#include <string_view>
#include <vector>

namespace headwire::core {

// Returns true when `text` is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with every invalid sequence replaced by U+FFFD, so it can go where UTF-8 is required
// (protobuf string fields, JSON); valid text is returned unchanged.
std::string RepairUtf8(std::string_view text);

// `text` with every byte that is not part of valid UTF-8 read as windows-1252, the usual source
// of such bytes (text from a Windows editor pasted into a UTF-8 page: "It\x92s" -> "It’s"); the
// five bytes windows-1252 leaves undefined become U+FFFD. Valid text is returned unchanged.
std::string RepairUtf8AsWindows1252(std::string_view text);

// The character windows-1252 byte `byte` stands for (0x92 -> U+2019, 0xE9 -> U+00E9); 0 for the
// five bytes it leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
char32_t Windows1252CodePoint(unsigned char byte);

// `text` read as windows-1252, in UTF-8: every byte one character, the five undefined ones U+FFFD
// (as in RepairUtf8AsWindows1252).
std::string Windows1252ToUtf8(std::string_view text);

// `text` safe to print on a terminal: control characters (C0, DEL, C1: ESC, BEL, CR, ...) and
// the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) are written as
// "\x1B" or "\u202E", a backslash as "\\"; invalid UTF-8 bytes as "\xFF". Everything else is kept.
std::string EscapeForTerminal(std::string_view text);

// True when valid UTF-8 `text` shows nothing: only spaces, line breaks, control and format
// characters (zero-width space, BOM, ...) and fillers that render blank (U+3164, U+2800, ...).
bool IsBlankText(std::string_view text);

// Decodes HTML character references: every named one of HTML5 that ends in ';' (&amp; &rsquo;
// &frac12; &NotEqualTilde; ...), decimal (&#39;) and hexadecimal (&#x2019;) ones. Also decodes
// the remnants that news feeds leave after a lost ampersand ("#39;", "quot;", "amp;") when they
// stand alone.
// Unknown references are kept as they are.
std::string DecodeHtmlEntities(std::string_view text);

// Removes HTML/XML tags ("<b>", "</a>", "<br/>") and replaces block-level breaks by a space.
std::string StripHtmlTags(std::string_view text);

// The text a reader sees of `text` read as an HTML fragment: tags dropped (each leaves a space,
// as StripHtmlTags), character references decoded (DecodeHtmlEntities) and whitespace collapsed
// (CollapseWhitespace). What the stages that split a title into words before normalising them
// (trending terms, title decorations) read, so that markup in a title ("Mayor <img src=x> quits")
// adds no word, whichever input path the title came by.
// Example: "Mayor <b>Jane&nbsp;Doe</b> resigns" -> "Mayor Jane Doe resigns"
std::string MarkupToPlainText(std::string_view text);

// The matching form of a text: entities decoded, tags stripped, Unicode NFKC, case folded,
// accents removed, typographic quotes and dashes folded, possessive "'s" removed, dotted
// initialisms joined ("U.S." -> "us"), thousands separators dropped ("1,000" -> "1000"),
// decimal points inside numbers kept ("6.1"), every other punctuation mark a separator, and
// whitespace collapsed to single spaces with none at either end.
// Example: "UPDATE 1-Musk&#39;s SpaceX  Launches A.I. Satellite" ->
//          "update 1 musk spacex launches ai satellite"
std::string NormalizeForMatching(std::string_view text);

// Splits a NormalizeForMatching result at spaces. The views point into `normalized`.
std::vector<std::string_view> Tokenize(std::string_view normalized);

// Tokenize into a caller-owned vector (cleared first), so a hot loop can reuse its capacity.
void TokenizeInto(std::string_view normalized, std::vector<std::string_view>& tokens);

// Trims ASCII and Unicode whitespace from both ends and collapses inner runs to one space,
// keeping case and punctuation: the display form of a title.
std::string CollapseWhitespace(std::string_view text);

}  // namespace headwire::core
