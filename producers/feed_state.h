#pragma once
// FeedState: the feed daemon's memory in RocksDB (common::StateStore) under --state DIR: per
// feed the HTTP validators, the schedule and the health shown by `headwire feed status`, and the
// ids of the items already produced, each with the time it was last seen in its feed and the key
// of the item it was produced for (FeedItem::key; how it is used: feed_novelty.h).
//
// Changes go into a rocksdb::WriteBatch the caller applies with Write() only after the producer
// flushed the items the batch marks as seen (see feed_poller.h for why this order loses nothing).
// An id is forgotten `seen_ttl` after it was last seen in its feed, never while it is still in it.
// Thread-safe as RocksDB is; one writer process (a second Open gets RocksDB's IoError on DIR/LOCK).

#include <rocksdb/write_batch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/state_store.h"
#include "common/status.h"

namespace headwire::producers {

// A seen item id.
struct SeenId {
  int64_t last_seen_ms = 0;  // when it was last seen in its feed
  // The key (FeedItem::key) of the item it was produced for; empty for an id written before
  // keys were kept.
  std::string key;
};

// What the daemon keeps about one feed between polls.
struct FeedRecord {
  std::string etag;  // validators of the last 200 response that parsed
  std::string last_modified;
  int64_t last_poll_ms = 0;     // wall clock of the last poll (informational)
  int64_t last_success_ms = 0;  // last poll that was read (200 parsed, or 304); 0: never
  int64_t last_error_ms = 0;    // last poll that failed; 0: never
  std::string last_error;       // its reason; empty once a poll succeeded again
  // What the last document read says is wrong with it though it was read (no item read, its
  // elements named as items in another namespace); empty when nothing. A 304 or a failed poll
  // leaves it as it was.
  std::string warning;
  long http_status = 0;              // of the last poll; 0 when no response arrived
  uint64_t items_last_poll = 0;      // items in the feed at the last successful 200
  uint64_t new_items_last_poll = 0;  // of those, produced (not seen before)
  uint64_t items_produced = 0;       // total over the feed's life
  uint32_t consecutive_failures = 0;
  int64_t next_poll_ms = 0;        // when the daemon polls it next
  std::string dead_letter_digest;  // digest of the last body dead-lettered (sent once)
};

class FeedState {
 public:
  // Opens (creating when missing) the state under `dir` for the daemon.
  static Result<std::unique_ptr<FeedState>> Open(const std::string& dir);
  // Opens the state beside a running daemon, read-only. NotFound when there is none.
  static Result<std::unique_ptr<FeedState>> OpenForQueries(const std::string& dir);

  // Every feed's record, by URL.
  Result<std::map<std::string, FeedRecord>> LoadRecords() const;

  // `item_id` of `feed_url` when it was produced and not forgotten, else nullopt.
  Result<std::optional<SeenId>> Lookup(const std::string& feed_url,
                                       const std::string& item_id) const;

  // Adds "item `item_id`, of key `key` (never empty), seen in its feed at `now_ms`" to `batch`.
  void MarkSeen(rocksdb::WriteBatch& batch, const std::string& feed_url, const std::string& item_id,
                const std::string& key, int64_t now_ms);
  // Adds the deletion of `feed_url`'s ids last seen before `cutoff_ms` to `batch`.
  Status ForgetBefore(rocksdb::WriteBatch& batch, const std::string& feed_url, int64_t cutoff_ms);
  // Adds `record` of `feed_url` to `batch`.
  void PutRecord(rocksdb::WriteBatch& batch, const std::string& feed_url, const FeedRecord& record);

  // Applies `batch` atomically.
  Status Write(rocksdb::WriteBatch& batch);

  // Bytes of live SST files plus memtables.
  uint64_t ApproximateSizeBytes() const { return store_->ApproximateSizeBytes(); }

 private:
  explicit FeedState(std::unique_ptr<common::StateStore> store) : store_(std::move(store)) {}
  std::unique_ptr<common::StateStore> store_;
};

}  // namespace headwire::producers
