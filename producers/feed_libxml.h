#pragma once
// The libxml2 plumbing the feed parser's files share (feed_parser.cc, feed_html_text.cc): owners
// for what libxml2 allocates, an element's name, and the bounds every parse of a body is held to.
// A parse counts the nodes it builds against FeedParseOptions::max_nodes, through SAX handlers put
// in front of those that build the tree, and stops past it; a text whose tags have more than
// kMaxAttributesPerTag attributes (feed_markup_repair.h) is refused before any parse, since
// libxml2 spends time quadratic in a tag's attributes before the node count sees them. A parse of
// a document also counts the text its references to its own entities stand for against
// FeedParseOptions::max_entity_bytes, and stops past it: libxml2, without XML_PARSE_NOENT, keeps
// a reference as one node and its entity's text once, but every read of the text (an item's
// title, body, an attribute) copies that text again at each reference. Internal to the parser.

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace headwire::producers {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
using XmlCharPtr = std::unique_ptr<xmlChar, XmlCharDeleter>;

// The text libxml2 allocated, freed; "" for none.
std::string TakeXmlString(xmlChar* text);

// The name libxml2 gives `node`: its local name, or the whole name written with a prefix the
// document declares nowhere; "" for none.
std::string_view LocalName(const xmlNode* node);

// The most attributes one tag of `markup` has, as the '=' in its tags outside quoted values
// say (a quoted value also ends at a '<', where libxml2's recovery ends it). NUL bytes are passed
// over, so that a UTF-16 document is read as its ASCII characters. Linear in the text.
size_t MostAttributesInATag(std::string_view markup);

// What a parse keeps in its context's _private: its first error, and the nodes built so far
// against the limit, counted by the SAX handlers WatchNodes puts in before they build them; for a
// document (`entity_bytes` set), the text its entity references stand for against theirs.
struct ParseWatch {
  std::string first_error;
  uint64_t* nodes = nullptr;  // shared by the parses of a damaged document's items
  uint64_t max_nodes = 0;
  bool over = false;
  // The bytes of text the references to the document's own entities stand for, each reference in
  // its text or in an attribute value (defaults the DTD gives included) counted at the size of
  // its entity's replacement text with the entities that text refers to, as often as they are
  // referred to. Shared as `nodes` is; null: not counted (an HTML parse, which has no entities of
  // its own).
  uint64_t* entity_bytes = nullptr;
  uint64_t max_entity_bytes = 0;
  bool entities_over = false;
  // The parse's own context: libxml2 parses an entity's text once, in a context of its own
  // that shares the handlers and _private, and what it refers to is counted in that entity's size.
  const void* document_context = nullptr;
  std::unordered_map<const xmlEntity*, uint64_t> entity_sizes;  // memo of EntityTextBytes
  xmlSAXHandler builder{};                                      // the handlers that build the tree
  // The lines of the elements written with a prefix the document declares nowhere that start past
  // line 65534, which libxml2 keeps in 16 bits (xmlGetLineNo reads 65535 there): notes name them.
  std::unordered_map<const xmlNode*, long> long_lines;
};

// The ParseWatch of the parse whose parser context is `context` (a SAX handler's first argument).
ParseWatch& WatchOf(void* context);

// Puts the counting handlers in front of those of `context` that build nodes, and `watch` in its
// _private. Text is not counted: a text node lies between two counted nodes.
void WatchNodes(xmlParserCtxtPtr context, ParseWatch& watch);

}  // namespace headwire::producers
