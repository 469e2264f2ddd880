#include "producers/feed_html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cctype>
#include <memory>
#include <unordered_set>

#include "producers/feed_charset.h"
#include "producers/feed_libxml.h"
#include "producers/feed_markup_repair.h"
#include "producers/feed_text.h"

namespace headwire::producers {
namespace {

// The HTML elements that separate the text before them from the text after: words on either
// side are two words, with no whitespace between them in the markup.
bool IsBlockElement(std::string_view name) {
  static const std::unordered_set<std::string_view> kBlocks = {
      "p",     "div",  "br",         "li",     "ul",         "ol",      "dl",      "dt",     "dd",
      "tr",    "td",   "th",         "table",  "caption",    "h1",      "h2",      "h3",     "h4",
      "h5",    "h6",   "blockquote", "pre",    "section",    "article", "header",  "footer", "nav",
      "aside", "main", "address",    "figure", "figcaption", "details", "summary", "hr"};
  return kBlocks.contains(name);
}

// Appends the text of `node` and its following siblings: text and CDATA as they are, script and
// style dropped, a space around each block element, and the text of an entity reference (a feed's
// own internal entity, which the XML parser leaves unsubstituted).
void AppendMarkupText(const xmlNode* node, std::string& out) {
  for (const xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) out += reinterpret_cast<const char*>(n->content);
    } else if (n->type == XML_ENTITY_REF_NODE) {
      out += TakeXmlString(xmlNodeGetContent(n));
    } else if (n->type == XML_ELEMENT_NODE) {
      const std::string name = Lower(LocalName(n));
      if (name == "script" || name == "style" || name == "noscript") continue;
      const bool block = IsBlockElement(name);
      if (block) out += ' ';
      AppendMarkupText(n->children, out);
      if (block) out += ' ';
    }
  }
}

// `html` with each numeric reference to 0x80-0x9F ("&#146;") rewritten to the windows-1252
// character HTML reads it as (Windows1252Reference), which libxml2's HTML parser does not do.
// A reference is looked for in the few bytes after its "&#", so the time is linear.
std::string WithWindows1252References(std::string_view html) {
  constexpr size_t kLongestReference = 12;  // "&#x0000009F;"
  std::string out;
  size_t copied = 0;
  for (size_t at = html.find("&#"); at != std::string_view::npos; at = html.find("&#", at + 2)) {
    const size_t end = html.substr(at, kLongestReference).find(';');
    if (end == std::string_view::npos) continue;
    const std::string windows_1252 = Windows1252Reference(html.substr(at, end + 1));
    if (windows_1252.empty()) continue;
    out.append(html.substr(copied, at - copied)).append(windows_1252);
    copied = at + end + 1;
  }
  if (copied == 0) return std::string(html);
  out.append(html.substr(copied));
  return out;
}

}  // namespace

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool nbsp = c == 0xC2 && i + 1 < text.size() && text[i + 1] == '\xA0';
    if (std::isspace(c) || nbsp) {
      pending_space = !out.empty();
      if (nbsp) ++i;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(c);
  }
  return out;
}

std::string HtmlToText(std::string_view html, MarkupLimit& limit) {
  if (html.find_first_of("<&") == std::string_view::npos) return CollapseWhitespace(html);
  if (MostAttributesInATag(html) > kMaxAttributesPerTag) {
    limit.exceeded = true;
    return "";
  }
  const std::string wrapped = "<html><body>" + WithWindows1252References(html) + "</body></html>";
  std::unique_ptr<htmlParserCtxt, decltype(&htmlFreeParserCtxt)> context(htmlNewParserCtxt(),
                                                                         &htmlFreeParserCtxt);
  if (context == nullptr) return CollapseWhitespace(html);
  uint64_t nodes = 0;
  ParseWatch watch;
  watch.nodes = &nodes;
  watch.max_nodes = limit.max_nodes;
  WatchNodes(context.get(), watch);
  DocPtr doc(htmlCtxtReadMemory(context.get(), wrapped.data(), static_cast<int>(wrapped.size()),
                                nullptr, "UTF-8",
                                HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                    HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED));
  if (watch.over) {
    limit.exceeded = true;
    return "";
  }
  if (!doc) return CollapseWhitespace(html);
  std::string text;
  AppendMarkupText(xmlDocGetRootElement(doc.get()), text);
  return CollapseWhitespace(text);
}

std::string TextOfMarkupElement(const xmlNode* node, MarkupLimit& limit) {
  std::string text;
  AppendMarkupText(node->children, text);
  return HtmlToText(text, limit);
}

}  // namespace headwire::producers
