#pragma once
// RecentArticles: the event-time window of unique articles behind near-duplicate detection and
// story clustering, with the verdict for each new article.
//
// For each article, in stream order:
//  1. The window leaves in arrival order (it stays a contiguous run of arrivals, which is what
//     Restore rebuilds): the oldest arrival leaves while its event time is more than
//     `retention_ms` behind the watermark (the largest event time seen) or more than
//     `retention_ms` ahead of it (an estimated time far from the stream's), and while the window
//     holds `max_articles` or more than `max_window_bytes` by memory_bytes(). An article that
//     arrived late stays until the arrivals before it have left. Memory is bounded by
//     configuration, not by the stream's length.
//  2. Near duplicates: candidates share a MinHash band of the title tokens or a SimHash block of
//     the body; near_duplicate.h confirms them within `near_duplicate_window_ms`. The earliest
//     confirmed original wins. A near duplicate takes its original's story and is not added.
//     A lede that is the same text as that of a candidate, neither lede being about its own
//     title (ShareBoilerplateBody: "Read more.", a paywall notice), is boilerplate: the article
//     loses its lede-only story terms, so that such text joins no stories, and is kept so.
//  3. Stories: candidates share a term of title or lede (inverted index); the score combines
//     the TF-IDF cosines with the three closest members of the story, scaled down when few of
//     its members resemble the article (story_scoring.h; IDF over the articles in the window and
//     the `background` headlines), among stories that are not closed (no article for
//     `story_quiet_ms`) and whose member is within `story_member_window_ms`. Look-alikes of
//     different events (AreConflictingTwins) and reports naming disjoint countries never join.
//     The best story at or above `story_threshold` (`story_name_threshold` when a name of the
//     article's title is among a member's terms) wins, else the article opens a story of its
//     own, named by its id. The verdict is final.
//
// Determinism: verdicts depend only on the articles and their order; ties break by arrival, no
// decision depends on hash-map iteration order or on wall-clock time. Persistence: TakeChanges()
// returns the records that changed since the last call (to be written with the consumed
// offsets in one batch); Restore() rebuilds the exact same state from all records, so a restart
// continues with the verdicts an uninterrupted run would have given. Not thread-safe.

#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/background_frequencies.h"
#include "core/candidate_buckets.h"
#include "core/headline_features.h"
#include "core/member_dot_products.h"
#include "core/near_duplicate.h"
#include "core/story_scoring.h"
#include "core/term_table.h"
#include "core/watermark.h"

namespace headwire::core {

struct RecentArticlesOptions {
  // Near duplicates are at most this far apart in event time. Default: 24 hours.
  int64_t near_duplicate_window_ms = 24LL * 3600 * 1000;
  // A story with no new article for this long (event time) is closed. Default: 24 hours.
  int64_t story_quiet_ms = 24LL * 3600 * 1000;
  // An article is compared only with story members at most this far away in event time.
  // Default: 72 hours.
  int64_t story_member_window_ms = 72LL * 3600 * 1000;
  // Least story score (story_scoring.h: the closest member's TF-IDF cosine plus the support of
  // the next two) to join that story. Tuned on data/sample and data/tuning, see docs/dedup.md.
  // Default: 0.25.
  double story_threshold = 0.25;
  // The least score instead when a name in the article's title (a capitalised word, not a
  // country) is a term of a member the article is compared with. Tuned like the above.
  // Default: 0.20.
  double story_name_threshold = 0.20;
  // Weight w of the second- and third-closest members in the story score (s1 + w s2 + w² s3).
  // 0 scores the closest member alone. Tuned like the above. Default: 0.35.
  double story_support_weight = 0.35;
  // Share a of a story's members in the window that must resemble the article (cosine above the
  // member floor) for the story's full score; fewer scale it by sqrt(n / (a m)) (story_scoring.h),
  // so a large story does not absorb neighbouring threads through the one member that shares a
  // word with them. 0 turns it off. Tuned like the above. Default: 0.3.
  double story_agreement = 0.3;
  // Headlines the story IDF counts as if they were in the window, each as `background_weight`
  // articles: IDF(t) = ln((N + 1 + w B) / (df(t) + 1 + w b(t))) + 1, N articles in the window,
  // df(t) of them with term t, B background headlines, b(t) of them with t. Without it a young
  // window weighs every word alike ("start", "week" join unrelated headlines) and a story's own
  // term loses weight as soon as it trends. Null: the window alone. Default: null; the CLI
  // passes data/background/headlines.txt (see docs/dedup.md).
  std::shared_ptr<const BackgroundFrequencies> background;
  // How many window articles one background headline counts as (0: as if none). Tuned on
  // data/sample, data/tuning and the UCI tuning half. Default: 1.
  double background_weight = 1.0;
  // Members whose cosine is below this fraction of story_threshold neither score, support nor
  // veto. Tuned like the above (lower vetoes more look-alikes but visits more members).
  // Default: 0.4.
  double story_member_floor = 0.4;
  // An article more than this far ahead of the largest event time seen so far does not move the
  // watermark (core/watermark.h, IsFarAheadOfStream). Default: kDefaultMaxAheadMs (7 days).
  int64_t max_ahead_ms = kDefaultMaxAheadMs;
  // How far behind the watermark an article stays in the window; must cover the windows above.
  // Default: 72 hours.
  int64_t retention_ms = 72LL * 3600 * 1000;
  // Most articles the window holds; the oldest leave first. Default: 2,000,000.
  size_t max_articles = 2'000'000;
  // Most bytes the window may take by memory_bytes(); the oldest articles leave first. 0: no
  // limit but max_articles. Default: 0.
  size_t max_window_bytes = 0;
  // MinHash bands over the 16 slots of the title signature (16 / bands slots each). Default: 8.
  size_t title_bands = 8;
  // Most recent articles kept per candidate key and per term. Defaults: 16 and 64.
  size_t bucket_limit = 16;
  size_t posting_limit = 64;
  // How many of an article's terms (the rarest, by IDF) look for candidate stories. Default: 24.
  size_t candidate_terms = 24;
  // Terms in more than this fraction of the window's articles find no candidates (they still
  // count in the cosine). Default: 0.25.
  double max_candidate_df = 0.25;
  HeadlineFeatureOptions features;
  NearDuplicateOptions near_duplicate;
};

struct RecentVerdict {
  NearDuplicateMatch near_duplicate = NearDuplicateMatch::kNone;
  std::string duplicate_of;  // the original's id for a near duplicate
  std::string story_id;
  double story_score = 0;  // cosine with the story joined; 0 for a new story or a duplicate
};

// One changed record of the persisted state: `value` empty means delete `key`.
struct StateChange {
  std::string key;
  std::optional<std::string> value;
};

// Every key this class writes starts with one of these bytes; others are left to other owners.
inline constexpr char kRecentArticleKeyPrefix = 'A';
inline constexpr char kRecentStoryKeyPrefix = 'S';
inline constexpr char kRecentMetaKey = 'M';

class RecentArticles {
 public:
  explicit RecentArticles(const RecentArticlesOptions& options = {});

  // Decides on a unique (not exactly duplicated) article and remembers it unless it is a near
  // duplicate. An estimated event time (the source gave none) does not move the watermark, nor
  // does one far ahead of it that the article's ingestion time (0 = unknown) does not vouch for,
  // and none moves it past that ingestion time (WatermarkEventTime, core/watermark.h).
  RecentVerdict Decide(std::string_view id, int64_t event_time_ms, HeadlineFeatures features,
                       bool event_time_estimated = false, int64_t ingested_at_ms = 0);

  // Records changed since the last call, in a deterministic order.
  std::vector<StateChange> TakeChanges();

  // Replaces the state with the one `records` describe (every key with one of the prefixes
  // above, as TakeChanges wrote them). Returns an error message for a corrupt record.
  std::expected<void, std::string> Restore(
      const std::vector<std::pair<std::string, std::string>>& records);

  size_t size() const { return window_.size(); }
  // The memory the window takes, as max_window_bytes counts it: each article's entry, strings,
  // features, postings and candidate-bucket slots, and each story's and term's node, from their
  // sizes and sizeof, with the allocator's and the hash tables' overheads as libstdc++ has them
  // on 64-bit Linux. An estimate of the heap the window holds, and computed from the articles
  // alone, so the same stream evicts the same articles on every machine (bench/dedup_bench
  // prints it beside the resident memory it stands for).
  size_t memory_bytes() const { return memory_bytes_; }
  size_t story_count() const { return stories_.size(); }
  int64_t watermark() const { return watermark_ms_; }

 private:
  struct Story;
  struct Entry {
    uint64_t seq = 0;
    Story* story = nullptr;  // its node in stories_ (stable: unordered_map nodes never move)
    std::string id;
    std::string story_id;
    int64_t time_ms = 0;
    float norm = 0;
    uint32_t memory_bytes = 0;  // what it adds to the window's memory_bytes()
    HeadlineFeatures features;
  };
  struct Story {
    const std::string* id = nullptr;  // the key of this node
    int64_t first_seen_ms = 0;
    int64_t last_seen_ms = 0;
    uint64_t members = 0;       // every article that joined, including those gone from the window
    uint64_t live_members = 0;  // those still in the window
  };

  // The article's near-duplicate candidate keys, sorted and unique, into `keys`.
  void CandidateKeys(const HeadlineFeatures& features, std::vector<uint64_t>& keys) const;
  const Entry* Find(uint64_t seq) const;
  struct NearDuplicateSearch {
    const Entry* original = nullptr;  // the earliest confirmed original, if any
    NearDuplicateMatch match = NearDuplicateMatch::kNone;
    bool boilerplate_body = false;  // a candidate shares a boilerplate body with the article
  };
  // Looks among the articles that share one of `keys` (CandidateKeys of `features`).
  NearDuplicateSearch FindNearDuplicate(int64_t time_ms, const HeadlineFeatures& features,
                                        std::span<const uint64_t> keys);
  double Idf(uint32_t document_frequency, uint64_t term_hash) const;
  // Adds an entry whose `story` is set (its node in stories_) under its candidate `keys`.
  void Insert(Entry entry, std::span<const uint64_t> keys);
  bool OverBudget() const;
  static size_t StoryNodeBytes(const std::string& id);
  static size_t TermNodeBytes();
  void EvictOldest();
  void EvictExpired();
  std::string EncodeEntry(const Entry& entry) const;
  std::string EncodeStory(const Story& story) const;

  RecentArticlesOptions options_;
  std::deque<Entry> window_;  // in arrival order; window_[i].seq == window_.front().seq + i
  uint64_t next_seq_ = 0;
  int64_t watermark_ms_ = INT64_MIN;
  int64_t persisted_watermark_ms_ = INT64_MIN;  // as the last TakeChanges wrote it
  size_t memory_bytes_ = 0;
  // Looked up by id, never iterated: a hash map, because a tree of a million ids costs a chain
  // of cache misses on every article.
  std::unordered_map<std::string, Story> stories_;
  CandidateBuckets buckets_;  // candidate key -> seqs
  // A member's norm and a tag of its story travel with its postings (TermPosting), so that
  // scoring a candidate needs no visit to its entry (a cache miss) unless its story's best
  // members could reach a threshold. The tag fills what was padding: memory_bytes() counts 16
  // bytes a posting.
  static uint32_t StoryTag(std::string_view story_id);
  // Per term of the window: how many articles have it (for IDF) and the most recent of them.
  TermTable terms_;

  std::vector<uint64_t> added_;  // seqs added since TakeChanges
  std::vector<uint64_t> evicted_;
  std::vector<std::string> touched_stories_;  // may repeat; sorted and deduplicated on taking
  MemberDotProducts member_dots_;             // scratch of Decide, kept for its capacity
  // Scratch of Decide, kept for their capacity: the members above the floor, and their groups by
  // story tag (in an open-addressing table of indexes into tag_groups_ plus one).
  struct Resembling {
    uint64_t seq;
    double score;
    uint32_t story_tag;
    uint32_t next;  // the previous member of its tag group, or UINT32_MAX
  };
  std::vector<Resembling> resembling_;
  struct TagGroup {
    uint32_t tag;
    uint32_t last;  // its last member in resembling_
    MemberScores scores;
  };
  std::vector<TagGroup> tag_groups_;
  std::vector<uint32_t> tag_slots_;
  struct StoryMember {
    const Entry* entry;
    size_t next;  // the same story's previous member in story_members_, or SIZE_MAX
  };
  std::vector<StoryMember> story_members_;  // scratch of Decide, kept for its capacity
  // Scratch of Decide, kept for their capacity, so that deciding an article allocates nothing
  // but what the window keeps: its candidate keys, their articles, its terms by IDF and the
  // candidate stories; and of EvictOldest, the keys of the article leaving.
  std::vector<uint64_t> keys_;
  std::vector<uint64_t> evicted_keys_;
  std::vector<uint64_t> near_candidates_;
  struct RankedTerm {
    double idf;
    uint32_t document_frequency;
    const StoryTerm* term;
    const TermTable::Term* state;  // null when no article in the window has the term
  };
  std::vector<RankedTerm> by_idf_;
  struct Candidate {
    Story* story;
    MemberScores scores;
    size_t first_member;  // index into story_members_, then linked by next
  };
  std::vector<Candidate> candidates_;
};

}  // namespace headwire::core
