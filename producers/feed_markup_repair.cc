#include "producers/feed_markup_repair.h"

#include <libxml/HTMLparser.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "producers/feed_charset.h"
#include "producers/feed_item_split.h"
#include "producers/feed_parser.h"
#include "producers/xml_section.h"

namespace headwire::producers {
namespace {

// Length of the character or entity reference at `at` ("&amp;", "&#38;", "&#x26;"), or 0 when
// the '&' there starts none.
size_t ReferenceLength(std::string_view text, size_t at) {
  size_t i = at + 1;
  if (i < text.size() && text[i] == '#') {
    ++i;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    const size_t digits = i;
    while (i < text.size() && (hex ? std::isxdigit(static_cast<unsigned char>(text[i]))
                                   : std::isdigit(static_cast<unsigned char>(text[i])))) {
      ++i;
    }
    return i > digits && i < text.size() && text[i] == ';' ? i - at + 1 : 0;
  }
  if (i >= text.size() || !IsXmlNameStart(text[i])) return 0;
  while (i < text.size() && IsXmlNameChar(text[i])) ++i;
  return i < text.size() && text[i] == ';' ? i - at + 1 : 0;
}

// The elements a document has opened and not yet closed, as its tags say, so that an end tag
// that closes none of them can be told apart. Counts by name keep each end tag's test constant
// in time whatever the depth. Past kMaxTrackedDepth open elements it stops tracking, and from
// then on takes every end tag as closing one: libxml2 stops reading a document deeper than 256
// elements there anyway, and a body of unclosed "<a>" would otherwise cost five times its size.
class OpenElements {
 public:
  static constexpr size_t kMaxTrackedDepth = 1024;

  void Open(std::string_view name) {
    if (stack_.size() == kMaxTrackedDepth) {
      untracked_ = true;
      return;
    }
    stack_.push_back(name);
    ++count_[name];
  }
  // Closes `name`, appending to `out` an end tag for each element opened inside it and left
  // unclosed; false when no open element has that name.
  bool Close(std::string_view name, std::string& out) {
    if (untracked_) return true;
    if (count_[name] == 0) return false;
    while (true) {
      const std::string_view top = stack_.back();
      stack_.pop_back();
      --count_[top];
      if (top == name) return true;
      out.append("</").append(top).append(">");
    }
  }

 private:
  std::vector<std::string_view> stack_;
  std::unordered_map<std::string_view, size_t> count_;
  bool untracked_ = false;
};

// Where an ISO-2022 document leaves ASCII: after an escape sequence that puts another character
// set in use (ESC $ B, JIS X 0208, until ESC ( B or ESC ( J; ESC ( I, katakana), between SO and
// SI (ISO-2022-KR, -CN), and in the one character after a single shift (ESC N, ESC O: ISO-2022-
// JP-2's Latin-1 and Greek, -CN's CNS 11643 planes). There the bytes '<', '&' and control bytes
// are halves of characters or the shifts themselves, not markup, and are left as they are.
class Iso2022Runs {
 public:
  // `lower_encoding`: the document's charset, lower case; not ISO-2022 means no runs.
  explicit Iso2022Runs(std::string_view lower_encoding)
      : escapes_(lower_encoding.starts_with("iso-2022")),
        shifts_(escapes_ && !lower_encoding.starts_with("iso-2022-jp")),
        // ISO-2022-CN's single shifts call CNS 11643 planes, of two-byte characters, and glibc
        // decodes one so even before the plane is designated.
        g2_bytes_(lower_encoding.starts_with("iso-2022-cn") ? 2 : 1),
        g3_bytes_(g2_bytes_) {}

  bool escapes() const { return escapes_; }
  // The bytes that may begin a run: ESC, and SO and SI where shifts are read; none when the
  // charset has no runs.
  std::string_view Openers() const {
    return std::string_view("\x1B\x0E\x0F", !escapes_ ? 0 : shifts_ ? 3 : 1);
  }
  bool inside() const { return designated_ || shifted_; }

  // The length of the escape sequence or shift at `at` (0: none), whose effect is taken; a single
  // shift's with the character it shifts (as much of it as `text` holds).
  size_t Take(std::string_view text, size_t at) {
    const char c = text[at];
    if (shifts_ && (c == '\x0E' || c == '\x0F')) {
      shifted_ = c == '\x0E';
      return 1;
    }
    if (!escapes_ || c != '\x1B') return 0;
    size_t end = at + 1;
    while (end < text.size() && text[end] >= 0x20 && text[end] <= 0x2F) ++end;  // intermediates
    if (end >= text.size() || text[end] < 0x30 || text[end] > 0x7E) return 0;
    const std::string_view intermediates = text.substr(at + 1, end - at - 1);
    // "(" and "$" designate the set in use (G0); ")" and "$)" designate one that SO calls.
    if (intermediates == "(" || intermediates == "$" || intermediates == "$(") {
      designated_ = !(intermediates == "(" && (text[end] == 'B' || text[end] == 'J'));
    }
    // "*" and "." designate a set of one-byte characters to G2, "+" and "/" to G3; after "$" the
    // characters are two bytes.
    const std::string_view set = intermediates.substr(intermediates.starts_with('$') ? 1 : 0);
    if (set == "*" || set == ".") g2_bytes_ = intermediates.size();
    if (set == "+" || set == "/") g3_bytes_ = intermediates.size();
    if (!intermediates.empty() || (text[end] != 'N' && text[end] != 'O')) return end + 1 - at;
    // A single shift: the next character, of graphic bytes, is G2's (N) or G3's (O); one that is
    // not there or not graphic is the decoder's to reject.
    const size_t width = text[end] == 'N' ? g2_bytes_ : g3_bytes_;
    size_t shifted = end + 1;
    while (shifted < text.size() && shifted - end <= width &&
           static_cast<unsigned char>(text[shifted]) >= 0x20 &&
           static_cast<unsigned char>(text[shifted]) < 0x80) {
      ++shifted;
    }
    return shifted - at;
  }

  // Where the run that `at` is in ends: the next escape or shift after `at`; the end of `text`
  // when none. The byte at `at` belongs to the run whatever it is: Take() refused it, and an
  // ESC it cannot read (ESC at the end, ESC LF) is the decoder's to reject, not an end.
  size_t RunEnd(std::string_view text, size_t at) const {
    const size_t end = text.find_first_of(shifts_ ? "\x1B\x0F" : "\x1B", at + 1);
    return end == std::string_view::npos ? text.size() : end;
  }

 private:
  bool escapes_;
  bool shifts_;
  bool designated_ = false;  // G0 holds a set other than ASCII or JIS-Roman
  bool shifted_ = false;     // between SO and SI
  size_t g2_bytes_;          // bytes of a character of the sets designated to G2 and G3
  size_t g3_bytes_;
};

// Appends a comment whose text is `text` (`closed`: ended by "-->"), each '-' that would make
// "--" in it (after another, or before the closing "-->") a space. XML forbids "--" there, and
// libxml2 2.9.14 copies all of the comment read so far into each error it reports for one, a
// time quadratic in the comment's length ("<!--" + "a--b" x 120000, 480 KB, took over 10 s);
// libxml2 then also ends the comment where the repairs do, at its first "-->" ("--->" ends
// none). Feeds never read the text of comments. In an ISO-2022 document (`iso2022`) a comment with
// an escape sequence or a shift is left as it is: there a '-' may be half of a character.
void AppendComment(std::string_view text, bool closed, bool iso2022, std::string& out) {
  out.append("<!--");
  if (iso2022 && text.find_first_of("\x1B\x0E") != std::string_view::npos) {
    out.append(text);
  } else {
    for (size_t k = 0; k < text.size(); ++k) {
      const bool doubled =
          text[k] == '-' && ((k > 0 && text[k - 1] == '-') || (closed && k + 1 == text.size()));
      out += doubled ? ' ' : text[k];
    }
  }
  if (closed) out.append("-->");
}

// Whether XML 1.0 allows control character `c` (C0 but tab, CR and LF are forbidden).
bool AllowedInXml(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 || u == '\t' || u == '\n' || u == '\r';
}

// Appends the repair of the '&' at `at` in `text` to `out` and returns how many bytes of `text`
// it stands for: a bare '&' becomes "&amp;", an HTML entity XML does not know its numeric
// reference, a numeric reference to 0x80-0x9F the windows-1252 character HTML reads it as, any
// other reference stays as written.
size_t AppendAmpersand(std::string_view text, size_t at, std::string& out) {
  const size_t length = ReferenceLength(text, at);
  if (length == 0) {
    out += "&amp;";
    return 1;
  }
  if (const std::string windows_1252 = Windows1252Reference(text.substr(at, length));
      !windows_1252.empty()) {
    out += windows_1252;
    return length;
  }
  const std::string name(text.substr(at + 1, length - 2));
  const htmlEntityDesc* html =
      name.starts_with('#') ? nullptr
                            : htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str()));
  const bool xml_entity =
      name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
  if (html != nullptr && !xml_entity) {
    out += "&#" + std::to_string(html->value) + ";";
  } else {
    out.append(text.substr(at, length));
  }
  return length;
}

// One attribute of a start tag as a sloppy CMS writes it: `value` without its quotes; `quote`
// '"' or '\'', or 0 for a value written without quotes (`id=42`) or none at all (`hidden`).
struct WrittenAttribute {
  std::string_view name;
  std::string_view value;
  char quote = 0;
};

// Reads the attributes of start tag `tag` (from its '<' to the first '>' after it, whose name
// `name` is), calling `take` on each in order, and returns whether the tag closes itself ("/>").
// An unquoted value runs to whitespace or the tag's end; a '/' before its '>' is part of the
// value, as HTML reads "<item rdf:about=http://example.com/a/>", unless `slash_closes`: then it
// closes the tag, as XML reads "<link href=http://example.com/a rel=alternate/>". An '=' followed
// by none is an empty value. nullopt when the tag cannot be read so: an attribute name that is no
// XML name, an '=' without a name, a quote the tag does not close.
template <typename Take>
std::optional<bool> ReadStartTag(std::string_view tag, std::string_view name, bool slash_closes,
                                 Take take) {
  const auto name_char = [](char c) {
    return IsXmlNameChar(c) || static_cast<unsigned char>(c) >= 0x80;
  };
  const size_t last = tag.size() - 1;  // the '>'
  size_t at = 1 + name.size();
  while (true) {
    const size_t gap = at;
    while (at < last && IsXmlSpace(tag[at])) ++at;
    if (at == last) return false;
    if (tag[at] == '/' && at + 1 == last) return true;
    if (at == gap || !(IsXmlNameStart(tag[at]) || static_cast<unsigned char>(tag[at]) >= 0x80)) {
      return std::nullopt;
    }
    WrittenAttribute attribute;
    const size_t name_start = at;
    while (at < last && name_char(tag[at])) ++at;
    attribute.name = tag.substr(name_start, at - name_start);
    size_t after = at;
    while (after < last && IsXmlSpace(tag[after])) ++after;
    if (after < last && tag[after] == '=') {
      at = after + 1;
      while (at < last && IsXmlSpace(tag[at])) ++at;
      if (tag[at] == '"' || tag[at] == '\'') {
        const size_t close = tag.find(tag[at], at + 1);
        if (close == std::string_view::npos || close >= last) return std::nullopt;
        attribute.quote = tag[at];
        attribute.value = tag.substr(at + 1, close - at - 1);
        at = close + 1;
      } else {
        const size_t start = at;
        while (at < last && !IsXmlSpace(tag[at])) ++at;
        attribute.value = tag.substr(start, at - start);
        if (slash_closes && at == last && attribute.value.ends_with('/')) {
          // A URL's own '/' ("href=http://example.com/post/>"), as a permalink ends, is its.
          if (attribute.value.find("://") == std::string_view::npos) {
            attribute.value.remove_suffix(1);
          }
          take(attribute);
          return true;
        }
      }
    } else if (at < last && !IsXmlSpace(tag[at]) && tag[at] != '/') {
      return std::nullopt;  // a byte that neither names nor ends ("id@x", "a\"b")
    }
    take(attribute);
  }
}

// Whether `name` is an element a feed nests others in (an item, an entry, the root, an RSS
// channel), which a writer never closes empty.
bool NestsItems(std::string_view name) {
  const size_t colon = name.rfind(':');
  const std::string_view local = colon == name.npos ? name : name.substr(colon + 1);
  return local == "item" || local == "entry" || local == "channel" || local == "rss" ||
         local == "feed" || local == "RDF";
}

// Whether the text after a start tag of `name` (`rest`, the document after it) runs to the
// element's own end tag, through text, comments and CDATA sections ("<category domain=x/>
// <![CDATA[World]]></category>"): then the element holds that text and was not meant to be closed
// empty. Reads `rest` to its first '<' that begins neither a comment nor a CDATA section, a part
// of the document no other start tag's call reads (the next start tag is at or after it). In an
// ISO-2022 document it stops, answering no, at the first byte of `run_openers` outside a section
// (Iso2022Runs::Openers): RepairedForXml skips the run that may follow whole, so a "<!--" or "<"
// in it would be read again by the look-ahead of every tag before it (a quadratic time).
enum class OwnEndTag { kFollows, kDoesNotFollow, kNotSearchedPastACharsetShift };
OwnEndTag OwnEndTagFollows(std::string_view name, std::string_view rest,
                           std::string_view run_openers) {
  const std::string stops = "<" + std::string(run_openers);
  for (size_t at = rest.find_first_of(stops); at != std::string_view::npos;
       at = rest.find_first_of(stops, at)) {
    if (rest[at] != '<') return OwnEndTag::kNotSearchedPastACharsetShift;
    const std::optional<XmlSection> section = XmlSectionAt(rest, at);
    if (!section) {
      return rest.substr(at).starts_with("</") && TagName(rest, at + 2) == name
                 ? OwnEndTag::kFollows
                 : OwnEndTag::kDoesNotFollow;
    }
    if (!section->closed) return OwnEndTag::kDoesNotFollow;
    at = section->end;
  }
  return OwnEndTag::kDoesNotFollow;
}

// Whether `url` ends in what names a file ("logo.png", "a.mp3", "index.html"), which a '/' does
// not follow, rather than in a path's segment, which may end in one: a last path segment with a
// '.' before an extension of at most five letters and digits, one a letter; no query or fragment.
bool EndsInFileName(std::string_view url) {
  if (url.find_first_of("?#") != std::string_view::npos) return false;
  const size_t host = url.find("://");
  if (host == std::string_view::npos || url.find('/', host + 3) == std::string_view::npos) {
    return false;  // a host alone
  }
  const std::string_view segment = url.substr(url.rfind('/') + 1);
  const size_t dot = segment.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view extension = segment.substr(dot + 1);
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  const auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  return !extension.empty() && extension.size() <= 5 &&
         std::all_of(extension.begin(), extension.end(), alnum) &&
         std::any_of(extension.begin(), extension.end(), alpha);
}

// A '/' glued to an unquoted URL before the '>' of a tag it closes: the URL's own as well
// ("href=http://example.com/post/>", a permalink), or only the tag's
// ("url=http://example.com/logo.png/>")? Weighed once the whole document is read (WeighUrlSlashes).
struct UrlSlash {
  std::string_view attribute;  // its attribute's name
  std::string_view url;        // the value without that '/'
  size_t out_at = 0;           // where the '/' is in the repaired text
  size_t note = 0;             // its note's index in RepairGuesses::notes, or npos
};

// Most URL slashes weighed against the rest of the document; those after are read by their own
// form alone (EndsInFileName), so that what is kept for the weighing stays small whatever the
// document.
constexpr size_t kMaxUrlSlashesWeighed = 1024;

// What RepairedForXml guessed where a start tag reads two ways, for ParsedFeed::guess_notes and
// guesses. Tags are noted in document order, so that each byte is counted once for their lines.
class RepairGuesses {
 public:
  explicit RepairGuesses(std::string_view body) : body_(body) {}

  // Counts a guess about `tag` (a view into the body) and, while fewer than kMaxGuessNotes are
  // kept, keeps "line N: <tag>: " + `reading()`; returns the note's index, or npos when not kept.
  template <typename Reading>
  size_t Note(std::string_view tag, Reading reading) {
    ++count_;
    if (notes_.size() == kMaxGuessNotes) return std::string_view::npos;
    const size_t at = static_cast<size_t>(tag.data() - body_.data());
    line_ += static_cast<size_t>(std::count(body_.begin() + static_cast<ptrdiff_t>(counted_),
                                            body_.begin() + static_cast<ptrdiff_t>(at), '\n'));
    counted_ = at;
    notes_.push_back("line " + std::to_string(line_) + ": " + ShownInNote(tag) + ": " + reading());
    return notes_.size() - 1;
  }
  void Complete(size_t note, std::string_view reading) {
    if (note != std::string_view::npos) notes_[note].append(reading);
  }

  std::vector<std::string>& notes() { return notes_; }
  uint64_t count() const { return count_; }
  std::vector<UrlSlash>& url_slashes() { return url_slashes_; }

 private:
  std::string_view body_;
  size_t line_ = 1;
  size_t counted_ = 0;
  std::vector<std::string> notes_;
  uint64_t count_ = 0;
  std::vector<UrlSlash> url_slashes_;
};

// How `slash` reads by its URL's own form, the rest of the document saying nothing either way
// or both: a file name's '/' closes the tag only.
bool SlashIsTheUrls(const UrlSlash& slash) { return !EndsInFileName(slash.url); }

// The note's end for `slash` read as `urls` says, `why` the reason.
std::string UrlSlashReading(const UrlSlash& slash, bool urls, std::string_view why) {
  std::string reading = urls ? "the '/' before '>' read as the URL's own and as closing the tag ("
                             : "the '/' before '>' read as closing the tag, not as the URL's (";
  reading.append(ShownInNote(slash.attribute))
      .append("=\"")
      .append(ShownInNote(slash.url))
      .append(urls ? "/" : "");
  return reading.append("\"), ").append(why);
}

// Whether the URL a text writes ends at `at`: at white space, a quote, markup, or a quote or
// markup escaped ("&quot;", "&lt;").
bool EndsWrittenUrl(std::string_view text, size_t at) {
  const char c = text[at];
  if (IsXmlSpace(c) || c == '"' || c == '\'' || c == '<' || c == '>') return true;
  if (c != '&') return false;
  const std::string_view entity = text.substr(at + 1, 5);
  for (std::string_view escaped : {"quot;", "apos;", "lt;", "gt;", "#34;", "#39;"}) {
    if (entity.starts_with(escaped)) return true;
  }
  return false;
}

// Decides each of `guesses`' URL slashes by how the rest of `body` writes its URL: with the '/'
// (not before a '>', where it reads two ways again) makes it the URL's own, without it only the
// tag's; a document that writes the URL neither way, or both, leaves it to the URL's form
// (SlashIsTheUrls). Removes from `out` each '/' that is not the URL's, and completes the notes.
// One pass over `body`: each URL it writes (from its scheme, "://" and on to where it ends) is
// read once and looked up once.
void WeighUrlSlashes(std::string_view body, RepairGuesses& guesses, std::string& out) {
  std::vector<UrlSlash>& slashes = guesses.url_slashes();
  if (slashes.empty()) return;
  struct Written {
    bool with_slash = false;
    bool without = false;
  };
  std::unordered_map<std::string_view, Written> written;
  for (const UrlSlash& slash : slashes) written.emplace(slash.url, Written{});
  const auto scheme_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  };
  for (size_t at = body.find("://"); at != std::string_view::npos;) {
    size_t start = at;
    while (start > 0 && scheme_char(body[start - 1])) --start;
    size_t end = at + 3;
    while (end < body.size() && !EndsWrittenUrl(body, end)) ++end;
    const std::string_view url = body.substr(start, end - start);
    if (!url.ends_with('/')) {
      if (auto found = written.find(url); found != written.end()) found->second.without = true;
    } else if (end == body.size() || body[end] != '>') {
      const std::string_view bare = url.substr(0, url.size() - 1);
      if (auto found = written.find(bare); found != written.end()) found->second.with_slash = true;
    }
    at = body.find("://", end);
  }
  std::vector<size_t> removed;
  for (const UrlSlash& slash : slashes) {
    const Written& seen = written[slash.url];
    bool urls = false;
    std::string why;
    if (seen.with_slash != seen.without) {
      urls = seen.with_slash;
      why = "as the document writes " + ShownInNote(slash.url) + (urls ? "/" : "") + " elsewhere";
    } else {
      urls = SlashIsTheUrls(slash);
      why = urls ? "as a path may end in '/'" : "as a file name ends the URL";
      if (seen.with_slash) why += " (the document writes it both ways)";
    }
    guesses.Complete(slash.note, UrlSlashReading(slash, urls, why));
    if (!urls) removed.push_back(slash.out_at);
  }
  if (removed.empty()) return;
  std::string kept;
  kept.reserve(out.size());
  size_t from = 0;
  for (const size_t at : removed) {
    kept.append(out, from, at - from);
    from = at + 1;
  }
  kept.append(out, from, std::string::npos);
  out = std::move(kept);
}

// Appends start tag `tag` of `name` with every attribute value quoted, when it has one written
// without quotes or without a value: libxml2 cannot finish such a tag, and recovery closes its
// element there (an item's children become the channel's and the item is lost; a guid or category
// loses its text, an RSS root its channel). Values get the repairs of text (AppendAmpersand,
// control characters), and '<' and '"' in them become references. A '/' glued to the last unquoted
// value before the '>' reads two ways, and `guesses` notes the one taken: it stays in the value,
// the element open, on an element a feed nests others in (NestsItems) and on one whose own end tag
// follows (OwnEndTagFollows, from `rest`, the document after the tag, and `run_openers`); elsewhere
// it closes the tag, and on a URL it may be the URL's own as well (WeighUrlSlashes decides once the
// document is read). Returns whether the tag closes itself, or nullopt (and appends nothing) when
// it has no attribute to repair, cannot be read (ReadStartTag) or has more than
// kMaxAttributesPerTag attributes (quoted, they would reach libxml2's quadratic check of
// duplicates): it is then left to the other repairs and recovery as written. The tag keeps its line
// breaks, so that the lines the parser reports after it are those of the feed.
std::optional<bool> AppendQuotedStartTag(std::string_view tag, std::string_view name,
                                         std::string_view rest, std::string_view run_openers,
                                         RepairGuesses& guesses, std::string& out) {
  bool unquoted = false;
  size_t attributes = 0;
  WrittenAttribute last;
  const std::optional<bool> readable =
      ReadStartTag(tag, name, false, [&](const WrittenAttribute& attribute) {
        unquoted |= attribute.quote == 0;
        ++attributes;
        last = attribute;
      });
  if (!readable || !unquoted || attributes > kMaxAttributesPerTag) return std::nullopt;
  const bool glued = tag.ends_with("/>") && last.quote == 0 && last.value.ends_with('/') &&
                     last.value.data() + last.value.size() == tag.data() + tag.size() - 1;
  const auto kept = [&last](std::string_view why) {
    return "the '/' before '>' read as the value's (" + ShownInNote(last.name) + "=\"" +
           ShownInNote(last.value) + "\"), not closing the tag" + std::string(why);
  };
  bool slash_closes = false;
  const OwnEndTag end_tag =
      glued && !NestsItems(name) ? OwnEndTagFollows(name, rest, run_openers) : OwnEndTag::kFollows;
  if (glued && NestsItems(name)) {
    guesses.Note(tag, [&] { return kept(": an item, entry, channel or root holds the others"); });
  } else if (glued && end_tag == OwnEndTag::kFollows) {
    guesses.Note(tag, [&] { return kept(", as </" + ShownInNote(name) + "> follows"); });
  } else {
    slash_closes = glued;
  }
  const size_t start = out.size();
  size_t url_slash_at = std::string::npos;
  out.append("<").append(name);
  const std::optional<bool> self_closing =
      ReadStartTag(tag, name, slash_closes, [&](const WrittenAttribute& attribute) {
        out.append(" ").append(attribute.name).append("=\"");
        const std::string_view value = attribute.value;
        for (size_t k = 0; k < value.size();) {
          if (value[k] == '&') {
            k += AppendAmpersand(value, k, out);
            continue;
          }
          if (value[k] == '<') {
            out += "&lt;";
          } else if (value[k] == '"') {
            out += "&quot;";
          } else {
            out += AllowedInXml(value[k]) ? value[k] : ' ';
          }
          ++k;
        }
        // The glued value when its '/' stayed in it (a URL's, ReadStartTag).
        if (slash_closes && value.data() + value.size() == tag.data() + tag.size() - 1) {
          url_slash_at = out.size() - 1;
        }
        out += '"';
      });
  if (slash_closes && url_slash_at == std::string::npos) {
    guesses.Note(tag, [&] {
      return "the '/' before '>' read as closing the tag (" + ShownInNote(last.name) + "=\"" +
             ShownInNote(last.value.substr(0, last.value.size() - 1)) + "\"), as no </" +
             ShownInNote(name) + "> follows" +
             (end_tag == OwnEndTag::kNotSearchedPastACharsetShift
                  ? " before the document's charset shifts (ISO-2022), which the search stops at"
                  : "");
    });
  } else if (slash_closes) {
    UrlSlash slash{last.name, last.value.substr(0, last.value.size() - 1), url_slash_at,
                   guesses.Note(tag, [] { return std::string(); })};
    if (guesses.url_slashes().size() < kMaxUrlSlashesWeighed) {
      guesses.url_slashes().push_back(slash);
    } else {
      const bool urls = SlashIsTheUrls(slash);
      guesses.Complete(slash.note,
                       UrlSlashReading(slash, urls,
                                       urls ? "as a path may end in '/' (not weighed: too many)"
                                            : "as a file name ends the URL (not weighed: too "
                                              "many)"));
      if (!urls) out.erase(url_slash_at, 1);
    }
  }
  const auto newlines = [](std::string_view text) {
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  };
  // Values keep theirs; those between attributes and around '=' go before the end.
  out.append(newlines(tag) - newlines(std::string_view(out).substr(start)), '\n');
  // "<item hidden/>" as HTML reads it: closed there, its title and link would be the channel's.
  const bool closes = *self_closing && !NestsItems(name);
  if (*self_closing && !closes && !glued) {
    guesses.Note(tag, [] {
      return std::string("not closed by its '/': an item, entry, channel or root holds the others");
    });
  }
  out.append(closes ? "/>" : ">");
  return closes;
}

// Where the start tag whose name ends at `after_name` stops: at the first '>' outside a quoted
// attribute value (a quote counts only where a value begins, after '='), so that a value holding
// '>' or markup ("<channel note='<b>x</b>'>") belongs to its tag; or at the first '<' outside one,
// which no start tag holds. npos when a value's quote is never closed, or neither comes. What a
// call reads before where it stops, RepairedForXml reads as inside this tag, so that no later
// call reads it again ("<a x='>'<a x='>'..." would otherwise be read to its end at every tag).
size_t QuoteAwareTagStop(std::string_view body, size_t after_name) {
  size_t at = after_name;
  while (at < body.size() && body[at] != '>' && body[at] != '<') {
    if (body[at] != '=') {
      ++at;
      continue;
    }
    ++at;
    while (at < body.size() && IsXmlSpace(body[at])) ++at;
    if (at < body.size() && (body[at] == '"' || body[at] == '\'')) {
      const size_t close = body.find(body[at], at + 1);
      if (close == std::string_view::npos) return close;
      at = close + 1;
    }
  }
  return at < body.size() ? at : std::string_view::npos;
}

// The '>' that ends the document type declaration at `at` ("<!DOCTYPE"), past the quoted
// literals and comments of its internal subset, where entity values may hold markup
// ("<!ENTITY footer '<hr/><p class=small>'>"). npos when it does not end.
size_t DoctypeEnd(std::string_view body, size_t at) {
  bool subset = false;
  for (size_t j = at + 9; j < body.size(); ++j) {
    const char c = body[j];
    if (c == '"' || c == '\'') {
      j = body.find(c, j + 1);
      if (j == std::string_view::npos) return j;
    } else if (c == '<' && subset) {
      if (const std::optional<XmlSection> section = XmlSectionAt(body, j); section) {
        if (!section->closed) return std::string_view::npos;
        j = section->end - 1;
      }
    } else if (c == '[') {
      subset = true;
    } else if (c == ']') {
      subset = false;
    } else if (c == '>' && !subset) {
      return j;
    }
  }
  return std::string_view::npos;
}

// Repairs what real feeds get wrong and libxml2's recovery would drop, outside CDATA sections
// and (but for the last) comments, in an ASCII-compatible encoding (UTF-16 is left alone), and
// outside an ISO-2022 document's runs of other character sets (Iso2022Runs), whose escape sequences
// and shifts stay:
// - C0 control characters other than tab, CR and LF (forbidden in XML 1.0) become spaces;
// - a bare '&' ("Fish & Chips", "?a=1&b=2") becomes "&amp;";
// - a '<' that cannot begin markup ("a < b", "<= 5", "<3") becomes "&lt;": recovery drops it;
// - an end tag that closes no open element ("</b>" left by a template) is dropped, and one that
//   closes an element with others left open inside it ("<p>one<br>two</p>") closes those first:
//   recovery takes either for the end of the enclosing element, and the rest of it is lost;
// - an HTML entity XML does not know ("&nbsp;", "&eacute;") becomes its numeric reference, which
//   means the same character in any document encoding. The five XML entities and entities the
//   document declares itself are kept (these are never external: InitLibxml in feed_parser.cc);
// - a numeric reference to 0x80-0x9F ("&#146;"), a C1 control to XML, becomes the reference to
//   the windows-1252 character HTML reads it as ("&#8217;": Windows1252Reference);
// - a start tag with attribute values written without quotes or attributes without a value
//   ("<item id=42 hidden>", "<guid isPermaLink=false>", "<rss version=2.0>", "<img src=a.jpg>"
//   in a description's markup) gets quotes (AppendQuotedStartTag): every tag outside CDATA
//   sections and comments is markup to libxml2, wherever it is in the document; where such a
//   tag reads two ways (a '/' glued to its last value before the '>'), `guesses` notes the
//   reading taken;
// - in a comment, a '-' that makes "--" becomes a space (AppendComment).
std::string RepairedForXml(std::string_view body, std::string_view lower_encoding,
                           RepairGuesses& guesses) {
  if (body.starts_with("\xFF\xFE") || body.starts_with("\xFE\xFF")) return std::string(body);
  std::string out;
  out.reserve(body.size() + body.size() / 64);
  OpenElements open;
  // Where the first '>' at or after the last position asked about is. Tags are asked about in
  // document order, so one found ahead of a later tag's name is its '>' too: searching again for
  // each '<' would cost the rest of the document every time ("<a<a<a..." with no '>').
  size_t next_gt = 0;
  bool next_gt_known = false;
  const auto tag_end = [&](size_t from) {
    if (!next_gt_known || (next_gt != std::string_view::npos && next_gt < from)) {
      next_gt = body.find('>', from);
      next_gt_known = true;
    }
    return next_gt;
  };
  // Where the last start tag or document type declaration read ends (QuoteAwareTagStop,
  // DoctypeEnd), one past its '>': a tag before it is inside that markup, in a value or a literal
  // ("<channel note='<b>x</b><guid x=1>'>", "<!ENTITY x '<hr/><item id=1>'>"), where quotes added
  // would end the value; and one inside a start tag left as written ("<a x=<a x=<a ... y='>")
  // would read the rest of that tag again, a time quadratic in its length.
  size_t markup_until = 0;
  // A document has one type declaration: only the first is read as one, so that one left
  // unterminated is read to the end once, not again at every "<!DOCTYPE" after it.
  bool doctype_read = false;
  Iso2022Runs runs(lower_encoding);
  size_t i = 0;
  while (i < body.size()) {
    if (runs.escapes()) {
      if (const size_t length = runs.Take(body, i); length > 0) {
        out.append(body.substr(i, length));
        i += length;
        continue;
      }
      if (runs.inside()) {
        const size_t end = runs.RunEnd(body, i);
        out.append(body.substr(i, end - i));
        i = end;
        continue;
      }
    }
    const char c = body[i];
    if (c == '<') {
      // Markup begins with a name (bytes above ASCII may be one), '/', '!' or '?'.
      const unsigned char next = i + 1 < body.size() ? body[i + 1] : ' ';
      if (!IsXmlNameStart(static_cast<char>(next)) && next < 0x80 && next != '/' && next != '!' &&
          next != '?') {
        out += "&lt;";
        ++i;
        continue;
      }
      const bool inside_markup = i < markup_until;
      if (next == '/') {
        const std::string_view name = TagName(body, i + 2);
        const size_t end = tag_end(i + 2);
        if (!name.empty() && end != std::string_view::npos && !open.Close(name, out)) {
          i = end + 1;
          continue;
        }
      } else if (const std::string_view name = TagName(body, i + 1); !name.empty()) {
        size_t end = tag_end(i + 1);
        if (end != std::string_view::npos && !inside_markup) {
          const size_t stop = QuoteAwareTagStop(body, i + 1 + name.size());
          if (stop != std::string_view::npos && body[stop] == '>') end = stop;
          // At a '<' the tag cannot hold, it ends at its first '>', or at that '<' when a quote
          // took the '>' in. (A quote never closed is read to the end once: no later tag holds
          // that quote.)
          markup_until = stop != std::string_view::npos && body[stop] == '<'
                             ? std::max(end + 1, stop)
                             : end + 1;
          const std::string_view tag = body.substr(i, end + 1 - i);
          const bool shifts = runs.escapes() && tag.find_first_of("\x1B\x0E") != tag.npos;
          if (const std::optional<bool> self_closing =
                  shifts ? std::nullopt
                         : AppendQuotedStartTag(tag, name, body.substr(end + 1), runs.Openers(),
                                                guesses, out)) {
            if (!*self_closing) open.Open(name);
            i = end + 1;
            continue;
          }
        }
        if (end != std::string_view::npos && body[end - 1] != '/') open.Open(name);
      } else if (!inside_markup && !doctype_read && body.substr(i).starts_with("<!DOCTYPE")) {
        doctype_read = true;
        if (const size_t end = DoctypeEnd(body, i); end != std::string_view::npos) {
          markup_until = end + 1;
        }
      }
      if (const std::optional<XmlSection> section = XmlSectionAt(body, i)) {
        if (section->comment) {
          AppendComment(section->content, section->closed, runs.escapes(), out);
        } else {
          out.append(body.substr(i, section->end - i));
        }
        i = section->end;
        continue;
      }
      out += '<';  // a tag's '<' is copied as it is
      ++i;
      continue;
    }
    if (c == '&') {
      i += AppendAmpersand(body, i, out);
      continue;
    }
    out += AllowedInXml(c) ? c : ' ';
    ++i;
  }
  WeighUrlSlashes(body, guesses, out);
  return out;
}

}  // namespace

std::string ShownInNote(std::string_view text) {
  constexpr size_t kShownBytes = 120;
  std::string shown(text.substr(0, kShownBytes));
  if (text.size() > kShownBytes) {
    while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) {
      shown.pop_back();
    }
    if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) shown.pop_back();
    shown += "...";
  }
  std::replace_if(
      shown.begin(), shown.end(), [](char c) { return IsXmlSpace(c); }, ' ');
  return shown;
}

RepairedMarkup RepairMarkup(std::string_view body, std::string_view lower_encoding) {
  RepairGuesses guesses(body);
  RepairedMarkup repaired;
  repaired.text = RepairedForXml(body, lower_encoding, guesses);
  repaired.guess_notes = std::move(guesses.notes());
  repaired.guesses = guesses.count();
  return repaired;
}

}  // namespace headwire::producers
