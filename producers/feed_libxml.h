#pragma once
// The libxml2 plumbing the feed parser's files share (feed_parser.cc, feed_html_text.cc): owners
// for what libxml2 allocates, an element's name, and the bounds every parse of a body is held to.
// A parse counts the nodes it builds against FeedParseOptions::max_nodes, through SAX handlers put
// in front of those that build the tree, and stops past it; a text whose tags have more than
// kMaxAttributesPerTag attributes (feed_markup_repair.h) is refused before any parse, since
// libxml2 spends time quadratic in a tag's attributes before the node count sees them. Internal to
// the parser.

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
// against the limit, counted by the SAX handlers WatchNodes puts in before they build them.
struct ParseWatch {
  std::string first_error;
  uint64_t* nodes = nullptr;  // shared by the parses of a damaged document's items
  uint64_t max_nodes = 0;
  bool over = false;
  xmlSAXHandler builder{};  // the handlers that build the tree
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
