#pragma once
// Comments and CDATA sections in XML text, read the one way that the feed parser's repairs and
// the item split (feed_item_split.h) both read them, so that they agree on what is markup: the
// text of a section is none, and "<item>" written there (in a description's CDATA, in a comment)
// starts no item and opens no element.
//
// A section begins at "<!--" or "<![CDATA[" and ends at the first "-->" or "]]>" after that
// opener: "<!-->" and "<!--->" only open a comment, and a "--" inside one ends nothing. One left
// unclosed (a body cut short inside it) runs to the end of the text. Pure text scanning: no
// allocation, time linear in the section's length.

#include <cstddef>
#include <optional>
#include <string_view>

namespace headwire::producers {

struct XmlSection {
  bool comment = false;      // a comment, else a CDATA section
  std::string_view content;  // between its opener and its closer, or the end of the text
  bool closed = false;       // whether its closer is in the text
  size_t end = 0;            // just past its closer; the size of the text when not closed
};

// The comment or CDATA section that begins at `at` in `text`; nullopt when none does.
std::optional<XmlSection> XmlSectionAt(std::string_view text, size_t at);

}  // namespace headwire::producers
