#include "sinks/article_store.h"

namespace headwire::sinks {
namespace {

constexpr const char* kArticles = "articles";
constexpr const char* kLatest = "latest";
constexpr const char* kDuplicates = "duplicates";
constexpr const char* kRejects = "rejects";

std::string LatestKey(const std::string& topic, int64_t published_at_ms, const std::string& id) {
  std::string key = topic;
  key.push_back('\0');
  // Inverted so that a forward scan returns the newest first.
  common::AppendBigEndian64(key, ~static_cast<uint64_t>(published_at_ms) ^ (1ULL << 63));
  key += id;
  return key;
}

uint64_t CountFamily(rocksdb::DB* db, const rocksdb::ReadOptions& options,
                     rocksdb::ColumnFamilyHandle* family) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, family));
  uint64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  return n;
}

}  // namespace

Result<std::unique_ptr<ArticleStore>> ArticleStore::Open(const std::string& path, bool for_queries,
                                                         size_t block_cache_bytes) {
  common::StateStoreOptions options{.path = path,
                                    .column_families = {kArticles, kLatest, kDuplicates, kRejects},
                                    .block_cache_bytes = block_cache_bytes};
  auto store =
      for_queries ? common::StateStore::OpenForQueries(options) : common::StateStore::Open(options);
  if (!store) return Err(store.error());
  return std::unique_ptr<ArticleStore>(new ArticleStore(std::move(*store)));
}

Status ArticleStore::Stage(Batch& batch, const v1::ProcessedArticle& article) {
  const auto& raw = article.article();
  if (raw.id().empty()) return Status::InvalidArgument("processed article without id");
  if (!article.duplicate_of().empty()) {
    std::string key = article.duplicate_of();
    key.push_back('\0');
    key += raw.id();
    key.push_back('\0');
    common::AppendBigEndian32(key,
                              static_cast<uint32_t>(article.processing().source().partition()));
    common::AppendBigEndian64(key, static_cast<uint64_t>(article.processing().source().offset()));
    batch.writes_.Put(store_->family(kDuplicates), key, article.SerializeAsString());
    return Status::Ok();
  }
  if (batch.article_ids_.contains(raw.id())) return Status::Ok();
  std::string existing;
  const auto s =
      store_->db()->Get(rocksdb::ReadOptions(), store_->family(kArticles), raw.id(), &existing);
  if (s.ok()) return Status::Ok();  // first verdict wins: a redelivery changes nothing
  if (!s.IsNotFound()) return common::FromRocks(s, "read article");
  batch.article_ids_.insert(raw.id());
  batch.writes_.Put(store_->family(kArticles), raw.id(), article.SerializeAsString());
  if (article.topics().empty()) {
    batch.writes_.Put(store_->family(kLatest),
                      LatestKey(kOtherTopic, raw.published_at_ms(), raw.id()), "");
  }
  for (const auto& topic : article.topics()) {
    batch.writes_.Put(store_->family(kLatest), LatestKey(topic, raw.published_at_ms(), raw.id()),
                      "");
  }
  return Status::Ok();
}

void ArticleStore::StageReject(Batch& batch, const common::TopicPartition& tp, int64_t offset,
                               const std::string& reason) {
  std::string key = tp.topic;
  key.push_back('\0');
  common::AppendBigEndian32(key, static_cast<uint32_t>(tp.partition));
  common::AppendBigEndian64(key, static_cast<uint64_t>(offset));
  batch.writes_.Put(store_->family(kRejects), key, reason);
}

Status ArticleStore::Commit(Batch& batch,
                            const std::map<common::TopicPartition, int64_t>& next_offsets) {
  for (const auto& [tp, offset] : next_offsets) store_->PutOffset(batch.writes_, tp, offset);
  Status s = store_->Write(batch.writes_);
  batch.writes_.Clear();
  batch.article_ids_.clear();
  return s;
}

Result<std::vector<v1::ProcessedArticle>> ArticleStore::Latest(const std::string& topic,
                                                               size_t limit) const {
  common::StateStore::ConsistentView reader(*store_);
  std::string prefix = topic;
  prefix.push_back('\0');
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(reader.options(), store_->family(kLatest)));
  std::vector<v1::ProcessedArticle> out;
  for (it->Seek(prefix); it->Valid() && out.size() < limit && it->key().starts_with(prefix);
       it->Next()) {
    const std::string id = it->key().ToString().substr(prefix.size() + 8);
    std::string value;
    const auto s = store_->db()->Get(reader.options(), store_->family(kArticles), id, &value);
    if (!s.ok()) return Err(common::FromRocks(s, "read article " + id));
    v1::ProcessedArticle article;
    if (!article.ParseFromString(value)) return Err(Status::Corruption("stored article " + id));
    out.push_back(std::move(article));
  }
  if (!it->status().ok()) return Err(common::FromRocks(it->status(), "scan latest"));
  return out;
}

Result<StoreCounts> ArticleStore::Counts() const {
  common::StateStore::ConsistentView reader(*store_);
  StoreCounts counts;
  counts.articles = CountFamily(store_->db(), reader.options(), store_->family(kArticles));
  counts.duplicates = CountFamily(store_->db(), reader.options(), store_->family(kDuplicates));
  counts.rejects = CountFamily(store_->db(), reader.options(), store_->family(kRejects));
  return counts;
}

Result<std::map<std::string, uint64_t>> ArticleStore::TopicCounts() const {
  common::StateStore::ConsistentView reader(*store_);
  std::map<std::string, uint64_t> counts;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(reader.options(), store_->family(kLatest)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key = it->key().ToString();
    ++counts[key.substr(0, key.find('\0'))];
  }
  return counts;
}

}  // namespace headwire::sinks
