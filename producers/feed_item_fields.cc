#include "producers/feed_item_fields.h"

#include "producers/feed_date.h"
#include "producers/feed_text.h"

namespace headwire::producers {

void ItemFields::TakeDate(const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    if (auto ms = ParseFeedDate(text)) {
      published_at_ms = *ms;
      unreadable_date.clear();
      return;
    }
    if (unreadable_date.empty()) unreadable_date = Trim(text);
  }
}

std::string OverNodeLimit(uint64_t max_nodes) {
  return "not a feed: more than max_nodes = " + std::to_string(max_nodes) +
         " elements, attributes and other nodes in one parse";
}

}  // namespace headwire::producers
