#include "sinks/article_store.h"

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <limits>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>

#include "core/terms.h"

namespace headwire::sinks {
namespace {

// Stories keep at most this many members (the newest by event time, ties by id); `size` counts
// them all. Bounds a story's value however big it grows.
constexpr size_t kMaxStoredMembers = 200;

constexpr core::WindowSize kTermWindowSizes[] = {core::WindowSize::kHour, core::WindowSize::kDay};

std::string DuplicateKey(const v1::ProcessedArticle& article) {
  std::string key = article.duplicate_of();
  key.push_back('\0');
  key += article.article().id();
  key.push_back('\0');
  common::AppendBigEndian32(key, static_cast<uint32_t>(article.processing().source().partition()));
  common::AppendBigEndian64(key, static_cast<uint64_t>(article.processing().source().offset()));
  return key;
}

bool Exists(const common::StateStore& store, rocksdb::ColumnFamilyHandle* family,
            const std::string& key, Status& error) {
  std::string ignored;
  const auto s = store.db()->Get(rocksdb::ReadOptions(), family, key, &ignored);
  if (!s.ok() && !s.IsNotFound()) error = common::FromRocks(s, "read state");
  return s.ok();
}

// The topics an article is counted under in "latest" and "windows": its own, and kAllTopics.
std::vector<std::string> ListedTopics(const v1::ProcessedArticle& article) {
  std::vector<std::string> topics = TopicsOf(article);
  topics.emplace_back(kAllTopics);
  return topics;
}

// The entries of a batch's counts in key order.
template <typename Map>
std::vector<const typename Map::value_type*> SortedByKey(const Map& counts) {
  std::vector<const typename Map::value_type*> out;
  out.reserve(counts.size());
  for (const auto& entry : counts) out.push_back(&entry);
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return out;
}

std::string StoryIdOf(const v1::ProcessedArticle& article) {
  if (!article.story_id().empty()) return article.story_id();
  return article.duplicate_of().empty() ? article.article().id() : article.duplicate_of();
}

// Whether the horizons have moved on by `step` since `swept`, the ones at the last sweep: the
// global one, or the one below which some partition's entries may go (a partition catching up
// moves its own while the global one stays).
bool SweepDue(const ExpiryHorizons::Snapshot& swept, const ExpiryHorizons::Snapshot& now,
              int64_t step) {
  if (!now.global) return false;
  if (!swept.global || *now.global - *swept.global >= step) return true;
  for (const auto& [partition, ignored] : now.partitions) {
    const auto before = ExpiryHorizons::DeleteBelow(swept.global, partition, swept.partitions);
    const auto after = ExpiryHorizons::DeleteBelow(now.global, partition, now.partitions);
    if (*after - *before >= step) return true;
  }
  return false;
}

}  // namespace

// Runs full compactions on a thread of its own, so that the sink never waits for one. Requests
// that arrive while one runs are merged into the next.
class ExpirySweeper {
 public:
  explicit ExpirySweeper(common::StateStore& store) : store_(store), thread_([this] { Run(); }) {}
  ~ExpirySweeper() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  void Request() {
    {
      std::lock_guard lock(mutex_);
      requested_ = true;
    }
    wake_.notify_one();
  }
  // The error of the last sweep, once.
  Status TakeError() {
    std::lock_guard lock(mutex_);
    return std::exchange(error_, Status::Ok());
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stop_ || requested_; });
      if (stop_) return;
      requested_ = false;
      lock.unlock();
      Status s = store_.CompactAll();
      lock.lock();
      if (!s.ok()) error_ = s;
    }
  }

  common::StateStore& store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stop_ = false;
  Status error_;
  std::thread thread_;
};

std::vector<std::string> TopicsOf(const v1::ProcessedArticle& article) {
  if (article.topics().empty()) return {kOtherTopic};
  return {article.topics().begin(), article.topics().end()};
}

ArticleStore::ArticleStore(std::unique_ptr<common::StateStore> store, StoreOptions options,
                           std::shared_ptr<ExpiryHorizons> horizons)
    : store_(std::move(store)),
      families_{.articles = store_->family(kArticlesFamily),
                .latest = store_->family(kLatestFamily),
                .duplicates = store_->family(kDuplicatesFamily),
                .rejects = store_->family(kRejectsFamily),
                .windows = store_->family(kWindowsFamily),
                .terms = store_->family(kTermsFamily),
                .stories = store_->family(kStoriesFamily),
                .counters = store_->family(kCountersFamily),
                .meta = store_->family(kMetaFamily)},
      options_(options),
      tracker_(options.watermark),
      horizons_(std::move(horizons)) {}

ArticleStore::~ArticleStore() = default;

Result<std::unique_ptr<ArticleStore>> ArticleStore::Open(const std::string& path, bool for_queries,
                                                         const StoreOptions& options) {
  auto horizons = std::make_shared<ExpiryHorizons>();
  common::StateStoreOptions state{
      .path = path,
      .kind = common::StateKind::kSink,
      .column_families = {kArticlesFamily, kLatestFamily, kDuplicatesFamily, kRejectsFamily,
                          kWindowsFamily, kTermsFamily, kStoriesFamily, kCountersFamily,
                          kMetaFamily},
      .block_cache_bytes = options.memory_budget_bytes,
      .write_buffer_bytes = options.memory_budget_bytes / 2,
      // Every record looks up its article id or duplicate key (a redelivery?) and its story;
      // nearly all of them are new.
      .point_lookup_families = {kArticlesFamily, kDuplicatesFamily, kStoriesFamily,
                                kCountersFamily},
      .insert_hint_prefixes = {{kWindowsFamily, WindowPrefixTransform()},
                               {kTermsFamily, WindowPrefixTransform()},
                               {kLatestFamily, TopicPrefixTransform()}},
      // Flushes cost a quarter less CPU and the sweeper's compactions read them without
      // decompressing; the compacted state is compressed as before.
      .uncompressed_level0 = true};
  for (const char* family : kLogicalFamilies) {
    state.compaction_filters[family] = std::make_shared<ExpiryFilter>(family, horizons);
  }
  const auto add_counts = std::make_shared<AddCountsOperator>();
  for (const char* family : {kWindowsFamily, kTermsFamily, kCountersFamily}) {
    state.merge_operators[family] = add_counts;
  }
  auto store =
      for_queries ? common::StateStore::OpenForQueries(state) : common::StateStore::Open(state);
  if (!store) return Err(store.error());
  std::unique_ptr<ArticleStore> out(new ArticleStore(std::move(*store), options, horizons));
  if (!for_queries) out->sweeper_ = std::make_unique<ExpirySweeper>(*out->store_);

  // The watermark state, so that lateness after a restart is judged as before it.
  auto* meta = out->store_->family(kMetaFamily);
  std::unique_ptr<rocksdb::Iterator> it(out->store_->db()->NewIterator({}, meta));
  for (it->Seek(kPartitionMaxPrefix); it->Valid() && it->key().starts_with(kPartitionMaxPrefix);
       it->Next()) {
    const std::string partition =
        it->key().ToString().substr(std::string_view(kPartitionMaxPrefix).size());
    out->tracker_.Restore(partition, ReadTime(it->value().ToStringView()));
  }
  std::string value;
  if (out->store_->db()->Get({}, meta, kWatermarkKey, &value).ok()) {
    out->watermark_ = ReadTime(value);
  }
  // Published before any compaction can need them; until then compaction deletes nothing.
  auto partition_horizons = ReadPartitionHorizons(*out->store_->db(), {}, meta);
  if (!partition_horizons) return Err(partition_horizons.error());
  out->partition_horizons_ = std::move(*partition_horizons);
  if (out->store_->db()->Get({}, meta, kHorizonKey, &value).ok()) {
    horizons->Publish(ReadTime(value), out->partition_horizons_);
  }
  out->known_topics_ = out->KnownTopics();
  // State of an older headwire may hold rejects still waiting for the sink's first watermark
  // although it has one; they get it now, as they would have when it came.
  if (!for_queries && out->watermark_) {
    rocksdb::WriteBatch writes;
    if (Status s = out->RestampStoredRejects(writes, {}); !s.ok()) return Err(s);
    if (writes.Count() > 0) {
      if (Status s = out->store_->Write(writes); !s.ok()) return Err(s);
    }
  }
  return out;
}

Result<StageOutcome> ArticleStore::Stage(Batch& batch, const v1::ProcessedArticle& article,
                                         const std::string& partition) {
  const auto& raw = article.article();
  if (raw.id().empty()) return Err(Status::InvalidArgument("processed article without id"));
  const int64_t t = raw.published_at_ms();
  const bool duplicate = !article.duplicate_of().empty();
  const std::string duplicate_key = duplicate ? DuplicateKey(article) : "";
  // A record already applied is a no-op first of all, so a redelivery is never counted late.
  Status error;
  const bool seen = duplicate ? batch.duplicate_keys_.contains(duplicate_key) ||
                                    Exists(*store_, families_.duplicates, duplicate_key, error)
                              : batch.article_ids_.contains(raw.id()) ||
                                    Exists(*store_, families_.articles, raw.id(), error);
  if (!error.ok()) return Err(error);
  if (seen) return StageOutcome::kRedelivery;  // first verdict wins
  if (tracker_.IsLate(partition, t)) {
    // A late record leaves a marker so that its redelivery is not counted again.
    const std::string marker = kLateMarkerPrefix + (duplicate ? duplicate_key : raw.id());
    if (batch.late_keys_.contains(marker) || Exists(*store_, families_.counters, marker, error)) {
      return StageOutcome::kRedelivery;
    }
    if (!error.ok()) return Err(error);
    batch.late_keys_.insert(marker);
    batch.writes_.Put(families_.counters, marker,
                      TimedValue(tracker_.PartitionWatermark(partition).value_or(t), ""));
    ++batch.late_;
    return StageOutcome::kLate;
  }
  if (!raw.event_time_estimated() && tracker_.IsFarAhead(partition, t, raw.ingested_at_ms())) {
    return StageOutcome::kFarAhead;
  }
  // An estimated event time is the producer's wall clock: it must not drag the watermark (and
  // with it lateness and expiry) to the present.
  if (!raw.event_time_estimated()) {
    const bool first = !tracker_.PartitionWatermark(partition).has_value();
    tracker_.Observe(partition, core::WatermarkEventTime(t, raw.ingested_at_ms()));
    if (first) batch.first_watermarks_.emplace(partition, *tracker_.PartitionWatermark(partition));
  }
  const std::vector<std::string> topics = ListedTopics(article);
  if (duplicate) {
    batch.duplicate_keys_.insert(duplicate_key);
    batch.writes_.Put(families_.duplicates, duplicate_key,
                      TimedValue(t, article.SerializeAsString()));
  } else {
    batch.article_ids_.insert(raw.id());
    batch.writes_.Put(families_.articles, raw.id(), TimedValue(t, article.SerializeAsString()));
    for (const auto& topic : topics) {
      batch.writes_.Put(families_.latest, LatestKey(topic, raw.event_time_estimated(), t, raw.id()),
                        "");
    }
    std::vector<std::string> names;
    for (const auto& term : core::ExtractTerms(raw.title())) names.push_back(core::TermName(term));
    std::string key;
    for (const core::WindowSize size : kTermWindowSizes) {
      const int64_t start = core::WindowStart(t, core::WindowLengthMs(size));
      for (const auto& topic : topics) {
        key = WindowKey(size, start, topic, "");
        const size_t name_at = key.size();
        for (const auto& name : names) {
          key.resize(name_at);
          key += name;
          ++batch.term_deltas_[key];
        }
      }
    }
  }
  StageWindows(batch, article, topics, duplicate);
  StageTopics(batch, article);
  if (Status s = LoadStory(batch, StoryIdOf(article)); !s.ok()) return Err(s);
  StageStory(batch, article, partition);
  return StageOutcome::kApplied;
}

void ArticleStore::StageTopics(Batch& batch, const v1::ProcessedArticle& article) {
  auto note = [&](const std::string& topic) {
    if (known_topics_.contains(topic) || !batch.new_topics_.insert(topic).second) return;
    batch.writes_.Put(families_.meta, kTopicPrefix + topic, "");
  };
  for (const auto& score : article.scores()) note(score.topic());
  for (const auto& topic : article.topics()) note(topic);
}

void ArticleStore::StageWindows(Batch& batch, const v1::ProcessedArticle& article,
                                const std::vector<std::string>& topics, bool duplicate) {
  const int64_t t = article.article().published_at_ms();
  std::string key;
  for (const core::WindowSize size : core::kAllWindowSizes) {
    const int64_t start = core::WindowStart(t, core::WindowLengthMs(size));
    for (const auto& topic : topics) {
      key = WindowKey(size, start, topic, article.article().source());
      auto& counts = batch.window_deltas_[key];
      ++(duplicate ? counts.duplicates : counts.articles);
    }
  }
}

Status ArticleStore::LoadStory(Batch& batch, const std::string& story_id) {
  if (batch.stories_.contains(story_id)) return Status::Ok();
  std::string value;
  const auto s = store_->db()->Get({}, families_.stories, story_id, &value);
  if (s.IsNotFound()) {
    batch.stories_[story_id] = std::nullopt;
    return Status::Ok();
  }
  if (!s.ok()) return common::FromRocks(s, "read story " + story_id);
  auto story = ParseStoryRecord(value);
  if (!story) return Status::Corruption("stored story " + story_id);
  // A story past the horizon is gone, whether compaction has removed it yet or not: continuing
  // it only until a background compaction ran would make the state depend on when that was.
  // Its own partition's horizon depends on that partition's records alone; the global one would
  // also depend on the other partitions and on the idle rule's timing.
  // A partition without a horizon of its own (estimated event times only) goes by the global one,
  // as compaction does (ExpiryHorizons::DeleteBelow). A partition's own horizon is kept within a
  // retention of the global one (Commit), so a story of a partition that lags the others by more
  // than that restarts, as compaction may have removed it.
  std::optional<int64_t> horizon =
      story->partition ? PartitionHorizon(*story->partition) : std::nullopt;
  if (!horizon) horizon = horizons_->global();
  if (horizon && story->last_seen_ms < *horizon) {
    batch.stories_[story_id] = std::nullopt;
    return Status::Ok();
  }
  batch.stories_[story_id] = std::move(*story);
  return Status::Ok();
}

void ArticleStore::StageStory(Batch& batch, const v1::ProcessedArticle& article,
                              const std::string& partition) {
  const auto& raw = article.article();
  const int64_t t = raw.published_at_ms();
  const bool estimated = raw.event_time_estimated();
  std::optional<StoryRecord>& stored = batch.stories_[StoryIdOf(article)];
  if (!stored) {
    stored = StoryRecord{.first_seen_ms = t,
                         .last_seen_ms = t,
                         .dated = !estimated,
                         .headline = raw.title(),
                         .headline_id = raw.id(),
                         .headline_ms = t,
                         .partition = partition};
  }
  StoryRecord& story = *stored;
  // A resend of the same id is the same member.
  for (const auto& m : story.members) {
    if (m.id == raw.id()) return;
  }
  ++story.size;
  // First and last seen and the headline come from the dated members; only a story without any
  // takes them from estimated ones. The result is the same whatever the arrival order.
  const bool dated = story.dated.value_or(true);
  if (!estimated && !dated) {
    story.dated = true;
    story.first_seen_ms = t;
    story.last_seen_ms = t;
    story.headline = raw.title();
    story.headline_id = raw.id();
    story.headline_ms = t;
  } else if (estimated == !dated) {
    story.first_seen_ms = std::min(story.first_seen_ms, t);
    story.last_seen_ms = std::max(story.last_seen_ms, t);
    // The representative headline is the earliest member's: the same whatever the arrival order.
    if (std::tie(t, raw.id()) < std::tie(story.headline_ms, story.headline_id)) {
      story.headline = raw.title();
      story.headline_id = raw.id();
      story.headline_ms = t;
    }
  }
  // A story names the sources that come first in byte order and counts the others' members
  // together: the names kept are the smallest of the story's sources, and each keeps every one of
  // its members (a name once set aside never comes back, as smaller ones have taken its place),
  // so the result is the same whatever the arrival order.
  ++story.sources[raw.source()];
  while (story.sources.size() > options_.max_story_sources) {
    const auto largest = std::prev(story.sources.end());
    story.other_sources += static_cast<uint64_t>(largest->second);
    story.sources.erase(largest);
  }
  for (const auto& topic : TopicsOf(article)) ++story.topics[topic];
  StoryMember member{.time_ms = t, .id = raw.id(), .estimated = estimated};
  const auto pos = std::upper_bound(story.members.begin(), story.members.end(), member);
  story.members.insert(pos, std::move(member));
  if (story.members.size() > kMaxStoredMembers) story.members.erase(story.members.begin());
}

void ArticleStore::StageReject(Batch& batch, const common::TopicPartition& tp, int64_t offset,
                               const std::string& reason) {
  // A reject has no event time of its own; it expires with its partition's progress, which
  // depends on that partition's records alone.
  std::string partition = common::PartitionName(tp);
  std::string key = RejectKey(tp.topic, tp.partition, offset);
  if (const auto watermark = tracker_.PartitionWatermark(partition)) {
    batch.writes_.Put(families_.rejects, key, TimedValue(*watermark, reason));
    return;
  }
  batch.pending_rejects_.push_back({std::move(partition), std::move(key), reason});
}

std::optional<int64_t> ArticleStore::PartitionHorizon(const std::string& partition) const {
  const auto watermark = tracker_.PartitionWatermark(partition);
  if (!watermark) return std::nullopt;
  const int64_t horizon = *watermark - options_.retention_ms;
  const auto published = partition_horizons_.find(partition);
  return published == partition_horizons_.end() ? horizon : std::max(horizon, published->second);
}

std::optional<int64_t> ArticleStore::ProvisionalRejectStamp(
    const std::string& partition, int64_t stamp,
    const std::map<std::string, int64_t>& first_watermarks) const {
  // Every reject of a partition stored before its first watermark is provisional, whichever
  // stamp it got: that first watermark replaces it, so that the stamp does not depend on
  // whether the reject and the partition's first dated record were committed together.
  if (const auto first = first_watermarks.find(partition); first != first_watermarks.end()) {
    return first->second;
  }
  // A partition that carries only rejects or estimated event times gets no watermark, and its
  // rejects would stay for good: the sink's one dates them meanwhile.
  if (stamp == kPendingRejectTime && watermark_) return *watermark_;
  return std::nullopt;
}

Status ArticleStore::RestampStoredRejects(rocksdb::WriteBatch& writes,
                                          const std::map<std::string, int64_t>& first_watermarks) {
  // Runs when a partition gets its first watermark, when the sink gets its first, and on open:
  // a few times in the state's life.
  const auto horizons = horizons_->Load();
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator({}, families_.rejects));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto key = it->key().ToStringView();
    const auto value = it->value().ToStringView();
    const auto partition = RejectPartition(key);
    if (value.size() < 8 || !partition) continue;
    const auto stamp = ProvisionalRejectStamp(*partition, ReadTime(value), first_watermarks);
    if (!stamp) continue;
    // One that queries already stopped showing is gone, whether compaction has removed it yet
    // or not: a new stamp must not bring it back only where compaction was late.
    if (HiddenByHorizons(kRejectsFamily, key, value, horizons->global, horizons->partitions)) {
      writes.Delete(families_.rejects, it->key());
    } else {
      writes.Put(families_.rejects, it->key(), TimedValue(*stamp, TimedPayload(value)));
    }
  }
  if (!it->status().ok()) return common::FromRocks(it->status(), "scan rejects");
  return Status::Ok();
}

std::optional<int64_t> ArticleStore::StageWatermark(rocksdb::WriteBatch& writes,
                                                    const std::set<std::string>& idle) {
  if (const auto global = tracker_.GlobalWatermark(idle)) {
    watermark_ = watermark_ ? std::max(*watermark_, *global) : *global;
  }
  if (!watermark_) return std::nullopt;
  std::string value;
  AppendTime(value, *watermark_);
  writes.Put(families_.meta, kWatermarkKey, value);
  const int64_t horizon =
      std::max(horizons_->global().value_or(*watermark_ - options_.retention_ms),
               *watermark_ - options_.retention_ms);
  std::string horizon_value;
  AppendTime(horizon_value, horizon);
  writes.Put(families_.meta, kHorizonKey, horizon_value);
  return horizon;
}

Status ArticleStore::Commit(Batch& batch,
                            const std::map<common::TopicPartition, int64_t>& next_offsets,
                            const std::set<std::string>& idle) {
  auto& writes = batch.writes_;
  // Counts are added by merge operands (AddCountsOperator): no read per key. In key order, so
  // that the memtable's insert hints (state_layout.h) find each key's place near the last.
  for (const auto* entry : SortedByKey(batch.window_deltas_)) {
    writes.Merge(families_.windows, entry->first, EncodeWindowCounts(entry->second));
  }
  for (const auto* entry : SortedByKey(batch.term_deltas_)) {
    writes.Merge(families_.terms, entry->first, EncodeU64(entry->second));
  }
  for (const auto& [id, story] : batch.stories_) {
    if (story) writes.Put(families_.stories, id, StoryRecordJson(*story));
  }
  if (batch.late_ > 0) {
    writes.Merge(families_.counters, kLateCounter, EncodeU64(batch.late_));
  }
  const bool first_global = !watermark_;
  const auto horizon = StageWatermark(writes, idle);
  ExpiryHorizons::PartitionHorizons partition_horizons = partition_horizons_;
  for (const auto& [partition, max_time] : tracker_.maxima()) {
    std::string t;
    AppendTime(t, max_time);
    writes.Put(families_.meta, kPartitionMaxPrefix + partition, t);
    // At most a retention behind the global horizon: a partition gone quiet would otherwise
    // keep its stories and rejects for good.
    const int64_t own = *PartitionHorizon(partition);
    const int64_t held = horizon ? std::max(own, *horizon - options_.retention_ms) : own;
    auto [at, added] = partition_horizons.emplace(partition, held);
    if (!added && at->second == held) continue;
    at->second = held;
    std::string h;
    AppendTime(h, held);
    writes.Put(families_.meta, kPartitionHorizonPrefix + partition, h);
  }
  // The rejects of this batch that arrived before their partition's watermark are provisional
  // like the stored ones, and stamped by the same rule.
  for (const auto& pending : batch.pending_rejects_) {
    const int64_t stamp =
        ProvisionalRejectStamp(pending.partition, kPendingRejectTime, batch.first_watermarks_)
            .value_or(kPendingRejectTime);
    writes.Put(families_.rejects, pending.key, TimedValue(stamp, pending.reason));
  }
  if (!batch.first_watermarks_.empty() || (first_global && watermark_)) {
    if (Status s = RestampStoredRejects(writes, batch.first_watermarks_); !s.ok()) {
      batch = Batch();
      return s;
    }
  }
  for (const auto& [tp, offset] : next_offsets) store_->PutOffset(writes, tp, offset);
  Status s = store_->Write(writes);
  if (s.ok()) {
    known_topics_.merge(batch.new_topics_);
    partition_horizons_ = std::move(partition_horizons);
  }
  batch = Batch();
  if (!s.ok() || !horizon) return s;
  const auto published = horizons_->Publish(*horizon, partition_horizons_);
  if (!swept_) swept_ = published;
  if (sweeper_ == nullptr) return Status::Ok();
  if (SweepDue(*swept_, *published, options_.retention_ms / 4)) {
    swept_ = published;
    sweeper_->Request();
  }
  return sweeper_->TakeError();
}

Status ArticleStore::AdvanceWatermark(const std::set<std::string>& idle) {
  const auto global = tracker_.GlobalWatermark(idle);
  if (!global || (watermark_ && *global <= *watermark_)) return Status::Ok();
  Batch batch;
  return Commit(batch, {}, idle);
}

std::set<std::string> ArticleStore::KnownPartitions() const {
  std::set<std::string> out;
  for (const auto& [partition, ignored] : tracker_.maxima()) out.insert(partition);
  return out;
}

Result<std::vector<v1::ProcessedArticle>> ArticleStore::Latest(const std::string& topic,
                                                               size_t limit) const {
  common::StateStore::ConsistentView reader(*store_);
  std::string prefix = topic;
  prefix.push_back('\0');
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(reader.options(), store_->family(kLatestFamily)));
  std::vector<v1::ProcessedArticle> out;
  for (it->Seek(prefix); it->Valid() && out.size() < limit && it->key().starts_with(prefix);
       it->Next()) {
    const auto parts = ParseLatestKey(it->key().ToStringView());
    if (!parts) return Err(Status::Corruption("latest key"));
    std::string value;
    const auto s =
        store_->db()->Get(reader.options(), store_->family(kArticlesFamily), parts->id, &value);
    if (!s.ok()) return Err(common::FromRocks(s, "read article " + parts->id));
    v1::ProcessedArticle article;
    if (!article.ParseFromString(std::string(TimedPayload(value)))) {
      return Err(Status::Corruption("stored article " + parts->id));
    }
    out.push_back(std::move(article));
  }
  if (!it->status().ok()) return Err(common::FromRocks(it->status(), "scan latest"));
  return out;
}

std::set<std::string> ArticleStore::KnownTopics() const {
  std::set<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator({}, store_->family(kMetaFamily)));
  for (it->Seek(kTopicPrefix); it->Valid() && it->key().starts_with(kTopicPrefix); it->Next()) {
    out.insert(it->key().ToString().substr(std::string_view(kTopicPrefix).size()));
  }
  return out;
}

Result<StoreCounts> ArticleStore::Counts() const {
  common::StateStore::ConsistentView reader(*store_);
  auto count = [&](const char* family) {
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(reader.options(), store_->family(family)));
    uint64_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  };
  StoreCounts counts;
  counts.articles = count(kArticlesFamily);
  counts.duplicates = count(kDuplicatesFamily);
  counts.rejects = count(kRejectsFamily);
  std::string value;
  if (store_->db()
          ->Get(reader.options(), store_->family(kCountersFamily), kLateCounter, &value)
          .ok()) {
    counts.late = DecodeU64(value);
  }
  return counts;
}

Result<std::map<std::string, uint64_t>> ArticleStore::TopicCounts() const {
  common::StateStore::ConsistentView reader(*store_);
  std::map<std::string, uint64_t> counts;
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(reader.options(), store_->family(kLatestFamily)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key = it->key().ToString();
    const std::string topic = key.substr(0, key.find('\0'));
    if (topic != kAllTopics) ++counts[topic];
  }
  return counts;
}

}  // namespace headwire::sinks
