#include "core/recent_articles.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <span>

#include "core/byte_codec.h"
#include "core/similarity_hash.h"
#include "core/story_scoring.h"

namespace headwire::core {
namespace {

constexpr uint64_t kSeqMask = (1ULL << 56) - 1;
constexpr uint64_t kBodyKeySalt = 0x5bd1e9955bd1e995ULL;
// The state records are private to this class (core/byte_codec.h), each led by this version, and
// round-trip exactly (floats by their bits).
constexpr uint32_t kEncodingVersion = 1;

int64_t Distance(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

std::string SeqKey(uint64_t seq) {
  std::string key(1 + 8, kRecentArticleKeyPrefix);
  for (int i = 0; i < 8; ++i) key[1 + i] = static_cast<char>((seq >> (8 * (7 - i))) & 0xFF);
  return key;
}

std::string StoryKey(std::string_view story_id) {
  std::string key(1, kRecentStoryKeyPrefix);
  key += story_id;
  return key;
}

// What memory_bytes() counts, as libstdc++ lays things out on 64-bit Linux: a heap block costs
// its size plus 16 bytes of malloc header; a hash-map node is its value, a next pointer and the
// cached hash in one heap block, plus a bucket pointer (the maps' load factor is about 1).
constexpr size_t kHeapBlock = 16;

size_t HashNodeBytes(size_t value_bytes) { return value_bytes + 8 + 8 + kHeapBlock + 8; }

template <typename T>
size_t VectorHeap(const std::vector<T>& v) {
  return v.empty() ? 0 : v.size() * sizeof(T) + kHeapBlock;
}

size_t StringHeap(const std::string& s) {
  return s.size() < 16 ? 0 : s.size() + 1 + kHeapBlock;  // shorter ones live in the string
}

}  // namespace

RecentArticles::RecentArticles(const RecentArticlesOptions& options) : options_(options) {}

size_t RecentArticles::StoryNodeBytes(const std::string& id) {
  return HashNodeBytes(sizeof(std::string) + sizeof(Story)) + StringHeap(id);
}

size_t RecentArticles::TermNodeBytes() {
  // The count of the node-based map the terms lived in before TermTable: its value was the hash
  // and a 32-byte (frequency, posting vector) pair. Kept, so that a budget evicts the same
  // articles as before (docs/dedup.md); a TermTable slot is 48 bytes at a load of 1/4 to 1/2.
  constexpr size_t kCountedTermValue = sizeof(uint64_t) + 32;
  return HashNodeBytes(kCountedTermValue);
}

void RecentArticles::CandidateKeys(const HeadlineFeatures& features,
                                   std::vector<uint64_t>& keys) const {
  keys.clear();
  if (!features.title_tokens.empty()) {
    const std::vector<uint64_t> bands =
        MinHashBandKeys(ComputeMinHash(features.title_tokens), options_.title_bands);
    keys.assign(bands.begin(), bands.end());
  }
  if (features.has_body) {
    for (uint64_t block : SimHashBlockKeys(features.body_simhash)) {
      keys.push_back(Mix64(block ^ kBodyKeySalt));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

uint32_t RecentArticles::StoryTag(std::string_view story_id) {
  return static_cast<uint32_t>(std::hash<std::string_view>{}(story_id));
}

const RecentArticles::Entry* RecentArticles::Find(uint64_t seq) const {
  if (window_.empty() || seq < window_.front().seq) return nullptr;
  const uint64_t index = seq - window_.front().seq;
  return index < window_.size() ? &window_[index] : nullptr;
}

RecentArticles::NearDuplicateSearch RecentArticles::FindNearDuplicate(
    int64_t time_ms, const HeadlineFeatures& features, std::span<const uint64_t> keys) {
  std::vector<uint64_t>& candidates = near_candidates_;
  candidates.clear();
  // A key's slot is a cache miss in a large window: asked for all at once, they overlap.
  for (uint64_t key : keys) buckets_.Prefetch(key);
  for (uint64_t key : keys) buckets_.AppendSeqs(key, candidates);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  NearDuplicateSearch search;
  for (uint64_t seq : candidates) {  // oldest first: the original of a group wins
    const Entry* entry = Find(seq);
    if (entry == nullptr || Distance(entry->time_ms, time_ms) > options_.near_duplicate_window_ms) {
      continue;
    }
    search.match = MatchNearDuplicate(entry->features, features, options_.near_duplicate);
    if (search.match != NearDuplicateMatch::kNone) {
      search.original = entry;
      return search;
    }
    search.boilerplate_body =
        search.boilerplate_body ||
        ShareBoilerplateBody(entry->features, features, options_.near_duplicate);
  }
  return search;
}

double RecentArticles::Idf(uint32_t document_frequency, uint64_t term_hash) const {
  double documents = static_cast<double>(window_.size()) + 1.0;
  double with_term = static_cast<double>(document_frequency) + 1.0;
  if (const BackgroundFrequencies* background = options_.background.get()) {
    documents += options_.background_weight * background->documents();
    with_term += options_.background_weight * background->DocumentFrequency(term_hash);
  }
  return std::log(documents / with_term) + 1.0;
}

RecentVerdict RecentArticles::Decide(std::string_view id, int64_t event_time_ms,
                                     HeadlineFeatures features, bool event_time_estimated,
                                     int64_t ingested_at_ms) {
  const bool far_ahead =
      IsFarAheadOfStream(event_time_ms, ingested_at_ms, watermark_ms_, options_.max_ahead_ms);
  if (watermark_ms_ == INT64_MIN || (!event_time_estimated && !far_ahead)) {
    watermark_ms_ = std::max(watermark_ms_, WatermarkEventTime(event_time_ms, ingested_at_ms));
  }
  EvictExpired();

  RecentVerdict verdict;
  // The keys depend on the title's tokens and the body's SimHash alone, which the window keeps
  // as they are: found once, they serve the search and the insertion.
  CandidateKeys(features, keys_);
  const NearDuplicateSearch search = FindNearDuplicate(event_time_ms, features, keys_);
  if (search.original != nullptr) {
    verdict.near_duplicate = search.match;
    verdict.duplicate_of = search.original->id;
    verdict.story_id = search.original->story_id;
    return verdict;
  }
  if (search.boilerplate_body) {
    std::erase_if(features.terms, [](const StoryTerm& term) { return term.lede_only; });
  }

  // Score accumulation over the inverted index: every posting of a searched term adds a partial
  // dot product to its member, summed in a fixed order (MemberDotProducts), so that no cosine
  // depends on the order in which postings are met.
  const double candidate_df_limit =
      std::max(2.0, options_.max_candidate_df * static_cast<double>(window_.size()));
  // Only the article's rarest terms look for candidates: a story shares them, and common terms
  // would scan long posting lists for nothing. Every term counts in the cosine.
  std::vector<RankedTerm>& by_idf = by_idf_;
  by_idf.clear();
  double norm_squared = 0;
  // The terms' slots, then their posting lists, are far apart in a large window: asked for all
  // at once, as early as their addresses are known, their cache misses overlap instead of coming
  // one after the other.
  for (const StoryTerm& term : features.terms) terms_.Prefetch(term.hash);
  for (const StoryTerm& term : features.terms) {
    const TermTable::Term* state = terms_.Find(term.hash);
    const uint32_t document_frequency = state == nullptr ? 0 : state->document_frequency;
    if (document_frequency != 0 && document_frequency <= candidate_df_limit) {
      state->postings.PrefetchFront();
    }
    const double idf = Idf(document_frequency, term.hash);
    const double weight = term.weight * idf;
    norm_squared += weight * weight;
    by_idf.push_back({idf, document_frequency, &term, state});
  }
  const size_t searched = std::min(by_idf.size(), options_.candidate_terms);
  std::partial_sort(by_idf.begin(), by_idf.begin() + searched, by_idf.end(),
                    [](const auto& a, const auto& b) {
                      return a.idf != b.idf ? a.idf > b.idf : a.term->hash < b.term->hash;
                    });
  size_t postings = 0;
  for (size_t k = 0; k < searched; ++k) {
    if (by_idf[k].state != nullptr) postings += by_idf[k].state->postings.size();
  }
  member_dots_.Reset(postings);
  const auto searches = [&](size_t k) {
    return by_idf[k].document_frequency != 0 && by_idf[k].document_frequency <= candidate_df_limit;
  };
  for (size_t k = 0; k < searched; ++k) {
    // The next list's lines are asked for while this one is summed: the hardware prefetcher
    // follows a list only after its first misses, and all of them at once came no faster.
    if (k + 1 < searched && searches(k + 1)) by_idf[k + 1].state->postings.Prefetch();
    if (!searches(k)) continue;
    const auto [idf, document_frequency, term, state] = by_idf[k];
    for (std::span<const TermPosting> run : state->postings.Runs()) {
      for (const TermPosting& posting : run) {
        member_dots_.Add(
            posting.weight_and_seq & kSeqMask,
            term->weight * idf * static_cast<double>(posting.weight_and_seq >> 56) * idf,
            posting.norm, posting.story_tag);
      }
    }
  }
  member_dots_.Finish();
  const double norm = std::sqrt(norm_squared);
  // Far members can neither win, support nor veto (a look-alike of another event is always
  // close); the floor also spares the visit to their entries.
  constexpr uint32_t kNone = UINT32_MAX;
  resembling_.clear();
  for (const MemberDotProducts::Member& member : member_dots_.members()) {
    if (member.norm <= 0 || norm <= 0) continue;
    const double score = member.dot / (norm * member.norm);
    if (score < options_.story_member_floor * options_.story_threshold) continue;
    resembling_.push_back({member.seq, score, member.story_tag, kNone});
  }
  // Grouped by story tag: a group holds every resembling member of a story (and, rarely, of
  // another story with the same tag), with the three best scores among them.
  tag_groups_.clear();
  tag_slots_.assign(std::bit_ceil(std::max<size_t>(16, 2 * resembling_.size())), 0);
  const size_t tag_mask = tag_slots_.size() - 1;
  for (uint32_t r = 0; r < resembling_.size(); ++r) {
    const uint32_t tag = resembling_[r].story_tag;
    size_t i = tag & tag_mask;  // the tag is a hash already
    while (tag_slots_[i] != 0 && tag_groups_[tag_slots_[i] - 1].tag != tag) i = (i + 1) & tag_mask;
    if (tag_slots_[i] == 0) {
      tag_groups_.push_back({tag, kNone, {}});
      tag_slots_[i] = static_cast<uint32_t>(tag_groups_.size());
    }
    TagGroup& group = tag_groups_[tag_slots_[i] - 1];
    resembling_[r].next = group.last;
    group.last = r;
    group.scores.Add(resembling_[r].score);
  }

  // Per candidate story: its three best member scores, and its members. A story scores at most
  // what its tag group's three best members would combine to (more members and higher scores
  // never lower Combined, and the share factor is at most 1), so a group that cannot reach the
  // lowest threshold is passed over without reading its members' entries and stories, the cache
  // misses that used to grow with the window. The order in which groups and members are taken
  // (first found first; a group's members last first) decides nothing: a story's score depends
  // on the set of its members' scores, its vetoes on whether any member vetoes, and the best
  // story on score, then id. Whether a member is a look-alike of a different event (then the
  // whole story is out of reach) or names what the article's title names (a lower threshold) is
  // only asked of stories whose score could pass a threshold: those checks read the members'
  // features.
  constexpr size_t kNoMember = SIZE_MAX;
  const double lowest_threshold = std::min(options_.story_threshold, options_.story_name_threshold);
  // The bound needs a weight of at least 0; a negative one reads every group.
  const bool bounded = options_.story_support_weight >= 0;
  if (bounded) {
    std::erase_if(tag_groups_, [&](const TagGroup& group) {
      return group.scores.Combined(options_.story_support_weight) < lowest_threshold;
    });
  }
  // The entries of the members read below are far apart in a large window: asked for all at
  // once, their cache misses overlap instead of coming one after the other.
  for (const TagGroup& group : tag_groups_) {
    for (uint32_t r = group.last; r != kNone; r = resembling_[r].next) {
      if (const Entry* member = Find(resembling_[r].seq)) {
        __builtin_prefetch(&member->story);
        __builtin_prefetch(&member->time_ms);
      }
    }
  }
  std::vector<Candidate>& stories = candidates_;
  stories.clear();
  story_members_.clear();
  for (const TagGroup& group : tag_groups_) {
    const size_t group_stories = stories.size();
    for (uint32_t r = group.last; r != kNone; r = resembling_[r].next) {
      const Entry* member = Find(resembling_[r].seq);
      if (member == nullptr ||
          Distance(member->time_ms, event_time_ms) > options_.story_member_window_ms) {
        continue;
      }
      Story* story = member->story;
      if (story == nullptr || event_time_ms > story->last_seen_ms + options_.story_quiet_ms) {
        continue;
      }
      auto candidate = std::find_if(stories.begin() + group_stories, stories.end(),
                                    [story](const Candidate& c) { return c.story == story; });
      if (candidate == stories.end()) {
        stories.push_back({story, {}, kNoMember});
        candidate = stories.end() - 1;
      }
      candidate->scores.Add(resembling_[r].score);
      story_members_.push_back({member, candidate->first_member});
      candidate->first_member = story_members_.size() - 1;
    }
  }
  Story* best_story = nullptr;
  double best_score = 0;
  for (const Candidate& candidate : stories) {
    const double score = candidate.scores.Combined(
        options_.story_support_weight, options_.story_agreement, candidate.story->live_members);
    if (score < lowest_threshold) continue;
    const bool name_decides =
        (score >= options_.story_threshold) != (score >= options_.story_name_threshold);
    bool vetoed = false;
    bool named = false;
    for (size_t m = candidate.first_member; m != kNoMember && !vetoed; m = story_members_[m].next) {
      const HeadlineFeatures& member = story_members_[m].entry->features;
      vetoed = AreConflictingTwins(member, features) || CountriesDisagree(member, features);
      if (name_decides && !named) named = SharesName(features, member);
    }
    const double threshold = named ? options_.story_name_threshold : options_.story_threshold;
    if (vetoed || score < threshold) continue;
    if (best_story == nullptr || score > best_score ||
        (score == best_score && *candidate.story->id < *best_story->id)) {
      best_story = candidate.story;
      best_score = score;
    }
  }

  Entry entry;
  entry.id = std::string(id);
  entry.time_ms = event_time_ms;
  entry.norm = static_cast<float>(norm);
  entry.story_id = best_story != nullptr ? *best_story->id : entry.id;
  entry.features = std::move(features);
  entry.features.title_names = {};
  verdict.story_id = entry.story_id;
  verdict.story_score = best_story != nullptr ? best_score : 0;

  // A story joined is the node its member points to; only a new one is looked up (its id may
  // still name a story, when an article's id is reused).
  bool created = false;
  Story* story = best_story;
  if (story == nullptr) {
    auto [node, inserted] = stories_.try_emplace(entry.story_id);
    node->second.id = &node->first;
    story = &node->second;
    created = inserted;
  }
  if (created) {
    story->first_seen_ms = event_time_ms;
    memory_bytes_ += StoryNodeBytes(entry.story_id);
  }
  story->first_seen_ms = std::min(story->first_seen_ms, event_time_ms);
  story->last_seen_ms = created ? event_time_ms : std::max(story->last_seen_ms, event_time_ms);
  ++story->members;
  ++story->live_members;
  touched_stories_.push_back(entry.story_id);

  entry.story = story;
  entry.seq = next_seq_++;
  added_.push_back(entry.seq);
  Insert(std::move(entry), keys_);
  while (OverBudget()) EvictOldest();
  return verdict;
}

bool RecentArticles::OverBudget() const {
  return window_.size() > options_.max_articles ||
         (options_.max_window_bytes > 0 && memory_bytes_ > options_.max_window_bytes &&
          !window_.empty());
}

void RecentArticles::Insert(Entry entry, std::span<const uint64_t> keys) {
  for (uint64_t key : keys) buckets_.Add(key, entry.seq, options_.bucket_limit);
  const uint32_t tag = StoryTag(entry.story_id);
  for (const StoryTerm& term : entry.features.terms) {
    bool created = false;
    TermTable::Term& state = terms_.Count(term.hash, created);
    if (created) memory_bytes_ += TermNodeBytes();
    state.postings.PushBack(
        TermPosting{(static_cast<uint64_t>(term.weight) << 56) | entry.seq, entry.norm, tag},
        options_.posting_limit);
  }
  const HeadlineFeatures& f = entry.features;
  // The candidate buckets are at most half full: two slots of 16 bytes per (key, seq) pair.
  entry.memory_bytes = static_cast<uint32_t>(
      sizeof(Entry) + StringHeap(entry.id) + StringHeap(entry.story_id) +
      VectorHeap(f.title_tokens) + (f.title_slots.empty() ? 0 : 8 + kHeapBlock) +
      VectorHeap(f.title_numbers) + VectorHeap(f.body_numbers) + VectorHeap(f.countries) +
      VectorHeap(f.terms) + f.terms.size() * sizeof(TermPosting) + keys.size() * 32);
  memory_bytes_ += entry.memory_bytes;
  window_.push_back(std::move(entry));
}

void RecentArticles::EvictOldest() {
  Entry& entry = window_.front();
  CandidateKeys(entry.features, evicted_keys_);
  for (uint64_t key : evicted_keys_) buckets_.Remove(key, entry.seq);
  for (const StoryTerm& term : entry.features.terms) {
    TermTable::Term* state = terms_.Find(term.hash);
    if (state == nullptr) continue;
    auto& list = state->postings;
    if (!list.empty() && (list.front().weight_and_seq & kSeqMask) == entry.seq) list.PopFront();
    // The list holds the term's most recent members, so it empties exactly when the last
    // article with the term leaves.
    if (--state->document_frequency == 0) {
      terms_.Erase(*state);
      memory_bytes_ -= TermNodeBytes();
    }
  }
  if (auto story = stories_.find(entry.story_id); story != stories_.end()) {
    if (--story->second.live_members == 0) {
      memory_bytes_ -= StoryNodeBytes(story->first);
      stories_.erase(story);
    }
    touched_stories_.push_back(entry.story_id);
  }
  memory_bytes_ -= entry.memory_bytes;
  evicted_.push_back(entry.seq);
  window_.pop_front();
}

void RecentArticles::EvictExpired() {
  while (!window_.empty() && (window_.front().time_ms < watermark_ms_ - options_.retention_ms ||
                              window_.front().time_ms > watermark_ms_ + options_.retention_ms)) {
    EvictOldest();
  }
}

std::string RecentArticles::EncodeEntry(const Entry& entry) const {
  const HeadlineFeatures& f = entry.features;
  ByteWriter w;
  w.Varint(kEncodingVersion);
  w.VarintString(entry.id);
  w.VarintString(entry.story_id);
  w.I64(entry.time_ms);
  w.Varint(std::bit_cast<uint32_t>(entry.norm));
  w.VarintU64s(f.title_tokens);
  std::string slots;
  for (bool slot : f.title_slots) slots.push_back(slot ? '1' : '0');
  w.VarintString(slots);
  w.VarintU64s(f.title_numbers);
  // The flag is stored inverted: an entry written before it existed reads as about its title and
  // matches as it did.
  w.Varint((f.truncated ? 1 : 0) | (f.has_body ? 2 : 0) | (f.body_about_title ? 0 : 4));
  w.U64(f.body_simhash);
  w.VarintU64s(f.body_numbers);
  w.VarintU64s(f.countries);
  w.Varint(f.terms.size());
  for (const StoryTerm& term : f.terms) {
    w.U64(term.hash);
    w.Varint(term.weight);
  }
  return w.Take();
}

std::string RecentArticles::EncodeStory(const Story& story) const {
  ByteWriter w;
  w.Varint(kEncodingVersion);
  w.I64(story.first_seen_ms);
  w.I64(story.last_seen_ms);
  w.Varint(story.members);
  w.Varint(story.live_members);
  return w.Take();
}

std::vector<StateChange> RecentArticles::TakeChanges() {
  std::vector<StateChange> changes;
  std::sort(evicted_.begin(), evicted_.end());
  std::sort(touched_stories_.begin(), touched_stories_.end());
  touched_stories_.erase(std::unique(touched_stories_.begin(), touched_stories_.end()),
                         touched_stories_.end());
  for (uint64_t seq : added_) {
    if (const Entry* entry = Find(seq)) changes.push_back({SeqKey(seq), EncodeEntry(*entry)});
  }
  for (uint64_t seq : evicted_) changes.push_back({SeqKey(seq), std::nullopt});
  for (const std::string& story_id : touched_stories_) {
    const auto it = stories_.find(story_id);
    changes.push_back({StoryKey(story_id), it == stories_.end()
                                               ? std::nullopt
                                               : std::optional(EncodeStory(it->second))});
  }
  // The watermark moves on near duplicates too, which add and evict nothing: a restart must find
  // it where an uninterrupted run has it (what is far ahead, what expires, what is forgotten).
  if (!added_.empty() || !evicted_.empty() || watermark_ms_ != persisted_watermark_ms_) {
    persisted_watermark_ms_ = watermark_ms_;
    ByteWriter w;
    w.Varint(kEncodingVersion);
    w.Varint(next_seq_);
    w.I64(watermark_ms_);
    changes.push_back({std::string(1, kRecentMetaKey), w.Take()});
  }
  added_.clear();
  evicted_.clear();
  touched_stories_.clear();
  return changes;
}

std::expected<void, std::string> RecentArticles::Restore(
    const std::vector<std::pair<std::string, std::string>>& records) {
  *this = RecentArticles(options_);
  std::vector<std::pair<uint64_t, Entry>> entries;
  for (const auto& [key, value] : records) {
    if (key.empty()) continue;
    ByteReader r(value);
    if (r.Varint() != kEncodingVersion) return std::unexpected("unknown state record version");
    if (key[0] == kRecentMetaKey && key.size() == 1) {
      next_seq_ = r.Varint();
      watermark_ms_ = r.I64();
      persisted_watermark_ms_ = watermark_ms_;
    } else if (key[0] == kRecentStoryKeyPrefix) {
      Story story;
      story.first_seen_ms = r.I64();
      story.last_seen_ms = r.I64();
      story.members = r.Varint();
      story.live_members = r.Varint();
      auto [it, inserted] = stories_.insert_or_assign(key.substr(1), story);
      it->second.id = &it->first;
      if (inserted) memory_bytes_ += StoryNodeBytes(it->first);
    } else if (key[0] == kRecentArticleKeyPrefix && key.size() == 9) {
      Entry entry;
      for (int i = 0; i < 8; ++i) {
        entry.seq = (entry.seq << 8) | static_cast<uint8_t>(key[1 + i]);
      }
      entry.id = r.VarintString();
      entry.story_id = r.VarintString();
      entry.time_ms = r.I64();
      entry.norm = std::bit_cast<float>(static_cast<uint32_t>(r.Varint()));
      HeadlineFeatures& f = entry.features;
      f.title_tokens = r.VarintU64s();
      for (char c : r.VarintString()) f.title_slots.push_back(c == '1');
      f.title_numbers = r.VarintU64s();
      const uint64_t flags = r.Varint();
      f.truncated = (flags & 1) != 0;
      f.has_body = (flags & 2) != 0;
      f.body_about_title = (flags & 4) == 0;
      f.body_simhash = r.U64();
      f.body_numbers = r.VarintU64s();
      f.countries = r.VarintU64s();
      const uint64_t terms = r.Varint();
      for (uint64_t i = 0; r.ok() && i < terms; ++i) {
        StoryTerm term;
        term.hash = r.U64();
        term.weight = static_cast<uint8_t>(r.Varint());
        f.terms.push_back(term);
      }
      if (f.title_slots.size() != f.title_tokens.size()) {
        return std::unexpected("corrupt article record: title slots");
      }
      entries.emplace_back(entry.seq, std::move(entry));
    } else {
      continue;
    }
    if (!r.ok() || !r.AtEnd()) return std::unexpected("corrupt state record");
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].first != entries[i - 1].first + 1) {
      return std::unexpected("state records are not a contiguous run of articles");
    }
  }
  for (auto& [seq, entry] : entries) {
    if (auto story = stories_.find(entry.story_id); story != stories_.end()) {
      entry.story = &story->second;
    }
    CandidateKeys(entry.features, keys_);
    Insert(std::move(entry), keys_);
  }
  return {};
}

}  // namespace headwire::core
