#include "sinks/query_api.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>
#include <tuple>

#include "common/time_format.h"
#include "core/event_windows.h"
#include "core/story_status.h"
#include "core/terms.h"
#include "core/text.h"
#include "sinks/story_summary.h"

namespace headwire::sinks {
namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

// One snapshot of the state plus the bookkeeping every query needs from it.
class View {
 public:
  explicit View(const ArticleStore& store) : state_(store.state()), reader_(state_) {
    std::string value;
    auto* meta = state_.family(kMetaFamily);
    if (state_.db()->Get(reader_.options(), meta, kWatermarkKey, &value).ok()) {
      watermark_ = ReadTime(value);
    }
    if (state_.db()->Get(reader_.options(), meta, kHorizonKey, &value).ok()) {
      horizon_ = ReadTime(value);
    }
    if (auto horizons = ReadPartitionHorizons(*state_.db(), reader_.options(), meta)) {
      partition_horizons_ = std::move(*horizons);
    } else if (read_status_.ok()) {
      read_status_ = horizons.error();
    }
    std::unique_ptr<rocksdb::Iterator> it(state_.db()->NewIterator(reader_.options(), meta));
    for (it->Seek(kPartitionMaxPrefix); it->Valid() && it->key().starts_with(kPartitionMaxPrefix);
         it->Next()) {
      const int64_t t = ReadTime(it->value().ToStringView());
      max_event_time_ = max_event_time_ ? std::max(*max_event_time_, t) : t;
    }
    for (it->Seek(kTopicPrefix); it->Valid() && it->key().starts_with(kTopicPrefix); it->Next()) {
      known_topics_.insert(it->key().ToString().substr(std::string_view(kTopicPrefix).size()));
    }
    Keep(it->status());
  }

  // Hands the iterator's final status to the view when it is destroyed, so that a scan cut
  // short by a read error (a damaged file) fails the query instead of shortening its answer.
  struct KeepStatus {
    const View* view;
    void operator()(rocksdb::Iterator* it) const {
      view->Keep(it->status());
      delete it;
    }
  };
  std::unique_ptr<rocksdb::Iterator, KeepStatus> Iterate(const char* family) const {
    return {state_.db()->NewIterator(reader_.options(), state_.family(family)), KeepStatus{this}};
  }
  rocksdb::Status Get(const char* family, const std::string& key, std::string* value) const {
    auto s = state_.db()->Get(reader_.options(), state_.family(family), key, value);
    if (!s.IsNotFound()) Keep(s);
    return s;
  }
  // The first read error met so far; OK when every read succeeded.
  Status read_status() const { return read_status_; }
  // Expired entries are invisible even before compaction removes them.
  bool Expired(int64_t expiry_time) const { return expiry_time < horizon_; }
  // The same for an entry whose expiry may also wait for its partition (HiddenByHorizons).
  bool Hidden(std::string_view family, std::string_view key, std::string_view value) const {
    return HiddenByHorizons(family, key, value,
                            horizon_ == kMinTime ? std::nullopt : std::optional(horizon_),
                            partition_horizons_);
  }
  std::optional<int64_t> watermark() const { return watermark_; }
  // The largest dated event time seen (estimated times do not count).
  std::optional<int64_t> max_event_time() const { return max_event_time_; }
  const std::set<std::string>& known_topics() const { return known_topics_; }

 private:
  const common::StateStore& state_;
  common::StateStore::ConsistentView reader_;
  std::optional<int64_t> watermark_;
  std::optional<int64_t> max_event_time_;
  std::set<std::string> known_topics_;
  int64_t horizon_ = kMinTime;
  ExpiryHorizons::PartitionHorizons partition_horizons_;
  mutable Status read_status_;

  void Keep(const rocksdb::Status& s) const {
    if (!s.ok() && read_status_.ok()) read_status_ = common::FromRocks(s, "read state");
  }
};

common::Json TimeOrNull(std::optional<int64_t> t) {
  return t ? common::Json(common::FormatRfc3339(*t)) : common::Json(nullptr);
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(value));
  }
  return out;
}

// Lists computed in memory page by position: cursor "o<index>".
Result<size_t> OffsetCursor(const std::string& cursor) {
  if (cursor.empty()) return 0;
  size_t offset = 0;
  if (cursor[0] != 'o') return Err(Status::InvalidArgument("cursor: not a cursor of this query"));
  const auto [p, ec] = std::from_chars(cursor.data() + 1, cursor.data() + cursor.size(), offset);
  if (ec != std::errc() || p != cursor.data() + cursor.size()) {
    return Err(Status::InvalidArgument("cursor: malformed"));
  }
  return offset;
}

// The page [offset, offset + limit) of a list of `size` items computed in memory; `item(i)`
// makes the JSON of item i and is called for the page's items only, so that a page costs its
// own items' JSON and not that of the whole list.
template <typename MakeItem>
common::Json Page(size_t size, size_t offset, size_t limit, MakeItem item) {
  // Clamped first: offset + limit must not wrap for a cursor near the largest number.
  offset = std::min(offset, size);
  const size_t end = offset + std::min(limit, size - offset);
  common::Json items = common::Json::array();
  for (size_t i = offset; i < end; ++i) items.push_back(item(i));
  common::Json out;
  out["items"] = std::move(items);
  out["next_cursor"] = end < size ? common::Json("o" + std::to_string(end)) : common::Json(nullptr);
  return out;
}

common::Json Page(std::vector<common::Json> all, size_t offset, size_t limit) {
  return Page(all.size(), offset, limit, [&](size_t i) { return std::move(all[i]); });
}

std::string DisplayTopic(const std::string& topic) { return topic == kAllTopics ? "all" : topic; }

// "" and "all" mean every article once.
std::string StoredTopic(const std::string& topic) {
  return topic.empty() || topic == "all" ? kAllTopics : topic;
}

common::Json ArticleJson(const v1::ProcessedArticle& article) {
  const auto& raw = article.article();
  common::Json out;
  out["id"] = raw.id();
  out["title"] = raw.title();
  out["source"] = raw.source();
  out["url"] = raw.url();
  out["published_at"] = common::FormatRfc3339(raw.published_at_ms());
  out["published_at_estimated"] = raw.event_time_estimated();
  out["topics"] = common::Json::array();
  for (const auto& t : TopicsOf(article)) out["topics"].push_back(t);
  out["story_id"] = article.story_id();
  return out;
}

Result<common::Json> Latest(const View& view, const QueryRequest& request) {
  const std::string topic = StoredTopic(request.topic);
  std::string prefix = topic;
  prefix.push_back('\0');
  std::string after;  // the key of the cursor: the page starts after it
  if (!request.cursor.empty()) {
    auto key = request.cursor[0] == 'k' ? FromHex(std::string_view(request.cursor).substr(1))
                                        : std::nullopt;
    if (!key || !key->starts_with(prefix) || key->size() == prefix.size()) {
      return Err(Status::InvalidArgument("cursor: not a cursor of this query"));
    }
    after = *key;
  }
  common::Json items = common::Json::array();
  common::Json next = nullptr;
  std::string last_key;
  // Dated articles newest first, then those whose event time the producer estimated.
  for (const bool estimated : {false, true}) {
    std::string section = prefix;
    section.push_back(estimated ? '\1' : '\0');
    auto it = view.Iterate(kLatestFamily);
    if (!after.empty() && after.starts_with(section)) {
      it->Seek(after);
    } else if (!after.empty() && after > section) {
      continue;  // the cursor is past this section
    } else if (request.to_ms != 0) {
      it->Seek(LatestKey(topic, estimated, request.to_ms - 1, ""));
    } else {
      it->Seek(section);
    }
    for (; it->Valid() && it->key().starts_with(section); it->Next()) {
      const std::string key = it->key().ToString();
      if (key == after) continue;
      const auto parts = ParseLatestKey(key);
      if (!parts) return Err(Status::Corruption("latest key"));
      if (view.Expired(parts->time_ms) ||
          (request.from_ms != 0 && parts->time_ms < request.from_ms)) {
        break;  // newest first: everything after is older
      }
      std::string value;
      if (auto s = view.Get(kArticlesFamily, parts->id, &value); !s.ok()) {
        return Err(common::FromRocks(s, "read article " + parts->id));
      }
      v1::ProcessedArticle article;
      if (!article.ParseFromString(std::string(TimedPayload(value)))) {
        return Err(Status::Corruption("stored article " + parts->id));
      }
      if (!request.source.empty() && article.article().source() != request.source) continue;
      if (items.size() == request.limit) {
        next = "k" + ToHex(last_key);
        break;
      }
      items.push_back(ArticleJson(article));
      last_key = key;
    }
    if (!it->status().ok()) return Err(common::FromRocks(it->status(), "scan latest"));
    if (!next.is_null()) break;
  }
  common::Json out;
  out["kind"] = QueryKindName(request.kind);
  out["topic"] = DisplayTopic(topic);
  out["items"] = std::move(items);
  out["next_cursor"] = std::move(next);
  return out;
}

// Sums of one stored window size over [from, to) that pass the topic and source filters, keyed
// by (window start, topic, source).
struct WindowRow {
  int64_t start = 0;
  std::string topic;
  std::string source;
  WindowCounts counts;
};

std::vector<WindowRow> ScanWindows(const View& view, core::WindowSize size,
                                   const QueryRequest& request, const std::string* topic_filter) {
  const int64_t length = core::WindowLengthMs(size);
  const int64_t first =
      request.from_ms != 0 ? core::WindowStart(request.from_ms, length) : kMinTime;
  std::vector<WindowRow> rows;
  auto it = view.Iterate(kWindowsFamily);
  for (it->Seek(WindowPrefix(size, first)); it->Valid(); it->Next()) {
    const auto parts = ParseWindowKey(it->key().ToStringView());
    if (!parts || parts->size != size) break;
    if (request.to_ms != 0 && parts->start_ms >= request.to_ms) break;
    if (view.Expired(parts->start_ms + length)) continue;
    if (topic_filter != nullptr && parts->topic != *topic_filter) continue;
    if (!request.source.empty() && parts->name != request.source) continue;
    rows.push_back({parts->start_ms, parts->topic, parts->name,
                    DecodeWindowCounts(it->value().ToStringView())});
  }
  return rows;
}

// Totals over all time kept: unique articles and duplicates of the query's topic (every article
// once without one) and source; rejects and late records have no topic or source and are the
// store's.
common::Json Totals(const View& view, const std::string& topic, const std::string& source) {
  uint64_t articles = 0;
  uint64_t duplicates = 0;
  QueryRequest all_time;
  all_time.source = source;
  for (const auto& row : ScanWindows(view, core::WindowSize::kDay, all_time, &topic)) {
    articles += row.counts.articles;
    duplicates += row.counts.duplicates;
  }
  uint64_t rejects = 0;
  auto it = view.Iterate(kRejectsFamily);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!view.Hidden(kRejectsFamily, it->key().ToStringView(), it->value().ToStringView())) {
      ++rejects;
    }
  }
  std::string value;
  const uint64_t late = view.Get(kCountersFamily, kLateCounter, &value).ok() ? DecodeU64(value) : 0;
  return {{"articles", articles}, {"duplicates", duplicates}, {"rejects", rejects}, {"late", late}};
}

// One topic's stored windows in start order, with running totals of their counts (every source
// added), so that the sum of any run of them is one subtraction.
struct TopicWindows {
  std::vector<int64_t> starts;
  std::vector<WindowCounts> totals = {{}};  // totals[i]: the sum of the first i windows

  void Add(int64_t start, const WindowCounts& counts) {
    if (starts.empty() || starts.back() != start) {
      starts.push_back(start);
      totals.push_back(totals.back());
    }
    totals.back().articles += counts.articles;
    totals.back().duplicates += counts.duplicates;
  }
  WindowCounts Sum(size_t first, size_t end) const {
    return {totals[end].articles - totals[first].articles,
            totals[end].duplicates - totals[first].duplicates};
  }
};

// One window of a counts answer before it becomes JSON.
struct CountRow {
  int64_t start = 0;
  size_t topic = 0;  // rank of the topic's display name
  WindowCounts counts;
};

// What a request rules out by itself, whatever the state holds: a limit out of range, an empty
// time range, a hop not shorter than its window, a minute window for trending. Checked when a
// request is parsed (a usage error for `headwire query`) and when it is run (requests built in
// code).
Status CheckQueryRequest(const QueryRequest& request) {
  if (request.limit < 1 || request.limit > kMaxQueryLimit) {
    return Status::InvalidArgument("limit: must be between 1 and " +
                                   std::to_string(kMaxQueryLimit));
  }
  if (request.from_ms != 0 && request.to_ms != 0 && request.from_ms >= request.to_ms) {
    return Status::InvalidArgument(EmptyRangeMessage("from", "to"));
  }
  if (request.hop && core::WindowLengthMs(*request.hop) >= core::WindowLengthMs(request.window)) {
    return Status::InvalidArgument("hop: must be shorter than window");
  }
  if (request.kind == QueryKind::kTrending && request.window == core::WindowSize::kMinute) {
    return Status::InvalidArgument("window: trending keeps hour and day windows only");
  }
  return Status::Ok();
}

Result<common::Json> Counts(const View& view, const ArticleStore& store,
                            const QueryRequest& request) {
  const int64_t length = core::WindowLengthMs(request.window);
  core::WindowSize stored = request.window;
  int64_t hop = length;
  if (request.hop) {
    hop = core::WindowLengthMs(*request.hop);
    stored = *request.hop;
  }
  auto offset = OffsetCursor(request.cursor);
  if (!offset) return Err(offset.error());
  const std::string topic = request.topic.empty() ? "" : StoredTopic(request.topic);
  QueryRequest range = request;
  // A window starting just before `to` reaches length - hop past it.
  if (hop != length && range.to_ms != 0) range.to_ms += length - hop;
  // Keyed by the name the answer shows, in whose order windows of one start are listed.
  std::map<std::string, TopicWindows> by_topic;
  for (const auto& row : ScanWindows(view, stored, range, topic.empty() ? nullptr : &topic)) {
    by_topic[DisplayTopic(row.topic)].Add(row.start, row.counts);
  }
  std::vector<CountRow> rows;
  std::vector<const std::string*> names;
  for (const auto& [name, windows] : by_topic) {
    for (const auto& span : core::HoppingWindowsOver(windows.starts, length, hop)) {
      if (request.from_ms != 0 && span.start_ms < request.from_ms) continue;
      if (request.to_ms != 0 && span.start_ms >= request.to_ms) break;
      rows.push_back({span.start_ms, names.size(), windows.Sum(span.first, span.end)});
    }
    names.push_back(&name);
  }
  std::sort(rows.begin(), rows.end(), [](const CountRow& a, const CountRow& b) {
    return std::tie(a.start, a.topic) < std::tie(b.start, b.topic);
  });
  const core::WatermarkTracker finality(store.options().watermark);
  common::Json page = Page(rows.size(), *offset, request.limit, [&](size_t i) {
    const CountRow& row = rows[i];
    return common::Json{{"window_start", common::FormatRfc3339(row.start)},
                        {"window_end", common::FormatRfc3339(row.start + length)},
                        {"topic", *names[row.topic]},
                        {"articles", row.counts.articles},
                        {"duplicates", row.counts.duplicates},
                        {"final", finality.IsFinal(row.start + length, view.watermark())}};
  });
  common::Json out;
  out["kind"] = QueryKindName(request.kind);
  out["topic"] = DisplayTopic(StoredTopic(request.topic));
  out["window"] = core::WindowName(request.window);
  out["hop"] = core::WindowName(request.hop.value_or(request.window));
  out["watermark"] = TimeOrNull(view.watermark());
  out["totals"] = Totals(view, StoredTopic(request.topic), request.source);
  out["items"] = std::move(page["items"]);
  out["next_cursor"] = std::move(page["next_cursor"]);
  return out;
}

// The answer's item for the stored story `id`, read again from the view's snapshot.
Result<common::Json> StoryJson(const View& view, const std::string& id, std::optional<int64_t> now,
                               const core::StoryStatusOptions& options) {
  std::string value;
  if (auto s = view.Get(kStoriesFamily, id, &value); !s.ok()) {
    return Err(common::FromRocks(s, "read story " + id));
  }
  const auto story = nlohmann::json::parse(value, nullptr, false);
  if (!story.is_object()) return Err(Status::Corruption("stored story " + id));
  const int64_t first = story["first_seen_ms"].get<int64_t>();
  const int64_t last = story["last_seen_ms"].get<int64_t>();
  // Members with an estimated time ([time, id, true]) do not make a story grow.
  const bool dated = story.value("dated", true);
  std::vector<int64_t> times;
  common::Json members = common::Json::array();
  for (const auto& m : story["members"]) {
    if (m.size() == 2) times.push_back(m[0].get<int64_t>());
    members.push_back(m[1].get<std::string>());
  }
  const auto status =
      now ? core::ClassifyStory(times, last, *now, options) : core::StoryStatus::kSteady;
  common::Json sources = common::Json::array();
  for (const auto& [name, n] : story["sources"].items()) {
    if (!name.empty()) sources.push_back(name);
  }
  common::Json topics = common::Json::array();
  for (const auto& [name, n] : story["topics"].items()) topics.push_back(name);
  return common::Json{{"story_id", id},
                      {"headline", story["headline"].get<std::string>()},
                      {"size", story["size"].get<uint64_t>()},
                      {"status", core::StoryStatusName(status)},
                      {"first_seen", common::FormatRfc3339(first)},
                      {"last_seen", common::FormatRfc3339(last)},
                      {"time_estimated", !dated},
                      {"sources", std::move(sources)},
                      {"other_source_members", story.value("other_sources", uint64_t{0})},
                      {"topics", std::move(topics)},
                      {"members", std::move(members)}};
}

Result<common::Json> Stories(const View& view, const ArticleStore& store,
                             const QueryRequest& request) {
  auto offset = OffsetCursor(request.cursor);
  if (!offset) return Err(offset.error());
  // The largest dated event time, not the watermark: it depends on the input only.
  const std::optional<int64_t> now = view.max_event_time();
  const std::string topic = StoredTopic(request.topic);
  const bool by_status = request.status.has_value();
  // What sorting needs; a story's JSON is built for the page only.
  struct Found {
    bool dated;
    int64_t last_seen;
    uint64_t size;
    std::string id;
  };
  std::vector<Found> found;
  auto it = view.Iterate(kStoriesFamily);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto story = ReadStorySummary(
        it->value().ToStringView(), topic == kAllTopics ? "" : topic, request.source, by_status);
    if (!story) return Err(Status::Corruption("stored story " + it->key().ToString()));
    if (view.Expired(story->last_seen_ms)) continue;
    if (request.from_ms != 0 && story->last_seen_ms < request.from_ms) continue;
    if (request.to_ms != 0 && story->first_seen_ms >= request.to_ms) continue;
    if (topic != kAllTopics && !story->has_topic) continue;
    if (!request.source.empty() && !story->has_source) continue;
    if (by_status) {
      const auto status = now ? core::ClassifyStory(story->dated_member_times, story->last_seen_ms,
                                                    *now, store.options().stories)
                              : core::StoryStatus::kSteady;
      if (status != *request.status) continue;
    }
    found.push_back({story->dated, story->last_seen_ms, story->size, it->key().ToString()});
  }
  // Dated stories first: an estimated time must not outrank real ones.
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(b.dated, b.last_seen, b.size, a.id) <
           std::tie(a.dated, a.last_seen, a.size, b.id);
  });
  Status read;
  common::Json page = Page(found.size(), *offset, request.limit, [&](size_t i) -> common::Json {
    auto json = StoryJson(view, found[i].id, now, store.options().stories);
    if (!json) {
      if (read.ok()) read = json.error();
      return nullptr;
    }
    return std::move(*json);
  });
  if (!read.ok()) return Err(read);
  common::Json out;
  out["kind"] = QueryKindName(request.kind);
  out["as_of"] = TimeOrNull(now);
  out["items"] = std::move(page["items"]);
  out["next_cursor"] = std::move(page["next_cursor"]);
  return out;
}

Result<common::Json> Trending(const View& view, const ArticleStore& store,
                              const QueryRequest& request) {
  const core::WindowSize size = request.window;
  auto offset = OffsetCursor(request.cursor);
  if (!offset) return Err(offset.error());
  const int64_t length = core::WindowLengthMs(size);
  const std::string topic = StoredTopic(request.topic);
  const std::optional<int64_t> anchor =
      request.to_ms != 0 ? std::optional<int64_t>(request.to_ms - 1) : view.max_event_time();
  common::Json out;
  out["kind"] = QueryKindName(request.kind);
  out["topic"] = DisplayTopic(topic);
  out["window"] = core::WindowName(size);
  std::vector<common::Json> rows;
  if (anchor) {
    const auto& options = store.options().trending;
    const int64_t start = core::WindowStart(*anchor, length);
    core::TermFormTally current;
    const std::string prefix = WindowKey(size, start, topic, "");
    auto it = view.Iterate(kTermsFamily);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const auto parts = ParseWindowKey(it->key().ToStringView());
      if (!parts) return Err(Status::Corruption("term key"));
      current.Add(core::ParseTermName(parts->name), DecodeU64(it->value().ToStringView()));
    }
    std::vector<core::TermWindowCounts> candidates;
    for (const auto& total : current.Totals()) {
      if (total.count < options.min_count) continue;
      core::TermWindowCounts c{total.surface, total.count, {}};
      for (int b = 1; b <= options.baseline_windows; ++b) {
        const int64_t before = start - b * length;
        if (view.Expired(before + length)) break;
        const std::string forms = WindowKey(size, before, topic, core::TermNamePrefix(total.key));
        uint64_t count = 0;
        auto form = view.Iterate(kTermsFamily);
        for (form->Seek(forms); form->Valid() && form->key().starts_with(forms); form->Next()) {
          count += DecodeU64(form->value().ToStringView());
        }
        c.baseline.push_back(count);
      }
      candidates.push_back(std::move(c));
    }
    for (const auto& t : core::RankTrending(candidates, options)) {
      rows.push_back({{"term", t.term},
                      {"count", t.count},
                      {"baseline_mean", t.baseline_mean},
                      {"score", t.score}});
    }
    const core::WatermarkTracker finality(store.options().watermark);
    out["window_start"] = common::FormatRfc3339(start);
    out["window_end"] = common::FormatRfc3339(start + length);
    out["final"] = finality.IsFinal(start + length, view.watermark());
  } else {
    out["window_start"] = nullptr;
    out["window_end"] = nullptr;
    out["final"] = false;
  }
  common::Json page = Page(std::move(rows), *offset, request.limit);
  out["items"] = std::move(page["items"]);
  out["next_cursor"] = std::move(page["next_cursor"]);
  return out;
}

Result<common::Json> Sources(const View& view, const QueryRequest& request) {
  auto offset = OffsetCursor(request.cursor);
  if (!offset) return Err(offset.error());
  const int64_t length = core::WindowLengthMs(request.window);
  struct Source {
    uint64_t articles = 0;
    uint64_t duplicates = 0;
    std::map<std::string, uint64_t> topics;
    int64_t first = kMaxTime;
    int64_t last = kMinTime;
  };
  std::map<std::string, Source> sources;
  const std::string wanted = StoredTopic(request.topic);
  for (const auto& row : ScanWindows(view, request.window, request, nullptr)) {
    if (row.topic == wanted) {
      auto& s = sources[row.source];
      s.articles += row.counts.articles;
      s.duplicates += row.counts.duplicates;
      s.first = std::min(s.first, row.start);
      s.last = std::max(s.last, row.start + length);
    }
    if (wanted == kAllTopics && row.topic != kAllTopics && row.counts.articles > 0) {
      sources[row.source].topics[row.topic] += row.counts.articles;
    }
  }
  std::vector<std::pair<std::string, Source>> sorted(sources.begin(), sources.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second.articles > b.second.articles;
  });
  std::vector<common::Json> rows;
  for (const auto& [name, s] : sorted) {
    if (s.articles + s.duplicates == 0) continue;
    common::Json topics = common::Json::object();
    for (const auto& [t, n] : s.topics) topics[t] = n;
    rows.push_back({{"source", name},
                    {"articles", s.articles},
                    {"duplicates", s.duplicates},
                    {"topics", std::move(topics)},
                    {"first_window_start", common::FormatRfc3339(s.first)},
                    {"last_window_end", common::FormatRfc3339(s.last)}});
  }
  common::Json page = Page(std::move(rows), *offset, request.limit);
  common::Json out;
  out["kind"] = QueryKindName(request.kind);
  out["topic"] = DisplayTopic(wanted);
  out["window"] = core::WindowName(request.window);
  out["items"] = std::move(page["items"]);
  out["next_cursor"] = std::move(page["next_cursor"]);
  return out;
}

// A request keeps 0 for "no bound", so a bound at the epoch itself is refused rather than
// silently widening the query.
Result<int64_t> NonZero(const std::string& name, int64_t ms) {
  if (ms == 0) {
    return Err(Status::InvalidArgument(name + ": the Unix epoch itself is not a bound; leave " +
                                       name + " out for none"));
  }
  return ms;
}

// 0001-01-01T00:00:00Z: a window (a day at most) ending at a bound from then on starts in year
// 0000 or later, where RFC 3339 can still write it.
constexpr int64_t kFirstBoundMs = -62'135'596'800'000;
// 9999-12-30T23:59:59.999Z: a window (a day at most) holding a bound up to then ends by
// 9999-12-31, where RFC 3339 can still write it.
constexpr int64_t kLastBoundMs = common::kMaxRfc3339Ms - 86'400'000;

Result<int64_t> ParseTime(const std::string& name, const std::string& text) {
  int64_t ms = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  const bool epoch_ms = p == text.data() + text.size() && p != text.data();
  if (!epoch_ms) {
    auto parsed = common::ParseRfc3339(text);
    if (!parsed) return Err(Status::InvalidArgument(name + ": " + parsed.error().message()));
    ms = *parsed;
  }
  // Window arithmetic on times past year 9999 would overflow.
  if ((epoch_ms && ec != std::errc()) || ms < kFirstBoundMs || ms > kLastBoundMs) {
    return Err(Status::InvalidArgument(name + ": " + text +
                                       " is outside 0001-01-01 to 9999-12-30, the times whose "
                                       "windows RFC 3339 can write"));
  }
  return NonZero(name, ms);
}

}  // namespace

std::string_view QueryKindName(QueryKind kind) {
  switch (kind) {
    case QueryKind::kLatest:
      return "latest";
    case QueryKind::kCounts:
      return "counts";
    case QueryKind::kStories:
      return "stories";
    case QueryKind::kTrending:
      return "trending";
    case QueryKind::kSources:
      return "sources";
  }
  return "latest";
}

std::string EmptyRangeMessage(std::string_view from, std::string_view to) {
  return std::string(from) + ": must be before " + std::string(to);
}

std::string_view QueryParamName(QueryParam param) {
  switch (param) {
    case QueryParam::kTopic:
      return "topic";
    case QueryParam::kSource:
      return "source";
    case QueryParam::kWindow:
      return "window";
    case QueryParam::kHop:
      return "hop";
    case QueryParam::kStatus:
      return "status";
    case QueryParam::kFrom:
      return "from";
    case QueryParam::kTo:
      return "to";
    case QueryParam::kLimit:
      return "limit";
    case QueryParam::kCursor:
      return "cursor";
  }
  return "topic";
}

std::span<const QueryParam> QueryParams(QueryKind kind) {
  using P = QueryParam;
  static constexpr P kLatest[] = {P::kTopic, P::kSource, P::kFrom, P::kTo, P::kLimit, P::kCursor};
  static constexpr P kCounts[] = {P::kWindow, P::kHop, P::kTopic, P::kSource,
                                  P::kFrom,   P::kTo,  P::kLimit, P::kCursor};
  static constexpr P kStories[] = {P::kTopic, P::kSource, P::kStatus, P::kFrom,
                                   P::kTo,    P::kLimit,  P::kCursor};
  static constexpr P kTrending[] = {P::kTopic, P::kWindow, P::kTo, P::kLimit, P::kCursor};
  static constexpr P kSources[] = {P::kTopic, P::kSource, P::kWindow, P::kFrom,
                                   P::kTo,    P::kLimit,  P::kCursor};
  switch (kind) {
    case QueryKind::kLatest:
      return kLatest;
    case QueryKind::kCounts:
      return kCounts;
    case QueryKind::kStories:
      return kStories;
    case QueryKind::kTrending:
      return kTrending;
    case QueryKind::kSources:
      return kSources;
  }
  return kLatest;
}

Result<common::Json> RunQuery(const ArticleStore& store, const QueryRequest& request) {
  if (Status checked = CheckQueryRequest(request); !checked.ok()) return Err(checked);
  const View view(store);
  // A misspelt topic must not look like a topic without articles. A state that has not seen
  // a record yet knows no taxonomy and takes any topic.
  const auto& known = view.known_topics();
  if (!request.topic.empty() && request.topic != "all" && request.topic != kOtherTopic &&
      !known.empty() && !known.contains(request.topic)) {
    // A state fed by several taxonomies may know many topics; the answer names a few.
    constexpr size_t kTopicsNamed = 32;
    std::string names;
    size_t named = 0;
    for (const auto& name : known) {
      if (named++ == kTopicsNamed) {
        names += "and " + std::to_string(known.size() - kTopicsNamed) + " more, ";
        break;
      }
      names += name + ", ";
    }
    return Err(Status::InvalidArgument("topic: unknown topic \"" + request.topic +
                                       "\"; known topics: " + names + kOtherTopic + ", all"));
  }
  Result<common::Json> answer = Err(Status::InvalidArgument("kind: unknown query"));
  switch (request.kind) {
    case QueryKind::kLatest:
      answer = Latest(view, request);
      break;
    case QueryKind::kCounts:
      answer = Counts(view, store, request);
      break;
    case QueryKind::kStories:
      answer = Stories(view, store, request);
      break;
    case QueryKind::kTrending:
      answer = Trending(view, store, request);
      break;
    case QueryKind::kSources:
      answer = Sources(view, request);
      break;
  }
  // Every iterator of the answer is closed by now, so every read error is known.
  if (Status s = view.read_status(); !s.ok()) return Err(s);
  return answer;
}

Result<QueryRequest> ParseQueryRequest(QueryKind kind,
                                       const std::map<std::string, std::string>& params) {
  QueryRequest request;
  request.kind = kind;
  const auto takes = QueryParams(kind);
  for (const auto& [name, value] : params) {
    // Parameters are echoed in answers and errors, which are JSON: UTF-8 only.
    if (!core::IsValidUtf8(name) || !core::IsValidUtf8(value)) {
      return Err(Status::InvalidArgument("a parameter is not valid UTF-8"));
    }
    const auto param = std::find_if(takes.begin(), takes.end(),
                                    [&](QueryParam p) { return QueryParamName(p) == name; });
    if (param == takes.end()) {
      std::string names;
      for (const QueryParam p : takes)
        names += (names.empty() ? "" : ", ") + std::string(QueryParamName(p));
      return Err(Status::InvalidArgument(name + ": not a parameter of " +
                                         std::string(QueryKindName(kind)) + " (it takes " + names +
                                         ")"));
    }
    // An empty value is never a default: "?topic=" would otherwise ask for every topic.
    if (value.empty()) return Err(Status::InvalidArgument(name + ": empty value"));
    switch (*param) {
      case QueryParam::kTopic:
        request.topic = value;
        break;
      case QueryParam::kSource:
        request.source = value;
        break;
      case QueryParam::kWindow: {
        const auto size = core::ParseWindowSize(value);
        if (!size) {
          return Err(Status::InvalidArgument("window: expected minute, hour or day, got \"" +
                                             value + "\""));
        }
        request.window = *size;
        break;
      }
      case QueryParam::kHop: {
        const auto size = core::ParseWindowSize(value);
        if (!size || *size == core::WindowSize::kDay) {
          return Err(
              Status::InvalidArgument("hop: expected minute or hour, got \"" + value + "\""));
        }
        request.hop = *size;
        break;
      }
      case QueryParam::kStatus: {
        for (const auto status : {core::StoryStatus::kGrowing, core::StoryStatus::kSteady,
                                  core::StoryStatus::kClosed}) {
          if (core::StoryStatusName(status) == value) request.status = status;
        }
        if (!request.status) {
          return Err(Status::InvalidArgument("status: expected growing, steady or closed, got \"" +
                                             value + "\""));
        }
        break;
      }
      case QueryParam::kFrom:
      case QueryParam::kTo: {
        auto t = ParseTime(name, value);
        if (!t) return Err(t.error());
        (*param == QueryParam::kFrom ? request.from_ms : request.to_ms) = *t;
        break;
      }
      case QueryParam::kLimit: {
        size_t limit = 0;
        const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
        if (ec != std::errc() || p != value.data() + value.size() || limit < 1 ||
            limit > kMaxQueryLimit) {
          return Err(Status::InvalidArgument("limit: must be an integer between 1 and " +
                                             std::to_string(kMaxQueryLimit)));
        }
        request.limit = limit;
        break;
      }
      case QueryParam::kCursor:
        request.cursor = value;
        break;
    }
  }
  // What the parameters rule out alone or together, so that `headwire query` reports it as a
  // usage error (exit 2), as it does a limit out of range.
  if (Status checked = CheckQueryRequest(request); !checked.ok()) return Err(checked);
  return request;
}

}  // namespace headwire::sinks
