#pragma once
// Canonical URLs: one string per article address, so that the same item reached by different
// links counts as one. Pure and thread-safe.
//
// The canonical form drops what does not identify the item: the scheme (http and https are the
// same), a leading "www." or "amp." host label, the default port, the fragment, tracking query
// parameters (utm_*, fbclid, gclid and the others listed in canonical_url.cc), AMP variants (an
// "amp" path segment, a ".amp" suffix, "amp=1" / "outputType=amp", Google AMP-cache wrapping) and
// a trailing slash. Host is lower-cased, dot segments resolved, percent-encoding normalised and
// the remaining query parameters sorted.
// Example: "https://www.Example.com/news/story/amp/?utm_source=x&b=2&a=1#top"
//       -> "example.com/news/story?a=1&b=2"

#include <string>
#include <string_view>

#include "common/status.h"

namespace headwire::core {

// Returns the canonical form of `url`, or InvalidArgument when it is not an absolute http(s)
// URL (a scheme-less "example.com/path" is read as http). Empty input is InvalidArgument.
Result<std::string> CanonicalizeUrl(std::string_view url);

}  // namespace headwire::core
