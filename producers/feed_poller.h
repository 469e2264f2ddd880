#pragma once
// `headwire feed`: the feed daemon. Polls every feed of a feed list on its own schedule (interval
// with jitter, exponential backoff after failures), parses what changed, produces each item not
// produced before to the raw topic as a RawArticle keyed by its item id, and remembers what it
// produced in RocksDB under --state DIR. With `once`, polls every feed one time and returns.
// Runs on the daemon runtime (common/daemon_context.h): SIGINT/SIGTERM/SIGHUP stop it between
// cycles (a fetch in flight is abandoned, nothing of it persisted) and end a wait for room in the
// producer's queue, which may never come (message.timeout.ms 0): that cycle is then left undone
// (step 4 below is not reached, a warning says so, and the stop is a clean one unless an output of
// the daemon already failed, which it then returns as a failed flush would). Its loop beats for
// /healthz, in a wait for room for 60 s at most (then /healthz reports the stall), it is ready
// once its state is open, and /metrics carries the runtime's series (records produced,
// dead letters, persist time, state size) plus each feed's health (producers/feed_metrics.h).
//
// Never re-emit, and never lose: one poll cycle runs in this order
//   1. fetch the due feeds (conditional GET with the stored validators); each body is parsed,
//      its items judged against the state (feed_novelty.h, reads only) and the body released
//      once its transfer ends, on the poller's thread while the other transfers go on in the
//      fetcher's (a slow parse holds back no transfer under way, nor counts against its timeout),
//      so a cycle holds at most max_connections bodies, in flight or waiting for their parse
//      (feed_fetcher.h; each at most max_bytes) besides what it keeps for the steps below: the
//      new items, serialized, the ids and keys of the items still listed, the validators and, for
//      a body that is not a feed, its dead letter (cut to the broker's message size);
//   2. produce the dead letters in feed-list order, then the items not in the feed's seen set,
//      every due feed's together, oldest event time first (a feed lists its newest first), equal
//      times in feed-list and document order: which transfer ended first changes nothing
//      produced or written (the cycle's one clock reading, taken before the fetch, stands for
//      "now" in all of it, an undated item's event time included);
//   3. Flush(): wait until Kafka acknowledged every one of them;
//   4. write ONE RocksDB batch: the ids as seen, the new validators, schedule and health.
// A state read that fails in 1 stops the fetch and then the daemon with that error, as a dead
// letter Kafka refuses in 2 does; the state is not written then, nor when a stop ends 2's wait
// for room in the producer's queue (the next start polls those feeds again).
// Nothing is marked seen before Kafka has it, so a crash at any point before 4 loses nothing: the
// state still has the old validators and no trace of the items, and the next run fetches the
// feed in full and produces them again. The one window for a duplicate is a crash (kill -9, power)
// after 2 and before 4 (librdkafka delivers in the background, so some items may reach the topic
// before Flush returns): those items are on the topic but not in the state, so the next run sends
// them a second time. It sends them with the SAME Kafka key and article id (the item id depends
// on the feed URL, the item (its GUID, canonical link or content) and the seen ids, which the
// crash left as they were; see feed_novelty.h for an item whose link another item shares, which
// the processor can also match by URL), so the processor marks
// the second copy a duplicate of the first (duplicate_of = that same id), never a unique article:
// its exact dedup answers DUPLICATE_KIND_SAME_ID when the two event times are within its url
// window (7 days by default) and the first copy is not yet forgotten (forget_after_ms, 10 days
// behind the processor's watermark); that holds for a dated item (the same date both times) and
// for an undated one (event time = fetch time, minutes apart). An item older than that behind the
// stream is matched by the near-duplicate stage instead (DUPLICATE_KIND_NEAR, same duplicate_of).
// e2e.feed checks both by losing the state after a run and sending again.
//
// A feed whose body is not a feed (an HTML page) or cannot be parsed is logged as a warning and
// dead-lettered once per distinct body (stage "feed", reason UNDECODABLE, key and source topic =
// the feed URL, value = the body; common::DeadLetterRecord cuts a body too large for the broker
// and keeps its size and digest, so the letter always fits); fetch failures (timeouts, refused or
// dropped connections, HTTP errors, oversized bodies) are logged and backed off. No feed can stop
// the others. Not thread-safe: one daemon per state directory.

#include <cstdint>
#include <string>

#include "common/daemon_context.h"
#include "common/kafka_config.h"
#include "common/status.h"
#include "core/validation.h"
#include "producers/domain_partitioner.h"
#include "producers/feed_config.h"

namespace headwire::producers {

struct FeedPollerOptions {
  common::KafkaOptions kafka;
  // The admin endpoint (--admin) and the liveness bound.
  common::DaemonOptions daemon;
  // Destination of the items. Default: "headwire.articles.raw".
  std::string topic = "headwire.articles.raw";
  // The article field whose value is the dedup domain; items of one domain go to one partition
  // of `topic` (producers/domain_partitioner.h). Default: "language" (kDefaultDomainKey).
  std::string domain_key = kDefaultDomainKey;
  // Destination of feeds that are not feeds; empty to only log them. Default: "headwire.dlq".
  std::string dlq_topic = "headwire.dlq";
  // Directory of the RocksDB state (seen ids, validators, health). Required.
  std::string state_dir;
  // Poll every feed once, produce, persist and return. Default: false (run until a signal).
  bool once = false;
  // Seed of the schedule's jitter; 0 seeds from std::random_device. Default: 0.
  uint64_t jitter_seed = 0;
  core::ValidationOptions validation;
};

struct FeedPollReport {
  uint64_t polls = 0;          // feed fetches attempted
  uint64_t polls_read = 0;     // of those: a feed was read (200 parsed, or 304 not modified)
  uint64_t polls_failed = 0;   // fetch failed or the body was not a feed
  uint64_t produced = 0;       // items produced (acknowledged by Kafka)
  uint64_t invalid_items = 0;  // items not valid articles or cut off (logged, not produced)
  uint64_t dead_letters = 0;   // bodies dead-lettered
};

// Runs the daemon until shutdown is requested (or one cycle with `once`). Returns the totals (of
// the cycles completed: one a stop left undone counts for nothing), or the error that stopped it:
// bad options, the admin address is taken, the state cannot be opened, Kafka did not acknowledge
// (then nothing of that cycle is marked seen).
Result<FeedPollReport> RunFeedPoller(const FeedList& list, const FeedPollerOptions& options);

}  // namespace headwire::producers
