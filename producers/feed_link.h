#pragma once
// Feed links: the link an item gives, as written, into the absolute http(s) URL that names the
// article. Pure and thread-safe.
//
// Links are resolved against a base (the xml:base in scope, the response URL) with libcurl's URL
// parser. Feeds write IRIs, not URIs: a host in a script other than Latin becomes its IDNA
// (punycode) form, with libidn2; every byte the URI syntax does not allow (non-ASCII, spaces,
// braces, '|', '^', quotes, angle brackets) is percent-encoded, uppercase, and '%' escapes already
// there are kept. Tabs and line breaks inside a link are dropped, as browsers do.

#include <string>
#include <string_view>

namespace headwire::producers {

// The absolute URL `link` names, resolved against `base` (which may be empty); "" when it names
// no http or https URL (mailto:, javascript:, a relative link without a base, a host IDNA
// refuses).
std::string ResolveFeedLink(std::string_view link, std::string_view base);

}  // namespace headwire::producers
