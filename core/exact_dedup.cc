#include "core/exact_dedup.h"

#include <algorithm>

namespace headwire::core {
namespace {

constexpr char kIdKeyPrefix = 'i';
constexpr char kUrlKeyPrefix = 'u';
constexpr char kContentKeyPrefix = 'c';

std::string HashKey(char kind, uint64_t hash) {
  std::string key(1 + sizeof(hash), kind);
  for (size_t i = 0; i < sizeof(hash); ++i) {
    key[1 + i] = static_cast<char>((hash >> (8 * (sizeof(hash) - 1 - i))) & 0xFF);
  }
  return key;
}

std::string IdKey(std::string_view id) {
  std::string key(1, kIdKeyPrefix);
  key += id;
  return key;
}

// How far `time_ms` lies from the event times of the copies `seen` stands for.
int64_t DistanceToCopies(const SeenArticle& seen, int64_t time_ms) {
  if (time_ms < seen.earliest_ms()) return seen.earliest_ms() - time_ms;
  if (time_ms > seen.published_at_ms) return time_ms - seen.published_at_ms;
  return 0;
}

// `seen`, widened to the copies of `remembered`, an entry of the same original.
SeenArticle WithEarlierCopies(SeenArticle seen, const SeenArticle& remembered) {
  const int64_t earliest = std::min(seen.earliest_ms(), remembered.earliest_ms());
  seen.published_at_ms = std::max(seen.published_at_ms, remembered.published_at_ms);
  seen.span_ms = seen.published_at_ms - earliest;
  return seen;
}

}  // namespace

const char* DuplicateKindName(DuplicateKind kind) {
  switch (kind) {
    case DuplicateKind::kUnique:
      return "unique";
    case DuplicateKind::kSameId:
      return "same_id";
    case DuplicateKind::kSameUrl:
      return "same_url";
    case DuplicateKind::kSameContent:
      return "same_content";
    case DuplicateKind::kNear:
      return "near";
  }
  return "unknown";
}

std::optional<SeenArticle> InMemoryDedupIndex::Find(std::string_view key) const {
  const auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void InMemoryDedupIndex::Remember(std::string_view key, const SeenArticle& seen) {
  entries_.insert_or_assign(std::string(key), seen);
}

bool IsExactDedupKey(std::string_view key) {
  return !key.empty() &&
         (key[0] == kIdKeyPrefix || (key.size() == 1 + sizeof(uint64_t) &&
                                     (key[0] == kUrlKeyPrefix || key[0] == kContentKeyPrefix)));
}

void InMemoryDedupIndex::ForgetBefore(int64_t cutoff_ms) {
  std::erase_if(entries_,
                [&](const auto& entry) { return entry.second.published_at_ms < cutoff_ms; });
}

bool ExactDeduplicator::Within(const std::optional<SeenArticle>& seen, int64_t published_at_ms,
                               int64_t window_ms, int64_t watermark_ms) const {
  if (!seen || DistanceToCopies(*seen, published_at_ms) > window_ms) return false;
  return watermark_ms == kNoWatermark ||
         seen->published_at_ms >= watermark_ms - options_.forget_after_ms;
}

DedupVerdict ExactDeduplicator::Check(const Article& article, const Fingerprints& fingerprints,
                                      int64_t watermark_ms) {
  if (watermark_ms != kNoWatermark) {
    const int64_t cutoff = watermark_ms - options_.forget_after_ms;
    if (last_forget_cutoff_ms_ == kNoWatermark ||
        cutoff - last_forget_cutoff_ms_ >= options_.forget_after_ms / 10) {
      index_.ForgetBefore(cutoff);
      last_forget_cutoff_ms_ = cutoff;
    }
  }
  replaced_.clear();
  const std::string id_key = IdKey(article.id);
  const std::string url_key = HashKey(kUrlKeyPrefix, fingerprints.url_hash);
  const std::string content_key = HashKey(kContentKeyPrefix, fingerprints.content_hash);

  auto duplicate = [&](DuplicateKind kind, const SeenArticle& original) {
    // A resend of this duplicate must point at the same original, not at the duplicate.
    if (kind != DuplicateKind::kSameId) index_.Remember(id_key, original);
    return DedupVerdict{kind, original.id, original.story_id};
  };

  std::optional<SeenArticle> id_entry = index_.Find(id_key);
  if (Within(id_entry, article.published_at_ms, options_.url_window_ms, watermark_ms)) {
    return duplicate(DuplicateKind::kSameId, *id_entry);
  }
  std::optional<SeenArticle> url_entry;
  if (fingerprints.url_hash != 0) {
    url_entry = index_.Find(url_key);
    if (Within(url_entry, article.published_at_ms, options_.url_window_ms, watermark_ms)) {
      return duplicate(DuplicateKind::kSameUrl, *url_entry);
    }
  }
  std::optional<SeenArticle> content_entry;
  if (fingerprints.content_hash != 0) {
    content_entry = index_.Find(content_key);
    if (Within(content_entry, article.published_at_ms, options_.content_window_ms, watermark_ms)) {
      return duplicate(DuplicateKind::kSameContent, *content_entry);
    }
  }

  // A new original, as far as exact dedup can tell: what the keys held (copies too far away, or
  // forgotten) is replaced, and kept aside until Remember says whether the article is a copy of
  // that entry's original after all.
  const SeenArticle seen{article.id, article.id, article.published_at_ms};
  auto replace = [&](const std::string& key, std::optional<SeenArticle>& entry) {
    if (entry) replaced_.emplace_back(key, std::move(*entry));
    index_.Remember(key, seen);
  };
  replace(id_key, id_entry);
  if (fingerprints.url_hash != 0) replace(url_key, url_entry);
  if (fingerprints.content_hash != 0) replace(content_key, content_entry);
  return DedupVerdict{DuplicateKind::kUnique, "", article.id};
}

void ExactDeduplicator::Remember(const Article& article, const Fingerprints& fingerprints,
                                 const SeenArticle& seen) {
  // Only a copy (remembered under another article's id) keeps its original's earlier copies: an
  // article remembered as itself is a new original, even when its id held an entry of its own
  // (an id back after the URL window), and widening would stretch that entry over the gap.
  const bool is_copy = seen.id != article.id;
  auto remember = [&](const std::string& key) {
    const auto replaced = std::find_if(replaced_.begin(), replaced_.end(), [&](const auto& entry) {
      return entry.first == key && entry.second.id == seen.id;
    });
    index_.Remember(key, is_copy && replaced != replaced_.end()
                             ? WithEarlierCopies(seen, replaced->second)
                             : seen);
  };
  remember(IdKey(article.id));
  if (fingerprints.url_hash != 0) remember(HashKey(kUrlKeyPrefix, fingerprints.url_hash));
  if (fingerprints.content_hash != 0)
    remember(HashKey(kContentKeyPrefix, fingerprints.content_hash));
}

}  // namespace headwire::core
