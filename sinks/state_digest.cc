#include "sinks/state_digest.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <xxhash.h>

#include <memory>

#include "core/fingerprint.h"
#include "sinks/story_record.h"

namespace headwire::sinks {
namespace {

class Hasher {
 public:
  Hasher() : state_(XXH3_createState()) { XXH3_128bits_reset(state_); }
  ~Hasher() { XXH3_freeState(state_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void AddField(std::string_view bytes) {
    std::string length;
    common::AppendBigEndian64(length, bytes.size());
    XXH3_128bits_update(state_, length.data(), length.size());
    XXH3_128bits_update(state_, bytes.data(), bytes.size());
  }
  std::string Hex() const {
    const XXH128_hash_t h = XXH3_128bits_digest(state_);
    return core::HexDigest128(h.high64, h.low64);
  }

 private:
  XXH3_state_t* state_;
};

// Stored articles carry what the producer knew about itself and its wall clock; queries never
// return it, so two runs that produced the same input at different times digest the same.
// A story's partition is where its records happened to come from, which no query returns: the
// same records spread over partitions otherwise digest the same.
std::string Canonical(std::string_view family, std::string_view value) {
  if (family == kStoriesFamily) {
    auto story = ParseStoryRecord(value);
    if (!story || !story->partition) return std::string(value);
    story->partition.reset();
    return StoryRecordJson(*story);
  }
  if (family != kArticlesFamily && family != kDuplicatesFamily) return std::string(value);
  v1::ProcessedArticle article;
  if (!article.ParseFromString(std::string(TimedPayload(value)))) return std::string(value);
  article.mutable_article()->clear_ingested_at_ms();
  article.mutable_article()->clear_producer();
  std::string out(value.substr(0, 8));
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    article.SerializeToCodedStream(&coded);
  }  // the coded stream writes its last bytes when it goes
  return out;
}

}  // namespace

Result<StateDigest> DigestState(const ArticleStore& store) {
  const auto& state = store.state();
  common::StateStore::ConsistentView reader(state);
  std::string value;
  std::optional<int64_t> horizon;
  if (state.db()->Get(reader.options(), state.family(kMetaFamily), kHorizonKey, &value).ok()) {
    horizon = ReadTime(value);
  }
  const auto partition_horizons =
      ReadPartitionHorizons(*state.db(), reader.options(), state.family(kMetaFamily));
  if (!partition_horizons) return Err(partition_horizons.error());
  StateDigest out;
  Hasher total;
  for (const char* family : kLogicalFamilies) {
    Hasher hasher;
    FamilyDigest digest{family, 0, ""};
    std::unique_ptr<rocksdb::Iterator> it(
        state.db()->NewIterator(reader.options(), state.family(family)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto key = it->key().ToStringView();
      const auto entry = it->value().ToStringView();
      if (HiddenByHorizons(family, key, entry, horizon, *partition_horizons)) continue;
      hasher.AddField(key);
      hasher.AddField(Canonical(family, entry));
      ++digest.entries;
    }
    if (!it->status().ok()) return Err(common::FromRocks(it->status(), "scan " + digest.family));
    digest.digest = hasher.Hex();
    total.AddField(digest.family);
    total.AddField(digest.digest);
    out.families.push_back(std::move(digest));
  }
  out.digest = total.Hex();
  return out;
}

}  // namespace headwire::sinks
