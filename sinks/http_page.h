#pragma once
// The live page (sinks/web/index.html), compiled into the binary by sinks/web/embed_page.cmake
// so the server needs no files at run time.

#include <string_view>

namespace headwire::sinks {

// The page's HTML with its inline CSS and JavaScript. It holds the placeholder
// kLivePagePollPlaceholder, which the server replaces with its poll interval in milliseconds,
// and kLivePageNoncePlaceholder.
extern const std::string_view kLivePageHtml;

inline constexpr std::string_view kLivePagePollPlaceholder = "__HEADWIRE_POLL_MS__";
// The nonce of the page's <style> and <script>; the server writes a fresh one into each response
// and into its Content-Security-Policy, so no other inline script or style runs.
inline constexpr std::string_view kLivePageNoncePlaceholder = "__HEADWIRE_NONCE__";

}  // namespace headwire::sinks
