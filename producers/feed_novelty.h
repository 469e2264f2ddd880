#pragma once
// Which items of a feed were produced before: each item judged against the feed's seen ids
// (feed_state.h) by what it is, whatever other items its document lists now or listed then.
//
// An item has a usual id (its GUID, canonical link or content), a shared id (its GUID as written,
// else its link and title) and a key (its GUID as written, else its title), see FeedItem. Several
// distinct items can have one usual id (a status page links every incident to the page), never
// one shared id. Every seen id keeps the key of the item it was produced for, so that a usual id
// names one item even when the others that have it come one at a time:
//   - an item was produced before when its usual id was seen with its key, or its shared id was
//     seen (under whichever of them it went out, beside whichever items);
//   - a new item goes out under the id its document gives it (FeedItem::id: the usual id, or the
//     shared id when another item of the document has the usual id), unless its usual id was
//     seen with another key: that id is another item's, and it goes out under its shared id.
//
// State written before keys were kept has ids without a key. Such a usual id is taken to be the
// item's own when no other item of the document has it (the earlier version decided so too, and
// the id is then kept with the item's key); beside other items that have it, it decides nothing
// and each is judged by its shared id, as the earlier version did, so that nothing is lost (the
// one the id was produced for may go out a second time, under its shared id, which the processor
// marks a duplicate by URL).
// Pure but for the reads of the state: marking what was produced is the caller's (after Kafka
// acknowledged it, see feed_poller.h).

#include <string>
#include <vector>

#include "common/status.h"
#include "producers/feed_parser.h"
#include "producers/feed_state.h"

namespace headwire::producers {

struct ItemNovelty {
  bool fresh = false;  // not produced before: produce it under `id`
  // The id it goes out under when fresh; else the id it was produced under, to mark seen again
  // while the item is in its feed. Mark it with the item's key.
  std::string id;
  // `id` is the item's shared id, not its usual one (FeedItem::shared_id != usual_id).
  bool shared = false;
};

// Judges each of `items` (a feed's, in order) against `feed_url`'s seen ids in `state`.
// Returns one judgement per item, or the error reading the state.
Result<std::vector<ItemNovelty>> JudgeItems(const FeedState& state, const std::string& feed_url,
                                            const std::vector<FeedItem>& items);

}  // namespace headwire::producers
