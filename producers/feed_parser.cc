#include "producers/feed_parser.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <zlib.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "common/ingest_time.h"
#include "common/proto_convert.h"
#include "common/time_format.h"
#include "core/article_id.h"
#include "core/fingerprint.h"
#include "core/text.h"
#include "core/validation.h"
#include "core/watermark.h"
#include "producers/feed_charset.h"
#include "producers/feed_html_text.h"
#include "producers/feed_item_fields.h"
#include "producers/feed_item_split.h"
#include "producers/feed_libxml.h"
#include "producers/feed_link.h"
#include "producers/feed_markup_repair.h"
#include "producers/feed_namespaces.h"
#include "producers/feed_text.h"
#include "producers/json_feed.h"

namespace headwire::producers {
namespace {

// The most of a libxml2 message a parse keeps. Its messages quote the input (an element's name
// may be 50,000 bytes), and what a parse keeps goes into logs, the feed's state, `feed status`
// and dead letters' reasons.
constexpr size_t kMaxLibxmlMessageBytes = 300;

// The first `max_bytes` of UTF-8 `text`, cut at a character boundary (at most three bytes
// earlier: a character has no more continuation bytes, whatever bytes that are not UTF-8 do).
std::string TruncateUtf8(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && max_bytes - cut < 3 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
  return text;
}

// libxml2's `message`, trimmed, cut to kMaxLibxmlMessageBytes on a character boundary.
std::string LibxmlMessage(const char* message) {
  std::string text = Trim(message);
  if (text.size() <= kMaxLibxmlMessageBytes) return text;
  return TruncateUtf8(std::move(text), kMaxLibxmlMessageBytes) + "... (cut)";
}

// The namespace of RDF's own elements: an RSS 1.0 document's root, and the rdf:about of its items.
constexpr std::string_view kRdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

// Longest title made from an item's body when it has no title of its own.
constexpr size_t kTitleFromBodyBytes = 160;

// Refuses every external entity, DTD and XInclude, whatever the options say.
xmlParserInputPtr RefuseExternalEntity(const char* /*url*/, const char* /*id*/,
                                       xmlParserCtxtPtr /*context*/) {
  return nullptr;
}

void InitLibxml() {
  static const bool initialised = [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(RefuseExternalEntity);
    return true;
  }();
  static_cast<void>(initialised);
}

// The prefix `node` is written with when the document declares it nowhere ("rss" of <rss:item>
// without an xmlns:rss): libxml2 then keeps the whole name as its name, in no namespace. Empty
// for any other element.
std::string_view UndeclaredPrefix(const xmlNode* node) {
  if (node->ns != nullptr) return {};
  const std::string_view name = LocalName(node);
  const size_t colon = name.find(':');
  return colon == std::string_view::npos || colon == 0 ? std::string_view() : name.substr(0, colon);
}

// The name of `node` without a prefix the document declares nowhere: <rss:item> and <atom:entry>
// so written are an item and an entry, as a feed's own elements are named in no namespace too.
std::string_view OwnName(const xmlNode* node) {
  const std::string_view prefix = UndeclaredPrefix(node);
  return prefix.empty() ? LocalName(node) : LocalName(node).substr(prefix.size() + 1);
}

// The name `child` is read by inside `parent`: without a prefix the document declares nowhere
// when `parent` is written with that prefix too (<rss:item><rss:title>), whose vocabulary it then
// shares; its name as it is otherwise (an undeclared <media:title> in an item is no title).
std::string_view NameInside(const xmlNode* child, const xmlNode* parent) {
  const std::string_view prefix = UndeclaredPrefix(child);
  return !prefix.empty() && prefix == UndeclaredPrefix(parent) ? OwnName(child) : LocalName(child);
}

std::string Attribute(const xmlNode* node, const char* name) {
  return TakeXmlString(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
}

// libxml2 reports what no parser context catches (a byte its decoder refuses: "encoding error :
// input conversion failed", "I/O error : encoder error") through its generic and structured
// error handlers, which print raw lines to stderr by default: lines in no log format, that break
// --log-format json. Those handlers are per thread in libxml2 2.9 built with threads (the main
// thread's are the process globals, which only it uses), so no handler installed once would reach
// the poll threads: each parse installs its own for its duration and puts back what it found.
// What they receive becomes the parser's own values (ParsedFeed::damage, the error), never a
// line of output. The parser context's own handler (KeepFirstError) still gets its errors first.
class LibxmlDiagnostics {
 public:
  LibxmlDiagnostics()
      : structured_(xmlStructuredError),
        structured_context_(xmlStructuredErrorContext),
        generic_(xmlGenericError),
        generic_context_(xmlGenericErrorContext) {
    xmlSetStructuredErrorFunc(this, &LibxmlDiagnostics::Structured);
    xmlSetGenericErrorFunc(this, &LibxmlDiagnostics::Generic);
  }
  ~LibxmlDiagnostics() {
    xmlSetStructuredErrorFunc(structured_context_, structured_);
    xmlSetGenericErrorFunc(generic_context_, generic_);
  }
  LibxmlDiagnostics(const LibxmlDiagnostics&) = delete;
  LibxmlDiagnostics& operator=(const LibxmlDiagnostics&) = delete;

  // The first error decoding the document's bytes ("input conversion failed due to input error,
  // bytes 0x98 0xB7 0xB5 0x70"); empty when there was none.
  const std::string& decoding_error() const { return decoding_error_; }
  // How many there were so far: a parse during which this grows stopped at a byte its decoder
  // refused, before the end of its text.
  uint64_t decoding_errors() const { return decoding_errors_; }

 private:
  static void Structured(void* data, xmlError* error) {
    auto* self = static_cast<LibxmlDiagnostics*>(data);
    if (self == nullptr || error == nullptr) return;
    if (error->domain == XML_FROM_I18N ||
        (error->domain == XML_FROM_IO && error->code == XML_IO_ENCODER)) {
      ++self->decoding_errors_;
      if (self->decoding_error_.empty() && error->message != nullptr) {
        self->decoding_error_ = LibxmlMessage(error->message);
      }
    }
  }
  // Only what libxml2 prints without a structured error (memory failures, debug output): the
  // parse fails or succeeds on its own terms, with nothing to add.
  static void Generic(void* /*data*/, const char* /*format*/, ...) {}

  xmlStructuredErrorFunc structured_;
  void* structured_context_;
  xmlGenericErrorFunc generic_;
  void* generic_context_;
  std::string decoding_error_;
  uint64_t decoding_errors_ = 0;
};

// The concatenated text of a node's descendants (CDATA included, markup dropped).
std::string NodeText(const xmlNode* node) { return TakeXmlString(xmlNodeGetContent(node)); }

// Atom text constructs: type="text" is plain text (its '&' and '<' are literal), "html" and
// "xhtml" are markup.
std::string AtomText(const xmlNode* node, MarkupLimit& limit) {
  const std::string type = Lower(Attribute(node, "type"));
  if (type.empty() || type == "text") return CollapseWhitespace(NodeText(node));
  return TextOfMarkupElement(node, limit);
}

std::vector<const xmlNode*> ChildElements(const xmlNode* node) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* n = node ? node->children : nullptr; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE) out.push_back(n);
  }
  return out;
}

// The elements a format defines: in no namespace (RSS 0.9x/2.0, Atom written without one) or in
// one of the format's. Extensions that reuse a name (media:title, media:description, atom:link
// inside RSS) are in another and are not taken for the format's own.
enum class Vocabulary { kRss, kAtom, kAny };

bool IsIn(const xmlNode* node, Vocabulary vocabulary) {
  if (vocabulary == Vocabulary::kAny || node->ns == nullptr || node->ns->href == nullptr) {
    return true;
  }
  const std::string_view href = reinterpret_cast<const char*>(node->ns->href);
  return vocabulary == Vocabulary::kRss ? IsRssNamespace(href) : IsAtomNamespace(href);
}

const xmlNode* FirstChild(const xmlNode* node, std::string_view name,
                          Vocabulary vocabulary = Vocabulary::kAny) {
  for (const xmlNode* child : ChildElements(node)) {
    if (NameInside(child, node) == name && IsIn(child, vocabulary)) return child;
  }
  return nullptr;
}

// Every element named `name` of `vocabulary` below `node`, depth first (items nested illegally
// included), those written with a prefix the document declares nowhere included (OwnName).
void CollectElements(const xmlNode* node, std::string_view name, Vocabulary vocabulary,
                     std::vector<const xmlNode*>& out) {
  for (const xmlNode* child : ChildElements(node)) {
    if (OwnName(child) == name && IsIn(child, vocabulary)) out.push_back(child);
    CollectElements(child, name, vocabulary, out);
  }
}

bool IsHttpUrl(std::string_view text) {
  const std::string lower = Lower(text.substr(0, 8));
  return lower.starts_with("http://") || lower.starts_with("https://");
}

// Resolves `link` against the xml:base in scope at `node` and the document URL. Returns "" when
// the result is not an http(s) URL.
std::string ResolveLink(const xmlNode* node, std::string_view link) {
  return ResolveFeedLink(link, TakeXmlString(xmlNodeGetBase(node->doc, node)));
}

// The texts of the first child elements of `item` with these names, in the order of the names.
std::vector<std::string> DateTexts(const xmlNode* item,
                                   std::initializer_list<std::string_view> names) {
  std::vector<std::string> texts;
  for (std::string_view name : names) {
    if (const xmlNode* node = FirstChild(item, name)) texts.push_back(NodeText(node));
  }
  return texts;
}

// The item id: a GUID that is a permalink is the link it names, so it gets the id of that URL
// (the id `produce` derives from a URL, so an item reached from two feeds is one article); any
// other GUID is stable by definition and is scoped to its feed; without a GUID the canonical link
// decides; without a link the content (title and body) in this feed.
std::string ItemId(const ItemFields& fields, std::string_view feed_url) {
  core::Article article;
  if (!fields.guid.empty() && fields.guid_is_permalink) {
    article.url = ResolveFeedLink(fields.guid, "");
    const std::string id = core::DeriveArticleId(article);
    if (id.starts_with('u')) return id;
  }
  if (!fields.guid.empty()) {
    return "g" + core::Hex128(std::string(feed_url) + '\x1f' + fields.guid);
  }
  if (!fields.url.empty()) {
    article.url = fields.url;
    const std::string id = core::DeriveArticleId(article);
    if (id.starts_with('u')) return id;
  }
  return "c" + core::Hex128(std::string(feed_url) + '\x1f' + fields.title + '\x1f' + fields.body);
}

// What tells an item apart from another with the same ItemId, in its document or seen before:
// its GUID as written (fragment included), else its title. Two items of a document with the
// same key are one item listed twice.
std::string ItemKey(const ItemFields& fields) {
  return fields.guid.empty() ? "t" + fields.title : "g" + fields.guid;
}

// The id of an item whose ItemId belongs to another item with another key, in its document or
// seen before (items of a status page that all link to the page; permalinks that differ only by
// their fragment): from its permalink GUID as written, else from its link and title; a GUID that
// is not a link keeps its ItemId, which no item with another GUID can share.
std::string SharedItemId(const ItemFields& fields, std::string_view feed_url) {
  if (!fields.guid.empty() && !fields.guid_is_permalink) return ItemId(fields, feed_url);
  if (!fields.guid.empty()) return "l" + core::Hex128(fields.guid);
  return "l" + core::Hex128(fields.url + '\x1f' + fields.title);
}

// The href of the first Atom <link> among `node`'s children that names the page itself (no rel,
// or "alternate"), resolved.
std::string AlternateAtomLink(const xmlNode* node) {
  for (const xmlNode* child : ChildElements(node)) {
    if (NameInside(child, node) != "link" || !IsIn(child, Vocabulary::kAtom)) continue;
    const std::string rel = Attribute(child, "rel");
    if (!rel.empty() && rel != "alternate") continue;
    const std::string href = ResolveLink(child, Attribute(child, "href"));
    if (!href.empty()) return href;
  }
  return "";
}

ItemFields ReadRssItem(const xmlNode* item, MarkupLimit& limit) {
  ItemFields f;
  if (const xmlNode* title = FirstChild(item, "title", Vocabulary::kRss)) {
    f.title = TextOfMarkupElement(title, limit);
  }
  if (const xmlNode* orig = FirstChild(item, "origLink")) {
    f.url = ResolveLink(orig, NodeText(orig));
  }
  if (const xmlNode* link = FirstChild(item, "link", Vocabulary::kRss); link && f.url.empty()) {
    f.url = ResolveLink(link, NodeText(link));
  }
  if (f.url.empty()) f.url = AlternateAtomLink(item);
  if (const xmlNode* guid = FirstChild(item, "guid", Vocabulary::kRss)) {
    f.guid = Trim(NodeText(guid));
    f.guid_is_permalink = Lower(Attribute(guid, "isPermaLink")) != "false" && IsHttpUrl(f.guid);
    if (f.url.empty() && f.guid_is_permalink) f.url = ResolveFeedLink(f.guid, "");
  } else {
    // RSS 1.0 names each item by its rdf:about URI.
    const std::string uri =
        TakeXmlString(xmlGetNsProp(item, reinterpret_cast<const xmlChar*>("about"),
                                   reinterpret_cast<const xmlChar*>(kRdfNamespace.data())));
    if (!uri.empty()) {
      f.guid = Trim(uri);
      f.guid_is_permalink = IsHttpUrl(f.guid);
    }
  }
  const xmlNode* bodies[] = {FirstChild(item, "description", Vocabulary::kRss),
                             FirstChild(item, "encoded"), FirstChild(item, "summary")};
  for (const xmlNode* node : bodies) {
    if (node == nullptr) continue;
    f.body = TextOfMarkupElement(node, limit);
    if (!f.body.empty()) break;
  }
  if (const xmlNode* language = FirstChild(item, "language")) {
    f.language = Trim(NodeText(language));
  }
  // dcterms:issued and dcterms:modified as well, before and after dc:date's "updated" kin.
  f.TakeDate(DateTexts(item, {"pubDate", "date", "published", "issued", "updated", "modified"}));
  return f;
}

ItemFields ReadAtomEntry(const xmlNode* entry, MarkupLimit& limit) {
  ItemFields f;
  if (const xmlNode* title = FirstChild(entry, "title", Vocabulary::kAtom)) {
    f.title = AtomText(title, limit);
  }
  f.url = AlternateAtomLink(entry);
  if (f.url.empty()) {
    for (const xmlNode* child : ChildElements(entry)) {
      if (NameInside(child, entry) != "link" || !IsIn(child, Vocabulary::kAtom)) continue;
      const std::string rel = Attribute(child, "rel");
      if (rel == "self" || rel == "edit" || rel == "replies") continue;
      f.url = ResolveLink(child, Attribute(child, "href"));
      if (!f.url.empty()) break;
    }
  }
  if (const xmlNode* id = FirstChild(entry, "id", Vocabulary::kAtom)) {
    f.guid = Trim(NodeText(id));
    f.guid_is_permalink = IsHttpUrl(f.guid) && ResolveFeedLink(f.guid, "") == f.url;
  }
  for (std::string_view name : {"summary", "content"}) {
    if (const xmlNode* node = FirstChild(entry, name, Vocabulary::kAtom)) {
      f.body = AtomText(node, limit);
      if (!f.body.empty()) break;
    }
  }
  f.language = TakeXmlString(xmlNodeGetLang(entry));
  f.TakeDate(DateTexts(entry, {"published", "updated", "issued", "modified"}));
  return f;
}

// What a gzip body inflated to, and whether its stream ended: a body cut short in transit
// inflates to a prefix of the document.
struct Inflated {
  std::string text;
  bool complete = false;
};

Result<Inflated> Inflate(std::string_view body, uint64_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return Err(Status::Internal("zlib init failed"));
  std::string out;
  char buffer[64 * 1024];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      return Err(Status::Corruption("not a feed: corrupt gzip data"));
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return Err(Status::Corruption("not a feed: gzip data inflates past " +
                                    std::to_string(max_bytes) + " bytes"));
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;
  }
  inflateEnd(&stream);
  return Inflated{std::move(out), rc == Z_STREAM_END};
}

// One parse of an XML text in recovering mode, and what recovery had to do.
struct XmlParse {
  DocPtr doc;
  // Why the document needed recovery (the parser's first error and its line), or why the parser
  // stopped before its end; empty when it is well-formed.
  std::string damage;
  // The elements the text ends inside of, before their end tags (a body cut short): what they
  // hold stops at the cut. Empty when the parse stopped before the end of its text (at a byte the
  // decoder refused, an entity loop), where what is open is not known to be cut.
  std::unordered_set<const xmlNode*> cut_off;
  std::unordered_map<const xmlNode*, long> long_lines;  // ParseWatch::long_lines

  // The line of `node` (one of the parse's elements), past 65534 as well where it is known.
  long LineOf(const xmlNode* node) const {
    const auto found = node->line == 65535 ? long_lines.find(node) : long_lines.end();
    return found == long_lines.end() ? xmlGetLineNo(node) : found->second;
  }
};

// Keeps the first well-formedness error of a parse in its ParseWatch; later errors are mostly
// consequences of the first.
void KeepFirstError(void* data, xmlError* error) {
  std::string& first = WatchOf(data).first_error;
  if (!first.empty() || error == nullptr || error->message == nullptr ||
      error->domain != XML_FROM_PARSER || error->level < XML_ERR_ERROR) {
    return;
  }
  first = LibxmlMessage(error->message) + " (line " + std::to_string(error->line) + ")";
}

// What the parses of one document count together, and their limits: nodes (max_nodes) and the
// text its entity references stand for (ParseWatch::entity_bytes).
struct DocumentCounts {
  uint64_t nodes = 0;
  uint64_t max_nodes = 0;
  uint64_t entity_bytes = 0;
  uint64_t max_entity_bytes = 0;
};

// The reason a body whose entity references stand for more than `max_entity_bytes` is refused
// with; `floor` is FeedParseOptions::max_entity_bytes.
std::string OverEntityLimit(uint64_t max_entity_bytes, uint64_t floor) {
  return "not a feed: its entity references stand for more than " +
         std::to_string(max_entity_bytes) +
         " bytes of text in one parse (max_entity_bytes = " + std::to_string(floor) +
         ", or the body's size when larger)";
}

// `encoding` (empty: the document's own BOM or declaration, else UTF-8) decodes `text`; with
// `ignore_declaration` it does even when the XML declaration names another. The nodes it builds
// and the entity text its references stand for are added to `counts`; past either limit the
// parse stops and the body is refused (`limit` names the floor of the entity limit).
// `diagnostics` tells whether the decoder stopped it.
Result<XmlParse> ParseXml(std::string_view text, const std::string& base,
                          const std::string& encoding, const LibxmlDiagnostics& diagnostics,
                          DocumentCounts& counts, const MarkupLimit& limit,
                          bool ignore_declaration = false) {
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> context(xmlNewParserCtxt(),
                                                                       &xmlFreeParserCtxt);
  if (context == nullptr) return Err(Status::Internal("libxml2: no parser context"));
  ParseWatch watch;
  watch.nodes = &counts.nodes;
  watch.max_nodes = counts.max_nodes;
  watch.entity_bytes = &counts.entity_bytes;
  watch.max_entity_bytes = counts.max_entity_bytes;
  WatchNodes(context.get(), watch);
  context->sax->serror = KeepFirstError;
  const uint64_t decoding_errors = diagnostics.decoding_errors();
  XmlParse parse;
  parse.doc.reset(xmlCtxtReadMemory(context.get(), text.data(), static_cast<int>(text.size()),
                                    base.c_str(), encoding.empty() ? nullptr : encoding.c_str(),
                                    XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                                        (ignore_declaration ? XML_PARSE_IGNORE_ENC : 0)));
  if (watch.over) return Err(Status::Corruption(OverNodeLimit(counts.max_nodes)));
  if (watch.entities_over) {
    return Err(
        Status::Corruption(OverEntityLimit(counts.max_entity_bytes, limit.max_entity_bytes)));
  }
  if (context->disableSAX != 0) {
    // The error that stopped the parse, with its line in the document: the first one may be an
    // entity's, numbered from the start of the entity's text.
    const xmlError* error = xmlCtxtGetLastError(context.get());
    parse.damage =
        error != nullptr && error->message != nullptr
            ? LibxmlMessage(error->message) + " (line " + std::to_string(error->line) + ")"
            : "the XML parser stopped early";
  } else if (context->wellFormed == 0) {
    parse.damage =
        watch.first_error.empty() ? "the document is not well-formed" : watch.first_error;
  }
  // Read from the parser's own stack of open elements, not from its start and end events: when
  // it cannot finish a start tag ("<img alt="a "b" c">"), recovery closes that element without an
  // end event.
  if (context->disableSAX == 0 && diagnostics.decoding_errors() == decoding_errors) {
    parse.cut_off.insert(context->nodeTab, context->nodeTab + context->nodeNr);
  }
  parse.long_lines = std::move(watch.long_lines);
  return parse;
}

// The most text the entity references of a document of `received_bytes` (its body as it came,
// before any decoding or repair here, which may make it larger) may stand for in one parse:
// FeedParseOptions::max_entity_bytes, or the document's size when larger.
uint64_t EntityBudget(size_t received_bytes, const MarkupLimit& limit) {
  return std::max<uint64_t>(limit.max_entity_bytes, received_bytes);
}

// The note of ParsedFeed::guess_notes for an element named `name` on line `line`, written with a
// prefix the document declares nowhere and read as `what` ("an item", "the root").
std::string UndeclaredPrefixNote(std::string_view name, long line, std::string_view what) {
  return "line " + std::to_string(line) + ": <" + ShownInNote(name) + ">: read as " +
         std::string(what) + ", its prefix " + ShownInNote(name.substr(0, name.find(':'))) +
         " declared nowhere in the document";
}

// The items or entries of a document written with a prefix it declares nowhere (<rss:item>),
// read as its own: how many, and the first's name and line.
struct UndeclaredItems {
  uint64_t count = 0;
  std::string first_name;
  long first_line = 0;

  // The note of ParsedFeed::guess_notes that says so.
  std::string Note(FeedFormat format) const {
    return UndeclaredPrefixNote(first_name, first_line,
                                format == FeedFormat::kAtom ? "an entry" : "an item") +
           (count > 1 ? " (as " + std::to_string(count - 1) + " more)" : "");
  }
};

// Counts a guess in `feed` for `node`, the root or the channel, when it is written with a prefix
// the document declares nowhere (read as `what`), and notes it while fewer than kMaxGuessNotes are.
void NoteUndeclaredPrefix(const xmlNode* node, std::string_view what, const XmlParse& parse,
                          ParsedFeed& feed) {
  if (UndeclaredPrefix(node).empty()) return;
  ++feed.guesses;
  if (feed.guess_notes.size() < kMaxGuessNotes) {
    feed.guess_notes.push_back(UndeclaredPrefixNote(LocalName(node), parse.LineOf(node), what));
  }
}

// The namespace of a document's own elements when it is none its format's vocabulary knows: its
// root's (<rss xmlns="http://example.com/ns">, <rss xmlns="http://www.w3.org/2005/Atom">, <feed
// xmlns="urn:x">), or for an RDF root, which is RDF's, its first child's when that is the channel
// (<channel xmlns="http://purl.org/rss/1.0">, the URI mistyped). Empty when the document has
// none, or one of its format's, or `root` is no feed's.
std::string ForeignOwnNamespace(const xmlNode* root) {
  const std::string_view root_name = OwnName(root);
  const xmlNode* own = root;
  if (root_name == "RDF") {
    own = root->children;
    while (own != nullptr && own->type != XML_ELEMENT_NODE) own = own->next;
    if (own == nullptr || OwnName(own) != "channel") return "";
  } else if (root_name != "rss" && root_name != "feed") {
    return "";
  }
  if (own->ns == nullptr || own->ns->href == nullptr) return "";
  const std::string_view uri = reinterpret_cast<const char*>(own->ns->href);
  if (uri == kRdfNamespace || (root_name == "feed" ? IsAtomNamespace(uri) : IsRssNamespace(uri))) {
    return "";
  }
  return std::string(uri);
}

// Puts the elements in `uri`, the document's foreign own namespace (ForeignOwnNamespace), in
// none, where the format's own elements are written, so that its items, titles and links are read
// as feedparser reads them: the document says they are its own vocabulary, under a URI this parser
// does not know. Extensions in other namespaces stay where they are; an empty `uri` changes
// nothing. One walk of the tree, which enters elements only (an entity reference's children are
// its declaration's).
void AdoptForeignOwnNamespace(xmlNode* root, const std::string& uri) {
  if (uri.empty()) return;
  const auto* href = reinterpret_cast<const xmlChar*>(uri.c_str());
  xmlNode* node = root;
  while (node != nullptr) {
    if (node->ns != nullptr && xmlStrEqual(node->ns->href, href)) node->ns = nullptr;
    xmlNode* next = node->children;
    while (next != nullptr && next->type != XML_ELEMENT_NODE) next = next->next;
    for (xmlNode* up = node; next == nullptr && up != root; up = up->parent) {
      next = up->next;
      while (next != nullptr && next->type != XML_ELEMENT_NODE) next = next->next;
    }
    node = next;
  }
}

// The elements named as `format`'s items are (<item>, <entry>, by OwnName) below `root` that are
// not read as items, their namespace not the format's (<x:item xmlns:x="urn:other">).
struct ForeignItems {
  uint64_t count = 0;
  std::string first_namespace;  // the first one's namespace URI, as ShownInNote shows it
};

ForeignItems FindForeignItems(const xmlNode* root, FeedFormat format) {
  const Vocabulary vocabulary = format == FeedFormat::kAtom ? Vocabulary::kAtom : Vocabulary::kRss;
  std::vector<const xmlNode*> named;
  CollectElements(root, format == FeedFormat::kAtom ? "entry" : "item", Vocabulary::kAny, named);
  ForeignItems foreign;
  for (const xmlNode* node : named) {
    if (IsIn(node, vocabulary)) continue;
    if (foreign.count++ == 0) {
      foreign.first_namespace = ShownInNote(reinterpret_cast<const char*>(node->ns->href));
    }
  }
  return foreign;
}

// The items of a parsed RSS, RDF or Atom document, in document order, but for those `parse` was
// cut off inside of (XmlParse::cut_off), which are counted in `cut_off_items` instead. Those
// written with an undeclared prefix are counted in `undeclared` when it is given.
std::vector<ItemFields> ReadItems(const xmlNode* root, FeedFormat format, const XmlParse& parse,
                                  MarkupLimit& limit, uint64_t& cut_off_items,
                                  UndeclaredItems* undeclared = nullptr) {
  std::vector<const xmlNode*> nodes;
  if (format == FeedFormat::kAtom) {
    CollectElements(root, "entry", Vocabulary::kAtom, nodes);
  } else {
    // RSS 1.0 puts its items beside the channel, and some RSS 2.0 feeds put a few there too.
    CollectElements(root, "item", Vocabulary::kRss, nodes);
  }
  std::vector<ItemFields> items;
  items.reserve(nodes.size());
  for (const xmlNode* node : nodes) {
    if (undeclared != nullptr && !UndeclaredPrefix(node).empty()) {
      if (undeclared->count++ == 0) {
        undeclared->first_name = LocalName(node);
        undeclared->first_line = parse.LineOf(node);
      }
    }
    if (parse.cut_off.contains(node)) {
      ++cut_off_items;
    } else {
      items.push_back(format == FeedFormat::kAtom ? ReadAtomEntry(node, limit)
                                                  : ReadRssItem(node, limit));
    }
  }
  return items;
}

// The items of a damaged document read one at a time (feed_item_split.h), inside the start tags
// around them cut down to what items inherit. libxml2's recovery can lose every item after a
// mismatched end tag or an unclosed quote; read alone, the damage stays in its item. The last one
// runs to the end of the document and is read as it ends, without the end tags of the wrapping,
// so that an item the document is cut off inside of is seen to be: it is counted in
// `cut_off_items`, not read. The parses together count against one node limit, as one
// document's. Items written with an undeclared prefix are counted in `undeclared`, the first one's
// line the document's. `encoding` and `ignore_declaration` are the document's parse's (ParseXml),
// `own_namespace` its foreign own namespace (ForeignOwnNamespace) and `received_bytes` its size
// as it came (EntityBudget). nullopt when the document is not cut (see SplitItems).
Result<std::optional<std::vector<ItemFields>>> ReadItemsOneByOne(
    std::string_view text, FeedFormat format, const std::string& base, const std::string& encoding,
    bool ignore_declaration, const std::string& own_namespace, size_t received_bytes,
    const LibxmlDiagnostics& diagnostics, MarkupLimit& limit, uint64_t& cut_off_items,
    UndeclaredItems& undeclared) {
  const auto split = SplitItems(text, format == FeedFormat::kAtom ? "entry" : "item");
  if (!split) return std::nullopt;
  const auto newlines = [](std::string_view part) {
    return static_cast<long>(std::count(part.begin(), part.end(), '\n'));
  };
  // Where each item starts: its line in `text`, and in its wrapped parse.
  long item_line = 1;
  size_t counted = 0;
  const long wrapped_line = 1 + newlines(split->opening);
  std::vector<ItemFields> items;
  DocumentCounts counts{.max_nodes = limit.max_nodes,
                        .max_entity_bytes = EntityBudget(received_bytes, limit)};
  std::string wrapped;
  for (size_t i = 0; i < split->items.size(); ++i) {
    const auto at = static_cast<size_t>(split->items[i].data() - text.data());
    item_line += newlines(text.substr(counted, at - counted));
    counted = at;
    wrapped.assign(split->opening).append(split->items[i]);
    if (i + 1 < split->items.size()) wrapped.append(split->closing);
    auto parse = ParseXml(wrapped, base, encoding, diagnostics, counts, limit, ignore_declaration);
    if (!parse) return Err(parse.error());
    if (xmlNode* element = parse->doc ? xmlDocGetRootElement(parse->doc.get()) : nullptr) {
      AdoptForeignOwnNamespace(element, own_namespace);
      UndeclaredItems its;
      for (ItemFields& fields : ReadItems(element, format, *parse, limit, cut_off_items, &its)) {
        items.push_back(std::move(fields));
      }
      if (its.count > 0 && undeclared.count == 0) {
        undeclared = its;
        undeclared.first_line += item_line - wrapped_line;
      } else {
        undeclared.count += its.count;
      }
    }
  }
  return items;
}

Result<ParsedFeed> ParseXmlFeed(std::string_view body, const FeedResponse& response,
                                const LibxmlDiagnostics& diagnostics, MarkupLimit& limit,
                                std::vector<ItemFields>& items) {
  InitLibxml();
  const size_t received_bytes = body.size();
  // A byte-order mark wins over the header and the declaration (RFC 7303 section 3.3, as browsers
  // do): it is the document's own bytes, where a server's header may label a whole site with one
  // charset, and a declaration may have been copied with a template.
  // A charset libxml2 cannot decode is as good as none: libxml2 itself would ignore an unknown
  // one passed to it, and halt at one in the declaration, reading nothing (the XML
  // recommendation's rule), so that every item of a readable feed would be lost on each poll.
  // The labels read as windows-1252 are decoded here, whether libxml2 knows them or not.
  const auto readable = [](const std::string& name) {
    return IsWindows1252Label(name) || LibxmlKnowsEncoding(name);
  };
  std::string unknown_encoding;
  std::string encoding = BomEncoding(body);
  const bool by_bom = !encoding.empty();
  if (!by_bom) {
    encoding = HeaderCharset(response.content_type);
    if (!encoding.empty() && !readable(encoding)) {
      unknown_encoding = EncodingNameForLog(encoding);
      encoding.clear();
    }
  }
  const std::string declaration = by_bom ? std::string() : DeclaredEncoding(body);
  std::string declared = encoding.empty() ? declaration : encoding;
  const bool unknown_declaration = !declared.empty() && !readable(declared);
  if (unknown_declaration) {
    if (unknown_encoding.empty()) unknown_encoding = EncodingNameForLog(declared);
    declared.clear();
  }
  // A header that says UTF-8 in front of a body that is not, whose declaration names another
  // charset: a server labelling every response UTF-8, not windows-1252 pasted into a UTF-8 feed
  // (which its own declaration would call UTF-8). The declaration is right.
  if (IsUtf8Name(encoding) && !by_bom && !declaration.empty() && !IsUtf8Name(declaration) &&
      !IsUtf16Or32Name(declaration) && readable(declaration)) {
    std::string_view whole = body;
    whole.remove_suffix(IncompleteUtf8Tail(whole));
    if (!core::IsValidUtf8(whole)) encoding = declared = declaration;
  }
  // A UTF-8 body cut inside a character ends in its first bytes, where libxml2 stops as at an
  // error, leaving the item the cut is in as if whole but for its last character. Without them,
  // the parse reaches the end of the text inside the item, which is then seen to be cut off.
  if (declared.empty() || IsUtf8Name(declared)) body.remove_suffix(IncompleteUtf8Tail(body));
  std::string repaired;
  if (!core::IsValidUtf8(body) && declared.empty()) {
    encoding = DetectCharset(body);
    if (!readable(encoding)) encoding.clear();
  }
  // What the body is read as, named in `damage` and `read_as`.
  std::string read_as = encoding.empty() ? declared : encoding;
  // A body labelled US-ASCII that holds bytes past 0x7F is labelled wrongly whatever it is; when
  // those bytes are UTF-8, UTF-8 is what it is (a server's or a template's default label).
  if (IsAsciiLabel(read_as) && core::IsValidUtf8(body)) {
    read_as.clear();
    encoding = "UTF-8";
  }
  if (IsWindows1252Label(read_as)) {
    // Decoded here, not by libxml2, whose ISO-8859-1 gives C1 controls for windows-1252's curly
    // quotes, whose ASCII stops at the first byte past 0x7F, and whose windows-1252 (iconv's)
    // refuses the five undefined bytes.
    repaired = core::Windows1252ToUtf8(body);
    body = repaired;
    read_as = "windows-1252";
    encoding = "UTF-8";
  } else if (!core::IsValidUtf8(body) &&
             (IsUtf8Name(declared) || (unknown_declaration && encoding.empty()))) {
    // A feed declared UTF-8 with some bytes that are not: almost always windows-1252 text
    // pasted in. Read so, the item is delivered instead of failing validation on every poll.
    // The same holds for a document whose charset is unknown and cannot be detected.
    repaired = core::RepairUtf8AsWindows1252(body);
    body = repaired;
  }
  if (unknown_declaration && encoding.empty()) encoding = "UTF-8";
  // Whatever decides the charset but the declaration itself (the BOM, the header, detection, a
  // decoding done here) is followed whatever the declaration says: libxml2 would otherwise switch
  // to the declared charset at the declaration, for the part of the body it has not decoded yet.
  const bool ignore_declaration = unknown_declaration || !encoding.empty();
  const std::string& effective = encoding.empty() ? declared : encoding;
  RepairedMarkup repair = RepairMarkup(body, Lower(effective));
  const std::string& cleaned = repair.text;
  const std::string base = response.base_url.empty() ? response.feed_url : response.base_url;
  if (MostAttributesInATag(cleaned) > kMaxAttributesPerTag) {
    return Err(Status::Corruption("not a feed: a tag with more than " +
                                  std::to_string(kMaxAttributesPerTag) + " attributes"));
  }
  DocumentCounts counts{.max_nodes = limit.max_nodes,
                        .max_entity_bytes = EntityBudget(received_bytes, limit)};
  auto parse = ParseXml(cleaned, base, encoding, diagnostics, counts, limit, ignore_declaration);
  if (!parse) return Err(parse.error());
  // Read now: the parses below (HTML in items, items one by one) do not decode the document.
  const std::string decoding_error = diagnostics.decoding_error();
  xmlNode* root = parse->doc ? xmlDocGetRootElement(parse->doc.get()) : nullptr;
  if (root == nullptr) {
    if (!unknown_encoding.empty()) {
      return Err(Status::Corruption("not a feed: unreadable document in the unknown encoding \"" +
                                    unknown_encoding + "\""));
    }
    return Err(
        Status::Corruption("not a feed: empty or unreadable document" +
                           (decoding_error.empty() ? std::string() : " (" + decoding_error + ")")));
  }
  // Found once, in the whole document: an item read alone (ReadItemsOneByOne) is wrapped in the
  // start tags still open at it, where an RDF channel, closed before its items, is not.
  const std::string own_namespace = ForeignOwnNamespace(root);
  AdoptForeignOwnNamespace(root, own_namespace);
  const std::string root_name(OwnName(root));
  ParsedFeed feed;
  feed.guess_notes = std::move(repair.guess_notes);
  feed.guesses = repair.guesses;
  feed.damage = parse->damage;
  if (!decoding_error.empty()) {
    // The cause: libxml2 stops reading at a byte its decoder refuses, and what it reports after
    // (a premature end) follows from it.
    feed.damage =
        "bytes that are not " + (read_as.empty() ? "UTF-8" : read_as) + " (" + decoding_error + ")";
  }
  if (!unknown_encoding.empty()) {
    feed.unknown_encoding = unknown_encoding;
    feed.read_as = read_as.empty() ? "UTF-8" : read_as;
  }
  if (root_name == "rss" || root_name == "RDF") {
    feed.format = root_name == "rss" ? FeedFormat::kRss : FeedFormat::kRdf;
    NoteUndeclaredPrefix(root, "the root", *parse, feed);
    const xmlNode* channel = FirstChild(root, "channel", Vocabulary::kRss);
    if (channel == nullptr) {
      // A channel written with a prefix declared nowhere is the root's whatever the root's prefix
      // (<rss><rss:channel>), as such items are the document's.
      for (const xmlNode* child : ChildElements(root)) {
        if (OwnName(child) == "channel" && IsIn(child, Vocabulary::kRss)) {
          channel = child;
          break;
        }
      }
    }
    if (channel != nullptr) {
      NoteUndeclaredPrefix(channel, "the channel", *parse, feed);
      if (const xmlNode* title = FirstChild(channel, "title", Vocabulary::kRss)) {
        feed.title = TextOfMarkupElement(title, limit);
      }
      if (const xmlNode* language = FirstChild(channel, "language")) {
        feed.language = Trim(NodeText(language));
      }
    }
  } else if (root_name == "feed") {
    feed.format = FeedFormat::kAtom;
    NoteUndeclaredPrefix(root, "the root", *parse, feed);
    if (const xmlNode* title = FirstChild(root, "title", Vocabulary::kAtom)) {
      feed.title = AtomText(title, limit);
    }
    feed.language = TakeXmlString(xmlNodeGetLang(root));
  } else {
    return Err(Status::Corruption("not a feed: the root element is <" +
                                  ShownInNote(LocalName(root)) + ">"));
  }
  UndeclaredItems undeclared;
  items = ReadItems(root, feed.format, *parse, limit, feed.cut_off_items, &undeclared);
  // Read before the doc may go; items read now are not lost by reading them one at a time.
  ForeignItems foreign = items.empty() ? FindForeignItems(root, feed.format) : ForeignItems{};
  if (!feed.damage.empty() && !(body.starts_with("\xFF\xFE") || body.starts_with("\xFE\xFF"))) {
    parse->doc.reset();  // the items read alone are parsed without it
    uint64_t cut_off_alone = 0;
    UndeclaredItems undeclared_alone;
    auto one_by_one =
        ReadItemsOneByOne(cleaned, feed.format, base, effective, ignore_declaration, own_namespace,
                          received_bytes, diagnostics, limit, cut_off_alone, undeclared_alone);
    if (!one_by_one) return Err(one_by_one.error());
    if (!*one_by_one) {
      feed.damage +=
          "; items not read one at a time: the start tags around them are too long or too deep";
    } else if ((*one_by_one)->size() >= items.size()) {
      items = std::move(**one_by_one);
      feed.cut_off_items = cut_off_alone;
      undeclared = std::move(undeclared_alone);
    }
  }
  if (items.empty() && feed.cut_off_items == 0) {
    feed.foreign_items = foreign.count;
    feed.foreign_items_namespace = std::move(foreign.first_namespace);
  }
  if (undeclared.count > 0) {
    feed.guesses += undeclared.count;
    if (feed.guess_notes.size() < kMaxGuessNotes) {
      feed.guess_notes.push_back(undeclared.Note(feed.format));
    }
  }
  return feed;
}

// What leaves the parser is UTF-8 whatever the document did: a byte the decoding let through
// (a document declaring an encoding libxml2 does not know, say) is read as windows-1252, as in
// a feed declared UTF-8.
void MakeUtf8(std::string& text) {
  if (!core::IsValidUtf8(text)) text = core::RepairUtf8AsWindows1252(text);
}

}  // namespace

const char* FeedFormatName(FeedFormat format) {
  switch (format) {
    case FeedFormat::kRss:
      return "rss";
    case FeedFormat::kRdf:
      return "rdf";
    case FeedFormat::kAtom:
      return "atom";
    case FeedFormat::kJsonFeed:
      return "json_feed";
  }
  return "unknown";
}

Result<ParsedFeed> ParseFeed(std::string_view body, const FeedResponse& response,
                             const FeedParseOptions& options) {
  Inflated inflated{.text = "", .complete = true};
  if (body.starts_with("\x1F\x8B")) {
    auto out = Inflate(body, response.max_bytes);
    if (!out) return Err(out.error());
    inflated = std::move(*out);
    body = inflated.text;
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Err(Status::Corruption("not a feed: empty document"));
  }
  const LibxmlDiagnostics diagnostics;  // the whole parse: HTML in JSON Feed goes through libxml2
  std::vector<ItemFields> fields;
  MarkupLimit limit{.max_nodes = options.max_nodes, .max_entity_bytes = options.max_entity_bytes};
  auto feed = LooksLikeJson(body) ? ParseJsonFeed(body, response, limit, fields)
                                  : ParseXmlFeed(body, response, diagnostics, limit, fields);
  if (!feed) return feed;
  if (limit.exceeded) return Err(Status::Corruption(OverNodeLimit(options.max_nodes)));
  if (!inflated.complete) {
    feed->damage = "the gzip data ends before its stream does (the body was cut short)" +
                   (feed->damage.empty() ? "" : "; " + feed->damage);
  }
  for (std::string* text :
       {&feed->title, &feed->language, &feed->damage, &feed->foreign_items_namespace}) {
    MakeUtf8(*text);
  }
  for (std::string& note : feed->guess_notes) MakeUtf8(note);
  std::vector<std::string> item_ids;
  item_ids.reserve(fields.size());
  // The keys (ItemKey) of the items of each id: an id that has two is shared by distinct items.
  std::unordered_map<std::string, std::unordered_set<std::string>> keys_of_id;
  for (ItemFields& f : fields) {
    for (std::string* text :
         {&f.guid, &f.title, &f.body, &f.url, &f.language, &f.unreadable_date}) {
      MakeUtf8(*text);
    }
    if (f.title.empty()) f.title = TruncateUtf8(f.body, kTitleFromBodyBytes);
    if (f.title.empty() && f.url.empty()) {
      ++feed->skipped_items;
      item_ids.emplace_back();
      continue;
    }
    if (f.title.empty()) f.title = f.url;
    item_ids.push_back(ItemId(f, response.feed_url));
    keys_of_id[item_ids.back()].insert(ItemKey(f));
  }
  std::unordered_set<std::string> ids;
  for (size_t i = 0; i < fields.size(); ++i) {
    ItemFields& f = fields[i];
    if (item_ids[i].empty()) continue;  // skipped above
    FeedItem item;
    item.usual_id = std::move(item_ids[i]);
    item.shared_id = SharedItemId(f, response.feed_url);
    item.id = keys_of_id[item.usual_id].size() > 1 ? item.shared_id : item.usual_id;
    if (!ids.insert(item.id).second) continue;
    item.key = core::Hex128(ItemKey(f));
    item.title = std::move(f.title);
    item.body = std::move(f.body);
    item.url = std::move(f.url);
    item.language = f.language.empty() ? feed->language : std::move(f.language);
    item.published_at_ms = f.published_at_ms;
    item.unreadable_date = std::move(f.unreadable_date);
    feed->items.push_back(std::move(item));
  }
  return feed;
}

std::expected<v1::RawArticle, core::Rejection> FeedItemToRawArticle(
    const FeedItem& item, const ParsedFeed& feed, const FeedResponse& response,
    const FeedItemOverrides& overrides, const core::ValidationOptions& validation,
    int64_t fetched_at_ms) {
  core::Article article;
  article.id = item.id;
  article.title = item.title;
  article.body = TruncateUtf8(item.body, validation.max_body_bytes);
  article.url = item.url;
  article.source = overrides.source;
  if (article.source.empty()) article.source = feed.title;
  if (article.source.empty()) {
    xmlURIPtr uri = xmlParseURI(response.feed_url.c_str());
    if (uri != nullptr) {
      if (uri->server != nullptr) article.source = uri->server;
      xmlFreeURI(uri);
    }
  }
  article.source = TruncateUtf8(article.source, validation.max_short_field_bytes);
  article.language = overrides.language;
  if (article.language.empty()) article.language = item.language;
  if (article.language.empty()) article.language = overrides.default_language;
  if (article.language.empty()) article.language = "en";
  // A date that reads but cannot be right (Go's zero time, a 1970 placeholder, a date far past
  // the fetch) says as little as no date: the item is still an article, and gets the fetch time.
  const bool plausible =
      core::IsAcceptedEventTime(item.published_at_ms, validation) &&
      !common::CheckAheadOfIngest(item.published_at_ms, fetched_at_ms, core::kDefaultMaxAheadMs);
  article.published_at_ms = plausible ? item.published_at_ms : 0;
  if (auto rejection = core::Validate(article, validation)) return std::unexpected(*rejection);
  const bool estimated = article.published_at_ms == 0;
  if (estimated) article.published_at_ms = fetched_at_ms;

  v1::RawArticle raw = common::ToRawArticle(article);
  raw.set_ingested_at_ms(fetched_at_ms);
  raw.set_event_time_estimated(estimated);
  return raw;
}

}  // namespace headwire::producers
