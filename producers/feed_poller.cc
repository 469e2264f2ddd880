#include "producers/feed_poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <thread>
#include <tuple>
#include <utility>

#include "common/host_name.h"
#include "common/kafka_producer.h"
#include "common/logging.h"
#include "common/proto_convert.h"
#include "common/time_format.h"
#include "core/fingerprint.h"
#include "core/text.h"
#include "producers/feed_date.h"
#include "producers/feed_fetcher.h"
#include "producers/feed_metrics.h"
#include "producers/feed_novelty.h"
#include "producers/feed_parser.h"
#include "producers/feed_state.h"

namespace headwire::producers {
namespace {

// The most of an unreadable date a log line shows: a feed decides how long that text is.
constexpr size_t kLoggedDateBytes = 80;
// The reason a document that is not a feed is dead-lettered with, on the topic and in the metric.
constexpr v1::DeadLetterReason kNotAFeed = v1::DEAD_LETTER_REASON_UNDECODABLE;

class FeedPoller {
 public:
  FeedPoller(const FeedList& list, const FeedPollerOptions& options, FeedState& state,
             common::KafkaProducer& producer, FeedFetcher& fetcher, common::DaemonContext& context)
      : list_(list),
        options_(options),
        state_(state),
        producer_(producer),
        fetcher_(fetcher),
        context_(context),
        feed_metrics_(*context.metrics().registry()),
        produced_(context.metrics().Produced(options.topic)),
        rng_(options.jitter_seed != 0 ? options.jitter_seed : std::random_device()()),
        host_(common::HostName()),
        raw_headers_(common::MessageHeaders(v1::RawArticle::descriptor()->full_name())) {
    // At 0 from the start, as a rate alert wants.
    context.metrics().DeadLetters(kNotAFeed);
  }

  Result<FeedPollReport> Run() {
    auto records = state_.LoadRecords();
    if (!records) return Err(records.error());
    records_ = std::move(*records);
    context_.SetReady({.ok = true, .reason = std::to_string(list_.feeds.size()) + " feeds"});
    while (!context_.ShutdownRequested()) {
      context_.Beat();
      const int64_t now = common::WallClockMs();
      std::vector<const FeedEntry*> due;
      for (const FeedEntry& feed : list_.feeds) {
        if (options_.once || records_[feed.url].next_poll_ms <= now) due.push_back(&feed);
      }
      if (!due.empty()) {
        if (Status s = PollCycle(due); !s.ok()) return Err(s);
      }
      if (options_.once) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return report_;
  }

 private:
  // What one due feed's poll left to do once every due feed is fetched, kept instead of its body.
  struct FeedOutcome {
    bool finished = false;  // false: ended by shutdown, polled again (nothing of it is written)
    FeedRecord record;
    PollResult result = PollResult::kFetchError;
    bool expire = false;  // read: its ids last seen before seen_ttl are forgotten
    // Ids to mark seen with their keys, in document order: the items still in the feed and the
    // new ones produced.
    std::vector<std::pair<std::string, std::string>> seen;
    // The letter of a body that is not a feed, built at once (cut to fit the broker) so that the
    // body is not kept, produced in feed-list order after the fetch; its body's digest.
    std::optional<common::OutputRecord> dead_letter;
    std::string dead_letter_digest;
    uint64_t produced = 0;         // new items
    uint64_t produced_shared = 0;  // of those: under a shared id
  };

  // Each body is parsed and judged once its transfer ends, and released, while the other
  // transfers go on: a cycle holds at most max_connections bodies, in flight or waiting for their
  // parse, plus what the FeedOutcomes and cycle_items_ keep. Everything written (batch, Kafka,
  // metrics) is then done in the feed list's order, never in the order the transfers ended.
  Status PollCycle(const std::vector<const FeedEntry*>& due) {
    // The partition count is a broker round trip: asked here, not in on_finished, which holds
    // back the transfers not yet started and during which the loop does not beat.
    if (Status s = ResolveDomains(); !s.ok()) return s;
    if (!domains_) return Status::Ok();  // stopped while waiting for it: nothing was fetched
    std::vector<FetchRequest> requests;
    for (const FeedEntry* feed : due) {
      const FeedRecord& record = records_[feed->url];
      requests.push_back({feed->url, record.etag, record.last_modified});
    }
    // One time for the whole cycle: an undated item's event time must not depend on when its
    // transfer ended, nor the produce order on that.
    const int64_t now = common::WallClockMs();
    std::vector<FeedOutcome> outcomes(due.size());
    cycle_items_.clear();
    // What the report said before this cycle: a cycle a stop leaves undone counts for nothing.
    const FeedPollReport before = report_;
    Status failed;
    fetcher_.FetchAll(
        requests,
        [this, &failed] {
          // A round waits on slow hosts for up to their timeouts, feed after feed: the loop is
          // alive while it does, and /healthz must say so.
          context_.Beat();
          return !failed.ok() || context_.ShutdownRequested();
        },
        [&](size_t index, FetchResult& result) {
          if (!failed.ok() || result.error.code() == StatusCode::kAborted) return;
          const std::string body = std::move(result.body);
          FeedOutcome& outcome = outcomes[index];
          outcome.finished = true;
          outcome.record = records_[due[index]->url];
          ++report_.polls;
          auto polled = HandleResult(*due[index], index, result, body, now, outcome);
          if (!polled) {
            failed = polled.error();
            return;
          }
          outcome.result = *polled;
        });
    if (!failed.ok()) return failed;
    rocksdb::WriteBatch batch;
    struct Outcome {
      FeedRecord record;
      PollResult result;
      uint64_t produced;
      uint64_t produced_shared;
    };
    std::map<std::string, Outcome> updated;
    uint64_t cycle_produced = 0;
    uint64_t cycle_dead_letters = 0;
    for (size_t i = 0; i < due.size(); ++i) {
      const FeedEntry& feed = *due[i];
      FeedOutcome& outcome = outcomes[i];
      if (!outcome.finished) continue;  // shutdown: poll again
      FeedRecord& record = outcome.record;
      if (outcome.expire) {
        if (Status s = state_.ForgetBefore(batch, feed.url, now - list_.seen_ttl.count());
            !s.ok()) {
          return s;
        }
      }
      for (const auto& [id, key] : outcome.seen) state_.MarkSeen(batch, feed.url, id, key, now);
      if (outcome.dead_letter) {
        if (Status s = producer_.Produce(*outcome.dead_letter, KeepWaitingForRoom()); !s.ok()) {
          return UndoneByStop(s, before);
        }
        record.dead_letter_digest = outcome.dead_letter_digest;
        ++cycle_dead_letters;
      }
      record.last_poll_ms = now;
      record.next_poll_ms =
          now +
          NextPollDelay(feed.interval, record.consecutive_failures, list_.schedule, rng_).count();
      state_.PutRecord(batch, feed.url, record);
      cycle_produced += outcome.produced;
      updated[feed.url] = {std::move(record), outcome.result, outcome.produced,
                           outcome.produced_shared};
    }
    outcomes.clear();
    if (Status s = ProduceCycleItems(); !s.ok()) return UndoneByStop(s, before);
    // Only what Kafka acknowledged is marked seen: see feed_poller.h.
    const auto persist_start = std::chrono::steady_clock::now();
    // A bounded wait (the loop is alive while it lasts), which a stop lets run its course.
    if (Status s = producer_.Flush(common::kDefaultFlushTimeout, [this] { context_.Beat(); });
        !s.ok()) {
      return s;
    }
    if (Status s = state_.Write(batch); !s.ok()) return s;
    common::DaemonMetrics& metrics = context_.metrics();
    metrics.BatchPersistSeconds().Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - persist_start).count());
    metrics.StateBytes().Set(static_cast<double>(state_.ApproximateSizeBytes()));
    // Counted once the cycle is done: a stop may still leave it undone before.
    produced_.Increment(static_cast<double>(cycle_produced));
    report_.produced += cycle_produced;
    metrics.DeadLetters(kNotAFeed).Increment(static_cast<double>(cycle_dead_letters));
    report_.dead_letters += cycle_dead_letters;
    for (auto& [url, outcome] : updated) {
      feed_metrics_.RecordPoll(url, outcome.result, outcome.record, outcome.produced,
                               outcome.produced_shared);
      records_[url] = std::move(outcome.record);
    }
    return Status::Ok();
  }

  // Produces the cycle's new items oldest first. Feeds list their newest items first, and a
  // first poll brings hours or days of them: in document order, each item older than the newest
  // by more than the sink's allowed disorder would be late there. Items of equal time keep
  // their feed-list and document order, whichever feed's transfer ended first.
  Status ProduceCycleItems() {
    std::sort(cycle_items_.begin(), cycle_items_.end(), [](const CycleItem& a, const CycleItem& b) {
      return std::tie(a.event_time_ms, a.feed, a.item) < std::tie(b.event_time_ms, b.feed, b.item);
    });
    for (const CycleItem& item : cycle_items_) {
      if (Status s = producer_.Produce(options_.topic, item.id, item.value, raw_headers_,
                                       item.partition, KeepWaitingForRoom());
          !s.ok()) {
        return s;
      }
    }
    cycle_items_.clear();
    return Status::Ok();
  }

  // What a Produce() asks between the slices of its wait for room in the producer's queue: the
  // wait beats for as long as the flush after it may wait.
  std::function<bool()> KeepWaitingForRoom() {
    return common::KeepWaitingUntilStop(context_, common::kDefaultFlushTimeout,
                                        [this] { context_.Beat(); });
  }

  // `produced`, the error of a Produce() of the cycle, unless a stop ended its wait for room in
  // the queue: then the cycle is left undone, its state not written (nothing it read is marked
  // seen, no validator kept), so that a restart fetches and produces it again (an item already
  // delivered comes again under the same id: a duplicate the processor drops), and the stop is a
  // clean one, the report back at `before`, unless an output had already failed.
  Status UndoneByStop(const Status& produced, const FeedPollReport& before) {
    if (produced.code() != StatusCode::kAborted || !context_.ShutdownRequested()) return produced;
    // An output already known lost fails the cycle, as its flush would have: the operator must
    // learn that the brokers refused it, stop or no stop.
    if (Status failed = producer_.Failures(); !failed.ok()) {
      return failed.WithContext(
          "output not acknowledged; the cycle's state was not written and its feeds are polled "
          "again after restart");
    }
    report_ = before;
    spdlog::warn(
        "msg=\"stopped while an output waited for room in the producer's queue; the cycle's "
        "state was not written and its feeds are polled and produced again after restart\" "
        "error={}",
        common::Quote(produced.message()));
    return Status::Ok();
  }

  static void Fail(FeedRecord& record, const std::string& why, int64_t now) {
    record.last_error = why;
    record.last_error_ms = now;
    record.new_items_last_poll = 0;
    ++record.consecutive_failures;
  }

  static void Succeed(FeedRecord& record, int64_t now) {
    record.last_success_ms = now;
    record.last_error.clear();
    record.consecutive_failures = 0;
  }

  // Reads the `feed_index`th due feed's fetch `result` (its `body` apart) into `outcome` and
  // cycle_items_. Returns how the poll ended, or the Kafka / RocksDB error that stops the daemon.
  Result<PollResult> HandleResult(const FeedEntry& feed, size_t feed_index,
                                  const FetchResult& result, const std::string& body, int64_t now,
                                  FeedOutcome& outcome) {
    FeedRecord& record = outcome.record;
    record.http_status = result.http_status;
    if (!result.error.ok()) {
      ++report_.polls_failed;
      spdlog::warn("msg=\"feed fetch failed\" feed={} http_status={} error={}",
                   common::Quote(feed.url), result.http_status,
                   common::Quote(result.error.message()));
      Fail(record, result.error.message(), now);
      return PollResult::kFetchError;
    }
    if (result.not_modified) {
      ++report_.polls_read;
      Succeed(record, now);
      record.new_items_last_poll = 0;
      spdlog::info("msg=\"feed not modified\" feed={}", common::Quote(feed.url));
      return PollResult::kNotModified;
    }
    const FeedResponse response{feed.url, result.final_url, result.content_type,
                                list_.fetch.max_bytes};
    auto parsed = ParseFeed(body, response, list_.parse);
    if (!parsed) {
      ++report_.polls_failed;
      spdlog::warn("msg=\"not a feed\" feed={} http_status={} reason={}", common::Quote(feed.url),
                   result.http_status, common::Quote(parsed.error().message()));
      Fail(record, parsed.error().message(), now);
      LetterFor(feed, body, parsed.error().message(), outcome);
      return PollResult::kNotAFeed;
    }
    ++report_.polls_read;
    if (!parsed->damage.empty()) {
      spdlog::warn(
          "msg=\"feed is not well-formed XML; items after the damage may be missing\" feed={} "
          "detail={}",
          common::Quote(feed.url), common::Quote(parsed->damage));
    }
    if (parsed->guesses > 0) {
      // The document is read whole as guessed, so its validators are kept: the next poll of
      // the same bytes would guess alike.
      std::string notes;
      for (const std::string& note : parsed->guess_notes) {
        notes.append(notes.empty() ? "" : "; ").append(note);
      }
      spdlog::warn(
          "msg=\"feed markup that reads two ways was read by a guess\" feed={} guesses={} "
          "notes={}",
          common::Quote(feed.url), parsed->guesses, common::Quote(notes));
    }
    if (!parsed->unknown_encoding.empty()) {
      spdlog::warn(
          "msg=\"feed names an unknown encoding, read as another\" feed={} encoding={} "
          "read_as={}",
          common::Quote(feed.url), common::Quote(parsed->unknown_encoding),
          common::Quote(parsed->read_as));
    }
    if (parsed->skipped_items > 0) {
      report_.invalid_items += parsed->skipped_items;
      spdlog::warn("msg=\"feed items without title, text or link skipped\" feed={} items={}",
                   common::Quote(feed.url), parsed->skipped_items);
    }
    if (parsed->cut_off_items > 0) {
      report_.invalid_items += parsed->cut_off_items;
      spdlog::warn(
          "msg=\"feed items cut off by the end of the document not produced\" feed={} items={}",
          common::Quote(feed.url), parsed->cut_off_items);
    }
    record.warning.clear();
    if (parsed->foreign_items > 0) {
      const char* element = parsed->format == FeedFormat::kAtom ? "<entry>" : "<item>";
      record.warning = "no item read: " + std::to_string(parsed->foreign_items) + " " + element +
                       " elements are in the namespace \"" + parsed->foreign_items_namespace +
                       "\", not " + FeedFormatName(parsed->format) + "'s";
      spdlog::warn(
          "msg=\"feed read no item; its elements named as items are in another namespace\" "
          "feed={} elements={} namespace={}",
          common::Quote(feed.url), parsed->foreign_items,
          common::Quote(parsed->foreign_items_namespace));
    }
    outcome.expire = true;
    const FeedItemOverrides overrides{feed.source, feed.language, list_.language};
    auto novelty = JudgeItems(state_, feed.url, parsed->items);
    if (!novelty) return Err(novelty.error());
    uint64_t fresh = 0;
    for (size_t i = 0; i < parsed->items.size(); ++i) {
      const ItemNovelty& judged = (*novelty)[i];
      if (!judged.fresh) {
        // Still in the feed: keep remembering it.
        outcome.seen.emplace_back(judged.id, parsed->items[i].key);
        continue;
      }
      FeedItem item = parsed->items[i];
      item.id = judged.id;
      if (IsUnixEpochDate(item.unreadable_date)) {
        // Read, but the epoch stands for "no date" in an article: out of range, as a 1970
        // placeholder one second later is.
        spdlog::warn(
            "msg=\"item date out of range, the fetch time is used\" feed={} item={} date={}",
            common::Quote(feed.url), item.id, common::FormatRfc3339(0));
      } else if (!item.unreadable_date.empty()) {
        spdlog::warn("msg=\"unreadable item date, the fetch time is used\" feed={} item={} date={}",
                     common::Quote(feed.url), item.id,
                     common::Quote(core::RepairUtf8(
                         std::string_view(item.unreadable_date).substr(0, kLoggedDateBytes))));
      }
      auto raw = FeedItemToRawArticle(item, *parsed, response, overrides, options_.validation, now);
      if (!raw) {
        ++report_.invalid_items;
        spdlog::warn("msg=\"invalid feed item\" feed={} item={} reason={} detail={}",
                     common::Quote(feed.url), item.id, core::RejectReasonName(raw.error().reason),
                     common::Quote(raw.error().message));
        continue;
      }
      if (item.published_at_ms != 0 && raw->event_time_estimated()) {
        spdlog::warn(
            "msg=\"item date out of range, the fetch time is used\" feed={} item={} date={}",
            common::Quote(feed.url), item.id, common::FormatRfc3339(item.published_at_ms));
      }
      auto* info = raw->mutable_producer();
      info->set_name("headwire feed");
      info->set_version(HEADWIRE_VERSION);
      info->set_host(host_);
      info->set_input(feed.url);
      info->set_input_line(i + 1);
      cycle_items_.push_back({raw->published_at_ms(), feed_index, i, domains_->PartitionOf(*raw),
                              raw->id(), raw->SerializeAsString()});
      outcome.seen.emplace_back(item.id, item.key);
      ++fresh;
      if (judged.shared) ++outcome.produced_shared;
    }
    outcome.produced = fresh;
    if (outcome.produced_shared > 0) {
      spdlog::warn(
          "msg=\"new feed items share a link, told apart by GUID or title\" feed={} items={}",
          common::Quote(feed.url), outcome.produced_shared);
    }
    Succeed(record, now);
    // A damaged document may be one cut short in transit (a server that closes mid-body without
    // a Content-Length): kept, its validators would have the server answer 304 until the feed
    // changes, and the items the damage hid would not be read before then.
    record.etag = parsed->damage.empty() ? result.etag : "";
    record.last_modified = parsed->damage.empty() ? result.last_modified : "";
    record.items_last_poll = parsed->items.size();
    record.new_items_last_poll = fresh;
    record.items_produced += fresh;
    spdlog::info("msg=\"feed polled\" feed={} format={} http_status={} items={} new={}",
                 common::Quote(feed.url), FeedFormatName(parsed->format), result.http_status,
                 parsed->items.size(), fresh);
    return PollResult::kOk;
  }

  // The dead letter of a body that is not a feed, once per distinct body, through the shared
  // path that cuts the letter to fit the broker and keeps the body's size and digest; none when
  // this body was dead-lettered already.
  void LetterFor(const FeedEntry& feed, const std::string& body, const std::string& why,
                 FeedOutcome& outcome) {
    std::string digest = core::Hex128(body);
    if (options_.dlq_topic.empty() || digest == outcome.record.dead_letter_digest) return;
    outcome.dead_letter =
        common::DeadLetterRecord(options_.dlq_topic,
                                 common::MakeDeadLetter(body, feed.url, {}, {.topic = feed.url},
                                                        kNotAFeed, feed.url + ": " + why, "feed"),
                                 producer_.max_message_bytes());
    outcome.dead_letter_digest = std::move(digest);
  }

  // Reads the topic's partition count once, before the first cycle's fetch, and keeps it. The
  // wait for the brokers (up to minutes) beats, as the loop would, and ends on a stop, leaving
  // domains_ unset.
  Status ResolveDomains() {
    if (domains_) return Status::Ok();
    auto domains =
        DomainPartitioner::ForTopic(producer_, options_.topic, options_.domain_key, [this] {
          context_.Beat();
          return !context_.ShutdownRequested();
        });
    if (!domains && domains.error().code() == StatusCode::kAborted &&
        context_.ShutdownRequested()) {
      return Status::Ok();
    }
    if (!domains) return domains.error();
    domains_ = std::move(*domains);
    return Status::Ok();
  }

  const FeedList& list_;
  const FeedPollerOptions& options_;
  FeedState& state_;
  common::KafkaProducer& producer_;
  FeedFetcher& fetcher_;
  common::DaemonContext& context_;
  FeedMetrics feed_metrics_;
  prometheus::Counter& produced_;
  std::mt19937_64 rng_;
  const std::string host_;
  const std::vector<common::Header> raw_headers_;
  std::map<std::string, FeedRecord> records_;
  FeedPollReport report_;
  // The current cycle's new items, produced together once every due feed was read.
  struct CycleItem {
    int64_t event_time_ms;
    size_t feed;  // index in the cycle's due feeds
    size_t item;  // index in its feed's document
    int32_t partition;
    std::string id;
    std::string value;
  };
  std::vector<CycleItem> cycle_items_;
  std::optional<DomainPartitioner> domains_;
};

}  // namespace

Result<FeedPollReport> RunFeedPoller(const FeedList& list, const FeedPollerOptions& options) {
  if (options.state_dir.empty()) return Err(Status::InvalidArgument("--state is required"));
  auto context = common::DaemonContext::Start("feed", options.daemon);
  if (!context) return Err(context.error());
  auto state = FeedState::Open(options.state_dir);
  if (!state) return Err(state.error());
  auto producer = common::KafkaProducer::Create(options.kafka);
  if (!producer) return Err(producer.error());
  auto fetcher = FeedFetcher::Create(list.fetch);
  if (!fetcher) return Err(fetcher.error());
  return FeedPoller(list, options, **state, **producer, **fetcher, **context).Run();
}

}  // namespace headwire::producers
