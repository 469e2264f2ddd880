#include "core/exact_dedup.h"

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

int64_t Distance(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

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

std::optional<SeenArticle> ExactDeduplicator::FindWithin(std::string_view key,
                                                         int64_t published_at_ms, int64_t window_ms,
                                                         int64_t watermark_ms) const {
  auto seen = index_.Find(key);
  if (!seen || Distance(seen->published_at_ms, published_at_ms) > window_ms) return std::nullopt;
  if (watermark_ms != kNoWatermark &&
      seen->published_at_ms < watermark_ms - options_.forget_after_ms) {
    return std::nullopt;
  }
  return seen;
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
  const std::string id_key = IdKey(article.id);
  const std::string url_key = HashKey(kUrlKeyPrefix, fingerprints.url_hash);
  const std::string content_key = HashKey(kContentKeyPrefix, fingerprints.content_hash);

  auto duplicate = [&](DuplicateKind kind, const SeenArticle& original) {
    // A resend of this duplicate must point at the same original, not at the duplicate.
    if (kind != DuplicateKind::kSameId) index_.Remember(id_key, original);
    return DedupVerdict{kind, original.id, original.story_id};
  };

  if (auto seen =
          FindWithin(id_key, article.published_at_ms, options_.url_window_ms, watermark_ms)) {
    return duplicate(DuplicateKind::kSameId, *seen);
  }
  if (fingerprints.url_hash != 0) {
    if (auto seen =
            FindWithin(url_key, article.published_at_ms, options_.url_window_ms, watermark_ms)) {
      return duplicate(DuplicateKind::kSameUrl, *seen);
    }
  }
  if (fingerprints.content_hash != 0) {
    if (auto seen = FindWithin(content_key, article.published_at_ms, options_.content_window_ms,
                               watermark_ms)) {
      return duplicate(DuplicateKind::kSameContent, *seen);
    }
  }

  Remember(article, fingerprints, SeenArticle{article.id, article.id, article.published_at_ms});
  return DedupVerdict{DuplicateKind::kUnique, "", article.id};
}

void ExactDeduplicator::Remember(const Article& article, const Fingerprints& fingerprints,
                                 const SeenArticle& seen) {
  index_.Remember(IdKey(article.id), seen);
  if (fingerprints.url_hash != 0)
    index_.Remember(HashKey(kUrlKeyPrefix, fingerprints.url_hash), seen);
  if (fingerprints.content_hash != 0)
    index_.Remember(HashKey(kContentKeyPrefix, fingerprints.content_hash), seen);
}

}  // namespace headwire::core
