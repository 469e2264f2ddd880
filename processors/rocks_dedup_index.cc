#include "processors/rocks_dedup_index.h"

namespace headwire::processors {
namespace {

constexpr char kDomainKeyPrefix = 'D';
constexpr size_t kDomainPrefixSize = 1 + sizeof(uint32_t);
// The top bit of a stored entry's id length: the copies' span follows. Ids are at most 256
// bytes (ValidationOptions), far below it, and an entry of a single time leaves it clear, so the
// entries written before spans existed read unchanged.
constexpr size_t kSpanFollows = 0x8000;

}  // namespace

std::string DomainKeyPrefix(int32_t partition) {
  if (partition == 0) return {};
  std::string prefix(1, kDomainKeyPrefix);
  common::AppendBigEndian32(prefix, static_cast<uint32_t>(partition));
  return prefix;
}

std::pair<int32_t, std::string_view> SplitDomainKey(std::string_view key) {
  if (key.size() < kDomainPrefixSize || key[0] != kDomainKeyPrefix) return {0, key};
  const auto partition = static_cast<int32_t>(common::ReadBigEndian32(key.substr(1)));
  return {partition, key.substr(kDomainPrefixSize)};
}

std::string EncodeSeenArticle(const core::SeenArticle& seen) {
  std::string out;
  common::AppendBigEndian64(out, static_cast<uint64_t>(seen.published_at_ms));
  const size_t length_field = seen.id.size() | (seen.span_ms != 0 ? kSpanFollows : 0);
  out.push_back(static_cast<char>((length_field >> 8) & 0xFF));
  out.push_back(static_cast<char>(length_field & 0xFF));
  if (seen.span_ms != 0) common::AppendBigEndian64(out, static_cast<uint64_t>(seen.span_ms));
  out += seen.id;
  out += seen.story_id;
  return out;
}

std::optional<core::SeenArticle> DecodeSeenArticle(std::string_view bytes) {
  if (bytes.size() < 10) return std::nullopt;
  core::SeenArticle seen;
  seen.published_at_ms = static_cast<int64_t>(common::ReadBigEndian64(bytes));
  const size_t length_field = (static_cast<size_t>(static_cast<unsigned char>(bytes[8])) << 8) |
                              static_cast<unsigned char>(bytes[9]);
  bytes.remove_prefix(10);
  if ((length_field & kSpanFollows) != 0) {
    if (bytes.size() < 8) return std::nullopt;
    seen.span_ms = static_cast<int64_t>(common::ReadBigEndian64(bytes));
    if (seen.span_ms <= 0) return std::nullopt;
    bytes.remove_prefix(8);
  }
  const size_t id_size = length_field & ~kSpanFollows;
  if (bytes.size() < id_size) return std::nullopt;
  seen.id = std::string(bytes.substr(0, id_size));
  seen.story_id = std::string(bytes.substr(id_size));
  return seen;
}

std::string RocksDedupIndex::StoredKey(std::string_view key) const {
  std::string stored = prefix_;
  stored += key;
  return stored;
}

std::optional<core::SeenArticle> RocksDedupIndex::Find(std::string_view key) const {
  if (const auto it = pending_.find(key); it != pending_.end()) return it->second;
  for (auto sealed = sealed_.rbegin(); sealed != sealed_.rend(); ++sealed) {
    if (const auto it = sealed->second.find(key); it != sealed->second.end()) return it->second;
  }
  std::string value;
  const auto s =
      store_.db()->Get(rocksdb::ReadOptions(), store_.family(kDedupFamily), StoredKey(key), &value);
  if (!s.ok()) {
    if (!s.IsNotFound() && status_.ok()) status_ = common::FromRocks(s, "read dedup state");
    return std::nullopt;
  }
  auto seen = DecodeSeenArticle(value);
  if (!seen && status_.ok()) status_ = Status::Corruption("undecodable dedup entry");
  return seen;
}

void RocksDedupIndex::Remember(std::string_view key, const core::SeenArticle& seen) {
  pending_.insert_or_assign(std::string(key), seen);
}

uint64_t RocksDedupIndex::SealChanges(rocksdb::WriteBatch& batch) {
  for (const auto& [key, seen] : pending_) {
    batch.Put(store_.family(kDedupFamily), StoredKey(key), EncodeSeenArticle(seen));
  }
  sealed_.emplace_back(++last_sealed_, std::move(pending_));
  pending_.clear();
  return last_sealed_;
}

void RocksDedupIndex::ForgetSealed(uint64_t sealed) {
  while (!sealed_.empty() && sealed_.front().first <= sealed) sealed_.pop_front();
}

void ForgottenEntryFilter::Advance(int32_t partition, int64_t cutoff_ms) {
  const std::lock_guard lock(mutex_);
  const auto [it, inserted] = cutoff_ms_.try_emplace(partition, cutoff_ms);
  if (!inserted && cutoff_ms > it->second) it->second = cutoff_ms;
}

bool ForgottenEntryFilter::Filter(int /*level*/, const rocksdb::Slice& key,
                                  const rocksdb::Slice& existing_value, std::string* /*new_value*/,
                                  bool* /*value_changed*/) const {
  const auto [partition, entry_key] = SplitDomainKey({key.data(), key.size()});
  if (!core::IsExactDedupKey(entry_key)) return false;
  int64_t cutoff_ms = 0;
  {
    const std::lock_guard lock(mutex_);
    const auto it = cutoff_ms_.find(partition);
    if (it == cutoff_ms_.end()) return false;
    cutoff_ms = it->second;
  }
  const auto seen = DecodeSeenArticle({existing_value.data(), existing_value.size()});
  return seen.has_value() && seen->published_at_ms < cutoff_ms;
}

}  // namespace headwire::processors
