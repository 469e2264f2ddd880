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

// Deeper nesting of entities than libxml2 itself expands (40 levels without XML_PARSE_HUGE):
// counted as more text than any limit.
constexpr int kMaxEntityDepth = 40;

uint64_t AddSaturating(uint64_t a, uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

uint64_t EntityTextBytes(ParseWatch& watch, const xmlDoc* doc, const xmlEntity* entity, int depth);

// The bytes of text the entity references in `text` (an entity's replacement text, an attribute
// value as libxml2 passes it on, its references kept) stand for. A character reference is not an
// entity's; a reference to an entity the document does not declare stands for nothing.
uint64_t ReferencedBytes(ParseWatch& watch, const xmlDoc* doc, std::string_view text, int depth) {
  uint64_t bytes = 0;
  for (size_t amp = text.find('&'); amp != std::string_view::npos; amp = text.find('&', amp + 1)) {
    const size_t end = text.find_first_of(";&", amp + 1);
    if (end == std::string_view::npos || text[end] != ';' || end == amp + 1 ||
        text[amp + 1] == '#') {
      continue;
    }
    const std::string name(text.substr(amp + 1, end - amp - 1));
    const xmlEntity* entity = xmlGetDocEntity(doc, reinterpret_cast<const xmlChar*>(name.c_str()));
    bytes = AddSaturating(bytes, EntityTextBytes(watch, doc, entity, depth + 1));
  }
  return bytes;
}

// The most text a reference to `entity` stands for: its replacement text (markup included) and
// what the references in it stand for, memoised per entity, so that each entity's text is read
// once. A loop stands for nothing here: libxml2 finds it and stops the parse.
uint64_t EntityTextBytes(ParseWatch& watch, const xmlDoc* doc, const xmlEntity* entity, int depth) {
  if (entity == nullptr || entity->content == nullptr) return 0;
  if (entity->etype == XML_INTERNAL_PREDEFINED_ENTITY) return 1;
  if (entity->etype != XML_INTERNAL_GENERAL_ENTITY) return 0;  // external: never loaded
  if (depth > kMaxEntityDepth) return UINT64_MAX;
  if (const auto known = watch.entity_sizes.find(entity); known != watch.entity_sizes.end()) {
    return known->second;
  }
  watch.entity_sizes[entity] = 0;  // while it is measured: a loop back to it
  const std::string_view text(reinterpret_cast<const char*>(entity->content),
                              static_cast<size_t>(std::max(entity->length, 0)));
  const uint64_t bytes = AddSaturating(text.size(), ReferencedBytes(watch, doc, text, depth));
  watch.entity_sizes[entity] = bytes;
  return bytes;
}

// Counts `bytes` of entity text the document's parse is about to keep a reference to; past the
// limit, stops the parse instead, as Admit does. References inside an entity's text, parsed in a
// context of their own, are counted with that entity at each reference to it.
bool AdmitEntityText(void* context, uint64_t bytes) {
  ParseWatch& watch = WatchOf(context);
  if (watch.entity_bytes == nullptr || context != watch.document_context || bytes == 0) {
    return true;
  }
  *watch.entity_bytes = AddSaturating(*watch.entity_bytes, bytes);
  if (*watch.entity_bytes <= watch.max_entity_bytes) return true;
  watch.entities_over = true;
  xmlStopParser(static_cast<xmlParserCtxtPtr>(context));
  return false;
}

// The entity text the attribute values of a start tag refer to (libxml2 passes five pointers an
// attribute, the value between the fourth and the fifth).
uint64_t AttributeEntityBytes(void* context, int attributes, const xmlChar** values) {
  ParseWatch& watch = WatchOf(context);
  if (watch.entity_bytes == nullptr || context != watch.document_context) return 0;
  const xmlDoc* doc = static_cast<xmlParserCtxtPtr>(context)->myDoc;
  uint64_t bytes = 0;
  for (int i = 0; i < attributes; ++i) {
    const auto* value = reinterpret_cast<const char*>(values[5 * i + 3]);
    const auto* end = reinterpret_cast<const char*>(values[5 * i + 4]);
    if (value == nullptr || end == nullptr || end < value) continue;
    bytes = AddSaturating(
        bytes,
        ReferencedBytes(watch, doc, std::string_view(value, static_cast<size_t>(end - value)), 0));
  }
  return bytes;
}

void CountedStartElementNs(void* context, const xmlChar* name, const xmlChar* prefix,
                           const xmlChar* uri, int namespaces, const xmlChar** declarations,
                           int attributes, int defaulted, const xmlChar** values) {
  if (Admit(context, 1 + static_cast<uint64_t>(namespaces) + static_cast<uint64_t>(attributes)) &&
      AdmitEntityText(context, AttributeEntityBytes(context, attributes, values))) {
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
  if (!Admit(context, 1)) return;
  ParseWatch& watch = WatchOf(context);
  if (watch.entity_bytes != nullptr && context == watch.document_context) {
    const xmlDoc* doc = static_cast<xmlParserCtxtPtr>(context)->myDoc;
    if (!AdmitEntityText(context, EntityTextBytes(watch, doc, xmlGetDocEntity(doc, name), 0))) {
      return;
    }
  }
  watch.builder.reference(context, name);
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
  watch.document_context = context;
  context->_private = &watch;
  if (sax.startElementNs != nullptr) sax.startElementNs = CountedStartElementNs;
  if (sax.startElement != nullptr) sax.startElement = CountedStartElement;
  if (sax.reference != nullptr) sax.reference = CountedReference;
  if (sax.comment != nullptr) sax.comment = CountedComment;
  if (sax.processingInstruction != nullptr) sax.processingInstruction = CountedInstruction;
}

}  // namespace headwire::producers
