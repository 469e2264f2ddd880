#include "sinks/state_layout.h"

#include <cstring>
#include <limits>

#include "common/kafka_consumer.h"
#include "common/state_store.h"
#include "sinks/story_record.h"

namespace headwire::sinks {
namespace {

constexpr uint64_t kSignBit = 1ULL << 63;

// The bytes of a key up to and including its first \0; keys without one have no prefix.
class UpToNulTransform : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "headwire.UpToNul"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const auto* nul = static_cast<const char*>(std::memchr(key.data(), '\0', key.size()));
    return {key.data(), static_cast<size_t>(nul - key.data()) + 1};
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::memchr(key.data(), '\0', key.size()) != nullptr;
  }
};

// Where the id of a "latest" key starts (after its topic, \0, estimated and time), or npos when
// the key is too short to be one.
size_t LatestIdAt(std::string_view key) {
  const size_t nul = key.find('\0');
  if (nul == std::string_view::npos || key.size() < nul + 10) return std::string_view::npos;
  return nul + 10;
}

int64_t LatestTime(std::string_view key, size_t id_at) {
  return static_cast<int64_t>(~common::ReadBigEndian64(key.substr(id_at - 8, 8)) ^ kSignBit);
}

// Where the name of a "windows" or "terms" key starts (after its size, start, topic and \0), or
// npos when the key is not one.
size_t WindowNameAt(std::string_view key) {
  if (key.size() < 10) return std::string_view::npos;
  const size_t nul = key.find('\0', 9);
  return nul == std::string_view::npos ? nul : nul + 1;
}

// The time an entry expires by (ExpiryTime) and the input partition whose own horizon it also
// waits for (ExpiryHorizons::DeleteBelow), read together so that the filter parses a story once.
struct EntryExpiry {
  std::optional<int64_t> time;
  std::optional<std::string> partition;
};

EntryExpiry ReadEntryExpiry(std::string_view family, std::string_view key, std::string_view value) {
  if (family == kStoriesFamily) {
    auto stored = ReadStoredStoryExpiry(value);
    return {stored.last_seen_ms, std::move(stored.partition)};
  }
  if (family == kRejectsFamily) return {ExpiryTime(family, key, value), RejectPartition(key)};
  return {ExpiryTime(family, key, value), std::nullopt};
}

}  // namespace

void AppendTime(std::string& out, int64_t time_ms) {
  common::AppendBigEndian64(out, static_cast<uint64_t>(time_ms) ^ kSignBit);
}

int64_t ReadTime(std::string_view bytes) {
  return static_cast<int64_t>(common::ReadBigEndian64(bytes) ^ kSignBit);
}

std::string EncodeU64(uint64_t value) {
  std::string out;
  common::AppendBigEndian64(out, value);
  return out;
}

uint64_t DecodeU64(std::string_view bytes) { return common::ReadBigEndian64(bytes); }

std::string TimedValue(int64_t time_ms, std::string_view payload) {
  std::string out;
  AppendTime(out, time_ms);
  out += payload;
  return out;
}

std::string_view TimedPayload(std::string_view value) {
  return value.size() < 8 ? std::string_view() : value.substr(8);
}

std::string RejectKey(std::string_view topic, int32_t partition, int64_t offset) {
  std::string key(topic);
  key.push_back('\0');
  common::AppendBigEndian32(key, static_cast<uint32_t>(partition));
  common::AppendBigEndian64(key, static_cast<uint64_t>(offset));
  return key;
}

std::optional<std::string> RejectPartition(std::string_view key) {
  if (key.size() < 13 || key[key.size() - 13] != '\0') return std::nullopt;
  const auto partition = static_cast<int32_t>(common::ReadBigEndian32(key.substr(key.size() - 12)));
  return common::PartitionName({std::string(key.substr(0, key.size() - 13)), partition});
}

std::string LatestKey(std::string_view topic, bool estimated, int64_t time_ms,
                      std::string_view id) {
  std::string key(topic);
  key.push_back('\0');
  key.push_back(estimated ? '\1' : '\0');
  common::AppendBigEndian64(key, ~(static_cast<uint64_t>(time_ms) ^ kSignBit));
  key += id;
  return key;
}

std::optional<LatestKeyParts> ParseLatestKey(std::string_view key) {
  const size_t id_at = LatestIdAt(key);
  if (id_at == std::string_view::npos) return std::nullopt;
  return LatestKeyParts{std::string(key.substr(0, id_at - 10)), key[id_at - 9] != '\0',
                        LatestTime(key, id_at), std::string(key.substr(id_at))};
}

std::string WindowPrefix(core::WindowSize size, int64_t start_ms) {
  std::string key(1, static_cast<char>(size));
  AppendTime(key, start_ms);
  return key;
}

std::shared_ptr<const rocksdb::SliceTransform> WindowPrefixTransform() {
  // WindowPrefix: the size (1) and the start (8).
  return std::shared_ptr<const rocksdb::SliceTransform>(rocksdb::NewFixedPrefixTransform(9));
}

std::shared_ptr<const rocksdb::SliceTransform> TopicPrefixTransform() {
  return std::make_shared<UpToNulTransform>();
}

std::string WindowKey(core::WindowSize size, int64_t start_ms, std::string_view topic,
                      std::string_view name) {
  std::string key = WindowPrefix(size, start_ms);
  key += topic;
  key.push_back('\0');
  key += name;
  return key;
}

std::optional<WindowKeyParts> ParseWindowKey(std::string_view key) {
  const size_t name_at = WindowNameAt(key);
  if (name_at == std::string_view::npos) return std::nullopt;
  return WindowKeyParts{static_cast<core::WindowSize>(key[0]), ReadTime(key.substr(1, 8)),
                        std::string(key.substr(9, name_at - 10)), std::string(key.substr(name_at))};
}

std::string EncodeWindowCounts(const WindowCounts& counts) {
  std::string out;
  common::AppendBigEndian64(out, counts.articles);
  common::AppendBigEndian64(out, counts.duplicates);
  return out;
}

WindowCounts DecodeWindowCounts(std::string_view value) {
  if (value.size() < 16) return {};
  return {common::ReadBigEndian64(value.substr(0, 8)), common::ReadBigEndian64(value.substr(8))};
}

std::optional<int64_t> ExpiryTime(std::string_view family, std::string_view key,
                                  std::string_view value) {
  if (family == kArticlesFamily || family == kDuplicatesFamily || family == kRejectsFamily) {
    if (value.size() < 8) return std::nullopt;
    return ReadTime(value);
  }
  // The compaction filter reads every key: the times, without copying topics, ids or names.
  if (family == kLatestFamily) {
    const size_t id_at = LatestIdAt(key);
    if (id_at == std::string_view::npos) return std::nullopt;
    return LatestTime(key, id_at);
  }
  if (family == kWindowsFamily || family == kTermsFamily) {
    if (WindowNameAt(key) == std::string_view::npos) return std::nullopt;
    return ReadTime(key.substr(1, 8)) + core::WindowLengthMs(static_cast<core::WindowSize>(key[0]));
  }
  if (family == kCountersFamily && key.starts_with(kLateMarkerPrefix)) {
    if (value.size() < 8) return std::nullopt;
    return ReadTime(value);
  }
  if (family == kStoriesFamily) return StoredLastSeenMs(value);
  return std::nullopt;
}

std::optional<int64_t> ExpiryHorizons::DeleteBelow(std::optional<int64_t> global,
                                                   const std::optional<std::string>& partition,
                                                   const PartitionHorizons& partitions) {
  if (!global || !partition) return global;
  const auto own = partitions.find(*partition);
  if (own == partitions.end()) return global;
  return std::min(*global, own->second);
}

bool HiddenByHorizons(std::string_view family, std::string_view key, std::string_view value,
                      std::optional<int64_t> global,
                      const ExpiryHorizons::PartitionHorizons& partitions) {
  const auto time = ExpiryTime(family, key, value);
  if (!time) return false;
  const auto below = family == kRejectsFamily
                         ? ExpiryHorizons::DeleteBelow(global, RejectPartition(key), partitions)
                         : global;
  return below.has_value() && *time < *below;
}

Result<ExpiryHorizons::PartitionHorizons> ReadPartitionHorizons(rocksdb::DB& db,
                                                                const rocksdb::ReadOptions& options,
                                                                rocksdb::ColumnFamilyHandle* meta) {
  ExpiryHorizons::PartitionHorizons out;
  const std::string_view prefix = kPartitionHorizonPrefix;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options, meta));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    out[it->key().ToString().substr(prefix.size())] = ReadTime(it->value().ToStringView());
  }
  if (!it->status().ok()) return Err(common::FromRocks(it->status(), "read partition horizons"));
  return out;
}

bool ExpiryFilter::Filter(int /*level*/, const rocksdb::Slice& key,
                          const rocksdb::Slice& existing_value, std::string* /*new_value*/,
                          bool* /*value_changed*/) const {
  const std::string_view entry_key(key.data(), key.size());
  const std::string_view value(existing_value.data(), existing_value.size());
  if (!by_partition_) {
    const auto global = horizons_->global();
    if (!global) return false;
    const auto time = ExpiryTime(family_, entry_key, value);
    return time.has_value() && *time < *global;
  }
  const auto horizons = horizons_->Load();
  if (!horizons->global) return false;
  const auto expiry = ReadEntryExpiry(family_, entry_key, value);
  if (!expiry.time) return false;
  const auto below =
      expiry.partition
          ? ExpiryHorizons::DeleteBelow(horizons->global, expiry.partition, horizons->partitions)
          : horizons->global;
  return below.has_value() && *expiry.time < *below;
}

bool ExpiryFilter::FilterMergeOperand(int level, const rocksdb::Slice& key,
                                      const rocksdb::Slice& operand) const {
  return Filter(level, key, operand, nullptr, nullptr);
}

bool AddCountsOperator::Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
                              const rocksdb::Slice& value, std::string* new_value,
                              rocksdb::Logger* /*logger*/) const {
  if (value.size() % 8 != 0) return false;
  if (existing_value == nullptr) {
    new_value->assign(value.data(), value.size());
    return true;
  }
  if (existing_value->size() != value.size()) return false;
  new_value->clear();
  for (size_t at = 0; at < value.size(); at += 8) {
    common::AppendBigEndian64(*new_value,
                              common::ReadBigEndian64({existing_value->data() + at, 8}) +
                                  common::ReadBigEndian64({value.data() + at, 8}));
  }
  return true;
}

}  // namespace headwire::sinks
