#include "producers/feed_item_split.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "producers/feed_namespaces.h"
#include "producers/xml_section.h"

namespace headwire::producers {
namespace {

// Where the next markup at or after `from` begins: a '<' outside the comments and CDATA sections
// that begin at or after `from`, whose text ("<item>" written about in a description) is no
// markup; npos when there is none. A comment or CDATA section left unclosed runs to the end, as
// the repairs before the parse read it (xml_section.h). Each byte is looked at a bounded number of
// times.
size_t NextMarkup(std::string_view text, size_t from) {
  for (size_t at = text.find('<', from); at != std::string_view::npos;
       at = text.find('<', at + 1)) {
    const std::optional<XmlSection> section = XmlSectionAt(text, at);
    if (!section) return at;
    if (!section->closed) return std::string_view::npos;
    at = section->end - 1;
  }
  return std::string_view::npos;
}

// The prefixes `text` declares ("xmlns:p='...'"), each with whether one of its declarations names
// a URI `items_vocabulary` takes (the RSS or Atom namespace): a prefix declared only with others
// is another vocabulary's, whose "<p:item>" the parser does not read as an item. Declarations are
// read as the bytes write them, wherever they are; one pass, each value read once.
std::unordered_map<std::string_view, bool> DeclaredPrefixes(
    std::string_view text, bool (*items_vocabulary)(std::string_view)) {
  constexpr std::string_view kDeclaration = "xmlns:";
  std::unordered_map<std::string_view, bool> declared;
  for (size_t at = text.find(kDeclaration); at != std::string_view::npos;
       at = text.find(kDeclaration, at)) {
    const std::string_view prefix = TagName(text, at + kDeclaration.size());
    at += kDeclaration.size() + prefix.size();
    while (at < text.size() && IsXmlSpace(text[at])) ++at;
    if (prefix.empty() || at == text.size() || text[at] != '=') continue;
    ++at;
    while (at < text.size() && IsXmlSpace(text[at])) ++at;
    if (at == text.size() || (text[at] != '"' && text[at] != '\'')) continue;
    const size_t close = text.find(text[at], at + 1);
    if (close == std::string_view::npos) break;
    bool& items = declared[prefix];
    items = items || items_vocabulary(text.substr(at + 1, close - at - 1));
    at = close + 1;
  }
  return declared;
}

// Where an element named `local` ("item") opens at or after `from`, without a prefix or with one
// `declared` (DeclaredPrefixes) does not give to another vocabulary only ("<item", "<rss:item"),
// or npos. Each markup's name is read once.
size_t FindStartTag(std::string_view text, std::string_view local,
                    const std::unordered_map<std::string_view, bool>& declared, size_t from) {
  for (size_t at = NextMarkup(text, from); at != std::string_view::npos;
       at = NextMarkup(text, at + 1)) {
    const std::string_view name = TagName(text, at + 1);
    const size_t colon = name.size() - std::min(name.size(), local.size() + 1);
    const bool prefixed =
        name.ends_with(local) && colon > 0 && name[colon] == ':' && name.find(':') == colon;
    const auto declaration = prefixed ? declared.find(name.substr(0, colon)) : declared.end();
    const bool named =
        name == local || (prefixed && (declaration == declared.end() || declaration->second));
    const size_t next = at + 1 + name.size();
    if (named && next < text.size() &&
        std::string_view(" \t\r\n>/").find(text[next]) != std::string_view::npos) {
      return at;
    }
  }
  return std::string_view::npos;
}

// Deepest nesting libxml2 reads (its xmlParserMaxDepth without XML_PARSE_HUGE): an item inside
// more open elements than that cannot be read alone either.
constexpr size_t kMaxDepth = 256;

// The start tags of the elements still open at `end`, outermost first, as the tags of `text`
// from `from` say (comments, CDATA sections, declarations and processing instructions skipped).
// An end tag closes the innermost open element of its name and those opened inside it; counts by
// name keep each end tag's test constant in time whatever the depth. Past kMaxDepth open
// elements only their number is kept (an end tag closes the innermost), and nullopt is returned
// when some are still open at `end`.
std::optional<std::vector<std::string_view>> OpenStartTags(std::string_view text, size_t from,
                                                           size_t end) {
  std::vector<std::string_view> open;
  std::vector<std::string_view> names;
  std::unordered_map<std::string_view, size_t> open_by_name;
  size_t deeper = 0;
  for (size_t at = text.find('<', from); at < end; at = text.find('<', at + 1)) {
    const std::string_view rest = text.substr(at, end - at);
    if (const std::optional<XmlSection> section = XmlSectionAt(text, at)) {
      if (!section->closed || section->end > end) break;
      at = section->end - 1;
      continue;
    }
    const size_t close = text.find('>', at);
    if (close == std::string_view::npos || close >= end) break;
    if (rest.starts_with("<!") || rest.starts_with("<?")) {
      at = close;
      continue;
    }
    if (rest.starts_with("</") && deeper > 0) {
      --deeper;
    } else if (rest.starts_with("</")) {
      const std::string_view name = TagName(text, at + 2);
      if (open_by_name[name] > 0) {
        while (true) {
          const std::string_view top = names.back();
          names.pop_back();
          open.pop_back();
          --open_by_name[top];
          if (top == name) break;
        }
      }
    } else if (text[close - 1] != '/' && names.size() == kMaxDepth) {
      ++deeper;
    } else if (text[close - 1] != '/') {
      names.push_back(TagName(text, at + 1));
      ++open_by_name[names.back()];
      open.push_back(text.substr(at, close - at + 1));
    }
    at = close;
  }
  if (deeper > 0) return std::nullopt;
  return open;
}

// Whether an attribute of this name passes to the elements inside its element.
bool IsInherited(std::string_view name) {
  return name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xml:");
}

// Appends start tag `tag` ("<channel xml:base=... rdf:about=...>") to `out` with its inherited
// attributes only, as written. An attribute list the scan cannot read (an unclosed quote) ends
// where it stops being readable.
void AppendScope(std::string_view tag, std::string& out) {
  const std::string_view name = TagName(tag, 1);
  out.append("<").append(name);
  size_t at = 1 + name.size();
  while (at < tag.size()) {
    while (at < tag.size() && IsXmlSpace(tag[at])) ++at;
    size_t name_end = at;
    while (name_end < tag.size() && !IsXmlSpace(tag[name_end]) && tag[name_end] != '=' &&
           tag[name_end] != '>' && tag[name_end] != '/') {
      ++name_end;
    }
    if (name_end == at) break;
    size_t value = name_end;
    while (value < tag.size() && IsXmlSpace(tag[value])) ++value;
    if (value >= tag.size() || tag[value] != '=') break;
    ++value;
    while (value < tag.size() && IsXmlSpace(tag[value])) ++value;
    if (value >= tag.size() || (tag[value] != '"' && tag[value] != '\'')) break;
    const size_t quote = tag.find(tag[value], value + 1);
    if (quote == std::string_view::npos) break;
    if (IsInherited(tag.substr(at, name_end - at))) {
      out.append(" ").append(tag.substr(at, quote + 1 - at));
    }
    at = quote + 1;
  }
  out.append(">");
}

}  // namespace

std::optional<ItemSplit> SplitItems(std::string_view text, std::string_view item_name) {
  ItemSplit split;
  size_t root = 0;
  while ((root = NextMarkup(text, root)) != std::string_view::npos && root + 1 < text.size() &&
         !std::isalpha(static_cast<unsigned char>(text[root + 1]))) {
    ++root;
  }
  const size_t root_end = root == std::string_view::npos ? root : text.find('>', root);
  if (root_end == std::string_view::npos) return split;
  const std::unordered_map<std::string_view, bool> declared =
      DeclaredPrefixes(text, item_name == "entry" ? IsAtomNamespace : IsRssNamespace);
  const size_t first = FindStartTag(text, item_name, declared, root_end);
  if (first == std::string_view::npos) return split;
  std::optional<std::vector<std::string_view>> inner = OpenStartTags(text, root_end + 1, first);
  if (!inner) return std::nullopt;
  std::vector<std::string_view> open = {text.substr(root, root_end - root + 1)};
  open.insert(open.end(), inner->begin(), inner->end());
  for (std::string_view start : open) AppendScope(start, split.opening);
  for (auto start = open.rbegin(); start != open.rend(); ++start) {
    split.closing.append("</").append(TagName(*start, 1)).append(">");
  }
  for (size_t at = first; at != std::string_view::npos;) {
    const size_t next = FindStartTag(text, item_name, declared, at + 1);
    split.items.push_back(text.substr(at, next == std::string_view::npos ? next : next - at));
    at = next;
  }
  const size_t wrapping = split.opening.size() + split.closing.size();
  if (wrapping * split.items.size() > kMaxWrappingPerByte * text.size() + kMaxWrappingSlack) {
    return std::nullopt;
  }
  return split;
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsXmlNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

bool IsXmlNameChar(char c) {
  return IsXmlNameStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

std::string_view TagName(std::string_view text, size_t at) {
  size_t end = at;
  while (end < text.size() &&
         (IsXmlNameChar(text[end]) || static_cast<unsigned char>(text[end]) >= 0x80)) {
    ++end;
  }
  return text.substr(at, end - at);
}

}  // namespace headwire::producers
