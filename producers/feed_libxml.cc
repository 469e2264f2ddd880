#include "producers/feed_libxml.h"

#include <algorithm>

#include "producers/feed_item_split.h"

namespace headwire::producers {

std::string TakeXmlString(xmlChar* text) {
  XmlCharPtr owned(text);
  return owned ? std::string(reinterpret_cast<const char*>(owned.get())) : std::string();
}

std::string_view LocalName(const xmlNode* node) {
  return node->name ? reinterpret_cast<const char*>(node->name) : "";
}

size_t MostAttributesInATag(std::string_view markup) {
  size_t most = 0;
  size_t count = 0;
  bool after_lt = false;
  bool in_tag = false;
  char quote = 0;
  for (const char c : markup) {
    if (c == '\0') continue;
    if (after_lt) {
      after_lt = false;
      in_tag = IsXmlNameStart(c);
    }
    if (quote != 0 && c != '<') {
      if (c == quote) quote = 0;
      continue;
    }
    quote = 0;
    if (c == '<') {
      after_lt = true;
      in_tag = false;
      count = 0;
    } else if (in_tag && (c == '"' || c == '\'')) {
      quote = c;
    } else if (in_tag && c == '=') {
      most = std::max(most, ++count);
    } else if (c == '>') {
      in_tag = false;
    }
  }
  return most;
}

ParseWatch& WatchOf(void* context) {
  return *static_cast<ParseWatch*>(static_cast<xmlParserCtxtPtr>(context)->_private);
}

namespace {

// Counts `nodes` about to be built; past the limit, stops the parse instead, so that what a
// parse holds is bounded whatever its input.
bool Admit(void* context, uint64_t nodes) {
  ParseWatch& watch = WatchOf(context);
  *watch.nodes += nodes;
  if (*watch.nodes <= watch.max_nodes) return true;
  watch.over = true;
  xmlStopParser(static_cast<xmlParserCtxtPtr>(context));
  return false;
}

void CountedStartElementNs(void* context, const xmlChar* name, const xmlChar* prefix,
                           const xmlChar* uri, int namespaces, const xmlChar** declarations,
                           int attributes, int defaulted, const xmlChar** values) {
  if (Admit(context, 1 + static_cast<uint64_t>(namespaces) + static_cast<uint64_t>(attributes))) {
    ParseWatch& watch = WatchOf(context);
    const auto* parser = static_cast<xmlParserCtxtPtr>(context);
    const int depth = parser->nodeNr;
    watch.builder.startElementNs(context, name, prefix, uri, namespaces, declarations, attributes,
                                 defaulted, values);
    // The element just built is the parser's current node, its line the one libxml2 gives it;
    // one that could not be pushed (no memory) was freed, and the current node is its parent.
    if (prefix != nullptr && uri == nullptr && parser->nodeNr > depth && parser->node != nullptr &&
        parser->input->line >= 65535) {
      watch.long_lines[parser->node] = parser->input->line;
    }
  }
}

void CountedStartElement(void* context, const xmlChar* name, const xmlChar** attributes) {
  uint64_t nodes = 1;
  for (const xmlChar** a = attributes; a != nullptr && a[0] != nullptr; a += 2) ++nodes;
  if (Admit(context, nodes)) WatchOf(context).builder.startElement(context, name, attributes);
}

void CountedReference(void* context, const xmlChar* name) {
  if (Admit(context, 1)) WatchOf(context).builder.reference(context, name);
}

void CountedComment(void* context, const xmlChar* text) {
  if (Admit(context, 1)) WatchOf(context).builder.comment(context, text);
}

void CountedInstruction(void* context, const xmlChar* target, const xmlChar* data) {
  if (Admit(context, 1)) WatchOf(context).builder.processingInstruction(context, target, data);
}

}  // namespace

void WatchNodes(xmlParserCtxtPtr context, ParseWatch& watch) {
  xmlSAXHandler& sax = *context->sax;
  watch.builder = sax;
  context->_private = &watch;
  if (sax.startElementNs != nullptr) sax.startElementNs = CountedStartElementNs;
  if (sax.startElement != nullptr) sax.startElement = CountedStartElement;
  if (sax.reference != nullptr) sax.reference = CountedReference;
  if (sax.comment != nullptr) sax.comment = CountedComment;
  if (sax.processingInstruction != nullptr) sax.processingInstruction = CountedInstruction;
}

}  // namespace headwire::producers
