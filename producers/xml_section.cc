#include "producers/xml_section.h"

namespace headwire::producers {

std::optional<XmlSection> XmlSectionAt(std::string_view text, size_t at) {
  if (at >= text.size()) return std::nullopt;
  const std::string_view rest = text.substr(at);
  const bool comment = rest.starts_with("<!--");
  if (!comment && !rest.starts_with("<![CDATA[")) return std::nullopt;
  const std::string_view opener = comment ? "<!--" : "<![CDATA[";
  const std::string_view closer = comment ? "-->" : "]]>";
  const size_t begin = at + opener.size();
  const size_t stop = text.find(closer, begin);
  XmlSection section;
  section.comment = comment;
  section.closed = stop != std::string_view::npos;
  section.content = text.substr(begin, (section.closed ? stop : text.size()) - begin);
  section.end = section.closed ? stop + closer.size() : text.size();
  return section;
}

}  // namespace headwire::producers
