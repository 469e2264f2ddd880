#include "producers/feed_state.h"

#include <nlohmann/json.hpp>

namespace headwire::producers {
namespace {

constexpr const char* kRecords = "feed_records";
constexpr const char* kSeen = "feed_seen";

common::StateStoreOptions StoreOptions(const std::string& dir) {
  common::StateStoreOptions options;
  options.path = dir;
  options.kind = common::StateKind::kFeed;
  options.column_families = {kRecords, kSeen};
  options.block_cache_bytes = 8 << 20;
  return options;
}

// Seen keys: feed URL, a NUL (never in a URL), the item id; so one feed's ids are one range.
// Values: the time last seen (8 bytes, big-endian), then the item's key. A value of the time
// alone was written before keys were kept; an earlier version reads the time of either.
std::string SeenPrefix(const std::string& feed_url) { return feed_url + '\0'; }

std::string EncodeRecord(const FeedRecord& r) {
  nlohmann::json j = {{"etag", r.etag},
                      {"last_modified", r.last_modified},
                      {"last_poll_ms", r.last_poll_ms},
                      {"last_success_ms", r.last_success_ms},
                      {"last_error_ms", r.last_error_ms},
                      {"last_error", r.last_error},
                      {"warning", r.warning},
                      {"http_status", r.http_status},
                      {"items_last_poll", r.items_last_poll},
                      {"new_items_last_poll", r.new_items_last_poll},
                      {"items_produced", r.items_produced},
                      {"consecutive_failures", r.consecutive_failures},
                      {"next_poll_ms", r.next_poll_ms},
                      {"dead_letter_digest", r.dead_letter_digest}};
  return j.dump();
}

Result<FeedRecord> DecodeRecord(const std::string& bytes) {
  const nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Status::Corruption("undecodable feed record"));
  }
  FeedRecord r;
  r.etag = j.value("etag", "");
  r.last_modified = j.value("last_modified", "");
  r.last_poll_ms = j.value("last_poll_ms", int64_t{0});
  r.last_success_ms = j.value("last_success_ms", int64_t{0});
  r.last_error_ms = j.value("last_error_ms", int64_t{0});
  r.last_error = j.value("last_error", "");
  r.warning = j.value("warning", "");
  r.http_status = j.value("http_status", 0L);
  r.items_last_poll = j.value("items_last_poll", uint64_t{0});
  r.new_items_last_poll = j.value("new_items_last_poll", uint64_t{0});
  r.items_produced = j.value("items_produced", uint64_t{0});
  r.consecutive_failures = j.value("consecutive_failures", uint32_t{0});
  r.next_poll_ms = j.value("next_poll_ms", int64_t{0});
  r.dead_letter_digest = j.value("dead_letter_digest", "");
  return r;
}

}  // namespace

Result<std::unique_ptr<FeedState>> FeedState::Open(const std::string& dir) {
  auto store = common::StateStore::Open(StoreOptions(dir));
  if (!store) return Err(store.error());
  return std::unique_ptr<FeedState>(new FeedState(std::move(*store)));
}

Result<std::unique_ptr<FeedState>> FeedState::OpenForQueries(const std::string& dir) {
  auto store = common::StateStore::OpenForQueries(StoreOptions(dir));
  if (!store) return Err(store.error());
  return std::unique_ptr<FeedState>(new FeedState(std::move(*store)));
}

Result<std::map<std::string, FeedRecord>> FeedState::LoadRecords() const {
  std::map<std::string, FeedRecord> records;
  common::StateStore::ConsistentView view(*store_);
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(view.options(), store_->family(kRecords)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto record = DecodeRecord(it->value().ToString());
    if (!record) return Err(record.error().WithContext(it->key().ToString()));
    records.emplace(it->key().ToString(), std::move(*record));
  }
  if (!it->status().ok()) return Err(common::FromRocks(it->status(), "reading feed records"));
  return records;
}

Result<std::optional<SeenId>> FeedState::Lookup(const std::string& feed_url,
                                                const std::string& item_id) const {
  std::string value;
  const rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), store_->family(kSeen),
                                              SeenPrefix(feed_url) + item_id, &value);
  if (s.IsNotFound()) return std::optional<SeenId>();
  if (!s.ok()) return Err(common::FromRocks(s, "reading seen ids"));
  if (value.size() < 8) {
    return Err(Status::Corruption("seen id of " + feed_url + " has a value of " +
                                  std::to_string(value.size()) + " bytes, fewer than 8"));
  }
  return std::optional<SeenId>(
      SeenId{static_cast<int64_t>(common::ReadBigEndian64(value)), value.substr(8)});
}

void FeedState::MarkSeen(rocksdb::WriteBatch& batch, const std::string& feed_url,
                         const std::string& item_id, const std::string& key, int64_t now_ms) {
  std::string value;
  common::AppendBigEndian64(value, static_cast<uint64_t>(now_ms));
  value += key;
  batch.Put(store_->family(kSeen), SeenPrefix(feed_url) + item_id, value);
}

Status FeedState::ForgetBefore(rocksdb::WriteBatch& batch, const std::string& feed_url,
                               int64_t cutoff_ms) {
  const std::string prefix = SeenPrefix(feed_url);
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(rocksdb::ReadOptions(), store_->family(kSeen)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (static_cast<int64_t>(common::ReadBigEndian64(it->value().ToStringView())) < cutoff_ms) {
      batch.Delete(store_->family(kSeen), it->key());
    }
  }
  return it->status().ok() ? Status::Ok() : common::FromRocks(it->status(), "expiring seen ids");
}

void FeedState::PutRecord(rocksdb::WriteBatch& batch, const std::string& feed_url,
                          const FeedRecord& record) {
  batch.Put(store_->family(kRecords), feed_url, EncodeRecord(record));
}

Status FeedState::Write(rocksdb::WriteBatch& batch) { return store_->Write(batch); }

}  // namespace headwire::producers
