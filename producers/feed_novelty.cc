#include "producers/feed_novelty.h"

namespace headwire::producers {
namespace {

ItemNovelty Judged(const FeedItem& item, bool fresh, const std::string& id) {
  return {fresh, id, id == item.shared_id && id != item.usual_id};
}

Result<ItemNovelty> Judge(const FeedState& state, const std::string& feed_url,
                          const FeedItem& item) {
  auto usual = state.Lookup(feed_url, item.usual_id);
  if (!usual) return Err(usual.error());
  if (*usual && (*usual)->key == item.key) return Judged(item, false, item.usual_id);
  auto shared = state.Lookup(feed_url, item.shared_id);
  if (!shared) return Err(shared.error());
  if (*shared) return Judged(item, false, item.shared_id);
  if (!*usual) return Judged(item, true, item.id);
  // Kept by the earlier version, which took it for this item when no other of the document had
  // it: so does this one (the caller then keeps it with the item's key).
  if ((*usual)->key.empty() && item.id == item.usual_id) {
    return Judged(item, false, item.usual_id);
  }
  return Judged(item, true, item.shared_id);  // another item's
}

}  // namespace

Result<std::vector<ItemNovelty>> JudgeItems(const FeedState& state, const std::string& feed_url,
                                            const std::vector<FeedItem>& items) {
  std::vector<ItemNovelty> judged;
  judged.reserve(items.size());
  for (const FeedItem& item : items) {
    auto novelty = Judge(state, feed_url, item);
    if (!novelty) return Err(novelty.error());
    judged.push_back(std::move(*novelty));
  }
  return judged;
}

}  // namespace headwire::producers
