// An HTTP response body as `headwire feed` parses it: RSS, RDF, Atom or JSON Feed, repaired and
// recovered by the parser, then each item made the raw article the feed daemon produces. The
// first byte picks the Content-Type the response claims. Checks that every item the parser keeps
// has a title and plain text in valid UTF-8, that the notes of its guesses are bounded in number
// and size and UTF-8, and that each item becomes an article or is refused with a reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.h"
#include "producers/feed_parser.h"

namespace {

constexpr std::string_view kContentTypes[] = {"", "application/rss+xml",
                                              "application/atom+xml; charset=utf-8",
                                              "text/xml; charset=KOI8-R", "application/feed+json"};

bool Utf8(const std::string& text) { return headwire::core::IsValidUtf8(text); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view content_type = kContentTypes[data[0] % std::size(kContentTypes)];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const headwire::producers::FeedResponse response{"http://feed.example/news.xml", "",
                                                   std::string(content_type), 1 << 20};
  auto feed = headwire::producers::ParseFeed(body, response);
  if (!feed) {
    if (feed.error().ok()) std::abort();  // a failure says why
    return 0;
  }
  if (!Utf8(feed->title) || !Utf8(feed->damage)) std::abort();
  if (feed->guess_notes.size() > headwire::producers::kMaxGuessNotes ||
      feed->guesses < feed->guess_notes.size()) {
    std::abort();
  }
  for (const auto& note : feed->guess_notes) {
    // What a note shows of the document is cut (ShownInNote): at most four pieces of 120 bytes,
    // which a document that is not UTF-8 may triple when its bytes are read as windows-1252.
    if (!Utf8(note) || note.size() > 2048) std::abort();
  }
  for (const auto& item : feed->items) {
    if (item.title.empty() || item.id.empty() || !Utf8(item.title) || !Utf8(item.body) ||
        !Utf8(item.url)) {
      std::abort();
    }
    auto raw =
        headwire::producers::FeedItemToRawArticle(item, *feed, response, {}, {}, 1772409600000);
    if (!raw && raw.error().message.empty()) std::abort();  // a refusal names its limit
  }
  return 0;
}
