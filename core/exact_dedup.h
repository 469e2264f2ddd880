#pragma once
// Exact duplicate detection, as PRODUCT.md defines it: the same item sent again under the same
// id, the same canonical URL, or the same normalised title and body. Event time bounds the URL
// and content matches, so the same headline on another day (a trap) is not merged.
//
// The deduplicator is deterministic: the same articles in the same order give the same
// verdicts. It keeps its memory in a DedupIndex that the caller owns; the processor daemon backs
// it with RocksDB (persisted with the consumed offsets), the offline filter with a hash map.
// Not thread-safe: one deduplicator per dedup domain.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/article.h"
#include "core/fingerprint.h"

namespace headwire::core {

// What a dedup index remembers under a key: the original of the articles seen with that id, URL
// or content, and the event times of those copies, as a span. A copy that arrives out of order
// widens the span instead of moving it, so the next copy is judged against every copy seen
// whatever order they came in.
struct SeenArticle {
  std::string id;               // the unique article (for a duplicate: the one it duplicates)
  std::string story_id;         // that article's story
  int64_t published_at_ms = 0;  // the latest copy's event time (forgetting counts from it)
  int64_t span_ms = 0;          // how much earlier the earliest copy is; 0: a single time

  int64_t earliest_ms() const { return published_at_ms - span_ms; }
};

// Storage for dedup memory. Keys are opaque byte strings made by the deduplicator.
class DedupIndex {
 public:
  virtual ~DedupIndex() = default;
  // Returns what was remembered under `key`, or nullopt.
  virtual std::optional<SeenArticle> Find(std::string_view key) const = 0;
  // Remembers `seen` under `key`, replacing what was there.
  virtual void Remember(std::string_view key, const SeenArticle& seen) = 0;
  // May drop entries whose event time is before `cutoff_ms`: the deduplicator no longer looks
  // at them. An index that expires entries by other means (a compaction filter) ignores it.
  virtual void ForgetBefore(int64_t cutoff_ms) { static_cast<void>(cutoff_ms); }
};

// A DedupIndex in a hash map, for offline filters and tests. Memory grows with the input.
class InMemoryDedupIndex final : public DedupIndex {
 public:
  std::optional<SeenArticle> Find(std::string_view key) const override;
  void Remember(std::string_view key, const SeenArticle& seen) override;
  void ForgetBefore(int64_t cutoff_ms) override;
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, SeenArticle> entries_;
};

struct ExactDedupOptions {
  // Two articles with the same canonical URL, or a resend under the same id, are duplicates
  // when their event times are at most this far apart. Default: 7 days.
  int64_t url_window_ms = 7LL * 24 * 3600 * 1000;
  // Two articles with the same normalised title and body are duplicates when their event times
  // are at most this far apart. Short, because recurring headlines ("Fed holds rates steady")
  // return on other days about other events. Default: 12 hours.
  int64_t content_window_ms = 12LL * 3600 * 1000;
  // An entry is forgotten once its event time is more than this behind the watermark (the
  // largest event time seen), so that the memory of a long stream stays bounded: only an
  // article arriving more than `forget_after_ms - url_window_ms` late (3 days by default) can
  // miss an original that way. Default: 10 days.
  int64_t forget_after_ms = 10LL * 24 * 3600 * 1000;
};

// The watermark before any event time was seen: nothing is forgotten.
inline constexpr int64_t kNoWatermark = std::numeric_limits<int64_t>::min();

// True for the keys ExactDeduplicator writes into its DedupIndex (a store shared with other
// owners can tell its entries apart by this).
bool IsExactDedupKey(std::string_view key);

enum class DuplicateKind {
  kUnique,
  kSameId,
  kSameUrl,
  kSameContent,
  kNear,  // decided by RecentArticles (near_duplicate.h), not by this class
};

// "unique", "same_id", "same_url", "same_content", "near".
const char* DuplicateKindName(DuplicateKind kind);

struct DedupVerdict {
  DuplicateKind kind = DuplicateKind::kUnique;
  std::string duplicate_of;  // empty when unique
  std::string story_id;      // the article's own id when unique, else its original's story
};

class ExactDeduplicator {
 public:
  // `index` must outlive the deduplicator.
  ExactDeduplicator(const ExactDedupOptions& options, DedupIndex& index)
      : options_(options), index_(index) {}
  ExactDeduplicator(const ExactDeduplicator&) = delete;
  ExactDeduplicator& operator=(const ExactDeduplicator&) = delete;

  // Decides whether `article` (with a non-empty id) duplicates one seen before and remembers it
  // for the articles that follow. Each time the watermark has moved a tenth of
  // `forget_after_ms`, the index is told it may drop what is forgotten. Entries more than
  // `forget_after_ms` behind `watermark_ms` count as forgotten (none with kNoWatermark), whether or
  // not the index still holds them, so an index that drops them in the background decides exactly
  // like one that keeps them.
  DedupVerdict Check(const Article& article, const Fingerprints& fingerprints,
                     int64_t watermark_ms);

  // Re-remembers a unique article's id, URL and content as `seen`: for a near duplicate its
  // original, for an article that joined a story itself with that story, so that later exact
  // duplicates get the same original and story. Call it after Check of the same article (which
  // found it unique) and before the next Check. When `seen` is another article (`article` is a
  // copy of it), a key whose entry that Check replaced (copies too far away to match) keeps the
  // event times of those copies when they are of that original, the span growing to cover
  // `seen.published_at_ms`; so an exact copy dated outside the content window (a near duplicate)
  // does not move its original's entry away from the original. An article remembered as itself
  // is a new original and replaces the entry, even one under its own id.
  void Remember(const Article& article, const Fingerprints& fingerprints, const SeenArticle& seen);

 private:
  // True when `seen` is an entry whose copies lie within `window_ms` of `published_at_ms` and
  // that is not forgotten at `watermark_ms`.
  bool Within(const std::optional<SeenArticle>& seen, int64_t published_at_ms, int64_t window_ms,
              int64_t watermark_ms) const;

  ExactDedupOptions options_;
  DedupIndex& index_;
  int64_t last_forget_cutoff_ms_ = kNoWatermark;
  // The entries the last Check replaced, by key: what Remember widens.
  std::vector<std::pair<std::string, SeenArticle>> replaced_;
};

}  // namespace headwire::core
