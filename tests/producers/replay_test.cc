#include "producers/replay.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <sstream>
#include <vector>

#include "common/proto_convert.h"
#include "common/shutdown.h"
#include "headwire/v1/article.pb.h"
#include "producers/replay_pacer.h"
#include "producers/replay_progress.h"
#include "producers/replay_source.h"
#include "tests/producers/counting_target.h"
#include "tests/producers/fake_pacer_clock.h"

namespace headwire::producers {
namespace {

using testing::FakePacerClock;

constexpr int64_t kFirstReplayedMs = 1772439300000;

// Hands out the records it was given, in order.
class ListSource : public ReplaySource {
 public:
  explicit ListSource(std::deque<common::ArchiveRecord> records) : records_(std::move(records)) {}
  Result<std::optional<common::ArchiveRecord>> Next() override {
    if (records_.empty()) return std::nullopt;
    common::ArchiveRecord record = std::move(records_.front());
    records_.pop_front();
    return record;
  }
  std::optional<double> Fraction() const override { return std::nullopt; }

 private:
  std::deque<common::ArchiveRecord> records_;
};

common::ArchiveRecord Article(int64_t offset, int64_t event_ms, bool estimated) {
  v1::RawArticle article;
  article.set_id("a" + std::to_string(offset));
  article.set_title("headline");
  article.set_published_at_ms(event_ms);
  article.set_event_time_estimated(estimated);
  common::ArchiveRecord record;
  record.offset = offset;
  record.event_time_ms = event_ms;
  record.event_time_estimated = estimated;
  record.key = article.id();
  record.value = article.SerializeAsString();
  record.headers = common::MessageHeaders(v1::RawArticle::descriptor()->full_name());
  return record;
}

TEST(ReplayTest, ARecordWithAnEstimatedEventTimeIsNotWaitedForAndPacingGoesOn) {
  // The middle record had no published_at and was produced 300 days after the stream's time;
  // at 60x, waiting for it would take five days, and the last record would then go unpaced.
  constexpr int64_t kDay = 86'400'000;
  ListSource source({Article(1, kFirstReplayedMs, false),
                     Article(2, kFirstReplayedMs + 300 * kDay, true),
                     Article(3, kFirstReplayedMs + 60'000, false)});
  FakePacerClock clock;
  testing::CountingTarget target;
  std::vector<int64_t> delivered_at;
  target.on_deliver = [&](const common::ArchiveRecord&) { delivered_at.push_back(clock.now_); };
  std::ostringstream log;
  ReplayProgress progress({.interval = std::chrono::hours(1)}, log);
  ReplayOptions options;
  options.speed = 60;
  auto report = RunReplay(source, target, options, clock, progress);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->complete);
  EXPECT_EQ(delivered_at, (std::vector<int64_t>{0, 0, 1000}));
}

TEST(ReplayTest, TheProgressBarMovesWhileRecordsAreFilteredOut) {
  ListSource source({Article(1, kFirstReplayedMs, false), Article(2, kFirstReplayedMs + 1, false),
                     Article(3, kFirstReplayedMs + 2, false)});
  FakePacerClock clock;
  testing::CountingTarget target;
  std::ostringstream bar;
  ReplayProgress progress({.terminal = true, .interval = std::chrono::milliseconds(0)}, bar);
  ReplayOptions options;
  options.range.to_ms = kFirstReplayedMs;
  auto report = RunReplay(source, target, options, clock, progress);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->totals.filtered, 3u);
  // Redrawn for each filtered record, not only once at the end.
  EXPECT_NE(bar.str().find("filtered 1\x1b[K"), std::string::npos) << bar.str();
  EXPECT_NE(bar.str().find("filtered 2\x1b[K"), std::string::npos) << bar.str();
}

// Reads a fixed list of records and tells the fraction of it read, records outside the range
// counted as a file's are, or left out as an archive's index leaves them out.
class CountingSource : public ListSource {
 public:
  CountingSource(std::deque<common::ArchiveRecord> records, bool leaves_out_range)
      : ListSource(records), total_(records.size()), leaves_out_range_(leaves_out_range) {}
  Result<std::optional<common::ArchiveRecord>> Next() override {
    auto next = ListSource::Next();
    if (next && next->has_value()) ++read_;
    return next;
  }
  std::optional<double> Fraction() const override {
    return static_cast<double>(read_) / static_cast<double>(total_);
  }
  bool FractionLeavesOut(const TimeRange& /*range*/) const override { return leaves_out_range_; }

 private:
  size_t total_;
  size_t read_ = 0;
  bool leaves_out_range_;
};

// The bar's redraws before the final one, each with its ETA.
std::vector<std::string> RedrawsBeforeTheEnd(const std::string& bar) {
  std::vector<std::string> redraws;
  size_t at = bar.find('\r');
  while (at != std::string::npos) {
    const size_t next = bar.find('\r', at + 1);
    redraws.push_back(bar.substr(at + 1, next == std::string::npos ? next : next - at - 1));
    at = next;
  }
  if (!redraws.empty()) redraws.pop_back();
  return redraws;
}

// Records before --from-time are read in no time, those of the range at the replay's pace: a
// fraction that counts both would promise the end far too soon (then far too late, past
// --to-time). No ETA is better than that one.
TEST(ReplayTest, NoEtaIsShownFromAFractionThatCountsRecordsOutsideTheRange) {
  const std::deque<common::ArchiveRecord> records = {
      Article(1, kFirstReplayedMs, false), Article(2, kFirstReplayedMs + 1, false),
      Article(3, kFirstReplayedMs + 2, false), Article(4, kFirstReplayedMs + 3, false)};
  for (const bool leaves_out_range : {false, true}) {
    CountingSource source(records, leaves_out_range);
    FakePacerClock clock;
    testing::CountingTarget target;
    std::ostringstream bar;
    ReplayProgress progress({.terminal = true, .interval = std::chrono::milliseconds(0)}, bar);
    ReplayOptions options;
    options.range.from_ms = kFirstReplayedMs + 2;
    auto report = RunReplay(source, target, options, clock, progress);
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_EQ(report->totals.filtered, 2u);
    const std::vector<std::string> redraws = RedrawsBeforeTheEnd(bar.str());
    ASSERT_EQ(redraws.size(), 4u) << bar.str();
    for (size_t i = 0; i < redraws.size(); ++i) {
      EXPECT_NE(redraws[i].find("%"), std::string::npos) << redraws[i];  // the share still shows
      // The first record read gives no pace yet: only the share read after it does.
      EXPECT_EQ(redraws[i].find("ETA ?") == std::string::npos, leaves_out_range && i > 0)
          << redraws[i];
    }
  }
}

// A resumed replay reads the records it delivered before again, skipping them in seconds, and
// the source's fraction counts them: measured from the start, the paced rest would look done in
// a moment. The pace is measured from the first record this run delivers.
TEST(ReplayTest, AResumedReplayClaimsNoEtaFromTheRecordsItSkipped) {
  std::deque<common::ArchiveRecord> records;
  for (int64_t offset = 0; offset < 10; ++offset)
    records.push_back(Article(offset, kFirstReplayedMs, false));
  CountingSource source(records, /*leaves_out_range=*/true);
  FakePacerClock clock;
  testing::CountingTarget target;
  target.stored[0] = 8;  // records 0..7 were delivered before the interruption
  std::ostringstream bar;
  ReplayProgress progress({.terminal = true, .interval = std::chrono::milliseconds(0)}, bar);
  auto report = RunReplay(source, target, ReplayOptions{}, clock, progress);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(target.counts().delivered, 2u);
  const std::vector<std::string> redraws = RedrawsBeforeTheEnd(bar.str());
  ASSERT_EQ(redraws.size(), 2u) << bar.str();
  EXPECT_NE(redraws[0].find(" 90% "), std::string::npos) << redraws[0];
  EXPECT_NE(redraws[0].find("ETA ?"), std::string::npos) << redraws[0];
  EXPECT_EQ(redraws[1].find("ETA ?"), std::string::npos) << redraws[1];
}

// Only what --resume asked for is skipped in silence: a record behind one this run read already
// is skipped too (delivering it again would count it twice), but counted and shown, since a
// source that lost its order may have lost records with it.
TEST(ReplayTest, ARecordBehindOneAlreadyReadIsSkippedAndCountedAsOutOfOrder) {
  ListSource source({Article(0, kFirstReplayedMs, false), Article(1, kFirstReplayedMs, false),
                     Article(2, kFirstReplayedMs, false), Article(1, kFirstReplayedMs, false),
                     Article(3, kFirstReplayedMs, false)});
  FakePacerClock clock;
  testing::CountingTarget target;
  target.stored[0] = 1;  // record 0 was delivered before the interruption
  std::ostringstream bar;
  ReplayProgress progress({.terminal = true, .interval = std::chrono::hours(1)}, bar, clock);
  auto report = RunReplay(source, target, ReplayOptions{}, clock, progress);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(target.counts().delivered, 3u);
  EXPECT_NE(bar.str().find("out of order 1"), std::string::npos) << bar.str();
}

// Reads its records through ListSource, each taking `clock` a second further, as reading does.
class TimedSource : public ListSource {
 public:
  TimedSource(std::deque<common::ArchiveRecord> records, FakePacerClock& clock)
      : ListSource(std::move(records)), clock_(clock) {}
  Result<std::optional<common::ArchiveRecord>> Next() override {
    clock_.now_ += 1000;
    return ListSource::Next();
  }

 private:
  FakePacerClock& clock_;
};

// The rate is of the records this run took, over the time since it took the first: the seconds a
// resumed replay spends reading again what it skips are not its pace, as they are not the ETA's.
TEST(ReplayTest, TheRateOfAResumedReplayLeavesOutTheTimeSpentSkipping) {
  std::deque<common::ArchiveRecord> records;
  for (int64_t offset = 0; offset < 100; ++offset) {
    records.push_back(Article(offset, kFirstReplayedMs, false));
  }
  FakePacerClock clock;
  TimedSource source(records, clock);
  testing::CountingTarget target;
  target.stored[0] = 90;  // 90 s of skipping, then 10 records taken a second apart
  std::ostringstream bar;
  ReplayProgress progress({.terminal = true, .interval = std::chrono::milliseconds(0)}, bar, clock);
  auto report = RunReplay(source, target, ReplayOptions{}, clock, progress);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->totals.read, 10u);
  // Counted from the start, 10 records in 101 s would be "0/s".
  EXPECT_NE(bar.str().find("10 records  1/s"), std::string::npos) << bar.str();
}

// The rate's clock starts at the first record read, not at the progress's creation, and stops
// for no record: 100 records a tenth of a second apart are 10/s, whatever came before the first.
TEST(ReplayTest, TheRateIsMeasuredFromTheFirstRecordRead) {
  FakePacerClock clock;
  std::ostringstream log;
  ReplayProgress progress({.terminal = true, .interval = std::chrono::milliseconds(0)}, log, clock);
  clock.now_ = 60'000;  // a minute of opening the source and skipping
  ReplaySnapshot snapshot;
  snapshot.read = 1;
  progress.Update(snapshot);
  EXPECT_NE(log.str().find("1 records  0/s"), std::string::npos) << log.str();
  clock.now_ += 10'000;
  snapshot.read = 101;
  progress.Update(snapshot, /*final=*/true);
  EXPECT_NE(log.str().find("101 records  10/s"), std::string::npos) << log.str();
}

// A file's invalid lines never reached the target: they are not its dead letters.
TEST(ReplayTest, TheBarCountsInvalidSourceRecordsApartFromDeadLetters) {
  std::ostringstream bar;
  ReplayProgress progress({.terminal = true, .interval = std::chrono::milliseconds(0)}, bar);
  ReplaySnapshot snapshot;
  snapshot.read = 30;
  snapshot.invalid = 27;
  snapshot.counts.delivered = 3;
  snapshot.counts.dead_letters = 1;
  progress.Update(snapshot, /*final=*/true);
  EXPECT_NE(bar.str().find("dlq 1  invalid 27  filtered 0"), std::string::npos) << bar.str();
}

// A target whose delivery of offset 1 waits for room that never comes until a stop ends the
// wait, as TopicTarget's does: it raises SIGTERM and answers Aborted, the record not delivered.
// Keeps the positions of each commit.
class StoppedWhileWaitingTarget : public common::ReplayTarget {
 public:
  Status Deliver(const common::ArchiveRecord& record) override {
    if (record.offset == 1) {
      std::raise(SIGTERM);
      return Status::Aborted("stopped while a message waited for room in the producer's queue");
    }
    ++counts_.delivered;
    return Status::Ok();
  }
  Status Commit(const std::map<int32_t, int64_t>& next_positions) override {
    committed.push_back(next_positions);
    return Status::Ok();
  }
  Status Finish() override { return Status::Ok(); }
  std::map<int32_t, int64_t> StoredPositions() const override { return {}; }
  const common::ReplayCounts& counts() const override { return counts_; }

  std::vector<std::map<int32_t, int64_t>> committed;

 private:
  common::ReplayCounts counts_;
};

// In a process of its own (the signal's flag is process-wide and stays set): replays three
// records into that target and says what was committed.
[[noreturn]] void ReplayStoppedWhileARecordWaits() {
  common::InstallShutdownHandlers();
  ListSource source({Article(0, kFirstReplayedMs, false), Article(1, kFirstReplayedMs, false),
                     Article(2, kFirstReplayedMs, false)});
  StoppedWhileWaitingTarget target;
  FakePacerClock clock;
  std::ostringstream out;
  ReplayProgress progress({.interval = std::chrono::hours(1)}, out);
  auto report = RunReplay(source, target, {}, clock, progress);
  std::string said = report ? std::string("ok complete=") + (report->complete ? "1" : "0") +
                                  " read=" + std::to_string(report->totals.read)
                            : "error " + report.error().ToString();
  for (const auto& positions : target.committed) {
    said += " commit:";
    for (const auto& [partition, offset] : positions) {
      said += std::to_string(partition) + "=" + std::to_string(offset);
    }
  }
  std::fprintf(stderr, "%s\n", said.c_str());
  std::fflush(stderr);
  std::_Exit(0);
}

// A stop that ends a delivery's wait for room is a stop like any other: the replay is
// interrupted, not failed, and commits what was delivered, and the record whose delivery the
// stop ended is not among it: --resume starts at that record, so it is not lost.
TEST(ReplayStopTest, AStopEndingADeliverysWaitCommitsUpToTheRecordThatWasNotDelivered) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(ReplayStoppedWhileARecordWaits(), ::testing::ExitedWithCode(0),
              "ok complete=0 read=1 commit:0=1\n");
}

}  // namespace
}  // namespace headwire::producers
