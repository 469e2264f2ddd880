#pragma once
// The live page (sinks/web/index.html), compiled into the binary by sinks/web/embed_page.cmake
// so the server needs no files at run time.

#include <string_view>

namespace headwire::sinks {

// The page's HTML with its inline CSS and JavaScript. It holds the placeholder
// kLivePagePollPlaceholder, which the server replaces with its poll interval in milliseconds.
extern const std::string_view kLivePageHtml;

inline constexpr std::string_view kLivePagePollPlaceholder = "__HEADWIRE_POLL_MS__";

}  // namespace headwire::sinks
