#include "processors/recent_state.h"

#include <memory>

#include "processors/rocks_dedup_index.h"

namespace headwire::processors {
namespace {

bool IsRecentKey(std::string_view key) {
  return !key.empty() &&
         (key[0] == core::kRecentArticleKeyPrefix || key[0] == core::kRecentStoryKeyPrefix ||
          (key[0] == core::kRecentMetaKey && key.size() == 1));
}

}  // namespace

Status RestoreRecentArticles(const common::StateStore& store, core::RecentArticles& recent,
                             std::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> records;
  const common::StateStore::ConsistentView view(store);
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(view.options(), store.family(kDedupFamily)));
  for (const char kind :
       {core::kRecentArticleKeyPrefix, core::kRecentMetaKey, core::kRecentStoryKeyPrefix}) {
    std::string start(prefix);
    start += kind;
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
      const std::string_view key =
          std::string_view(it->key().data(), it->key().size()).substr(prefix.size());
      if (IsRecentKey(key)) records.emplace_back(key, it->value().ToString());
    }
  }
  if (!it->status().ok()) return common::FromRocks(it->status(), "read the story window");
  if (auto restored = recent.Restore(records); !restored) {
    return Status::Corruption("story window: " + restored.error());
  }
  return Status::Ok();
}

void TakeRecentChanges(common::StateStore& store, core::RecentArticles& recent,
                       rocksdb::WriteBatch& batch, std::string_view prefix) {
  for (const core::StateChange& change : recent.TakeChanges()) {
    std::string key(prefix);
    key += change.key;
    if (change.value) {
      batch.Put(store.family(kDedupFamily), key, *change.value);
    } else {
      batch.Delete(store.family(kDedupFamily), key);
    }
  }
}

}  // namespace headwire::processors
