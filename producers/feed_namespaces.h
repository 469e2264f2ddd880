#pragma once
// The namespace URIs the feed formats' own elements are in, shared by the parser, which reads an
// element as an item only in its format's vocabulary (feed_parser.cc), and the item split, which
// cuts a damaged document only at what the parser reads as items (feed_item_split.h).

#include <string_view>

namespace headwire::producers {

// RSS 1.0, RSS 0.90 and the two URIs RSS 2.0 was once given.
inline bool IsRssNamespace(std::string_view uri) {
  return uri == "http://purl.org/rss/1.0/" || uri == "http://my.netscape.com/rdf/simple/0.9/" ||
         uri == "http://backend.userland.com/rss2" ||
         uri == "http://blogs.law.harvard.edu/tech/rss";
}

// Atom 1.0, Atom 0.3 and the IETF drafts between them ("http://purl.org/atom/ns#draft-ietf-
// atompub-format-08"), which feeds written while they were current still name.
inline bool IsAtomNamespace(std::string_view uri) {
  return uri == "http://www.w3.org/2005/Atom" || uri == "http://purl.org/atom/ns#" ||
         uri.starts_with("http://purl.org/atom/ns#draft-ietf-atompub-format-");
}

}  // namespace headwire::producers
