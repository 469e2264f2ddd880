#include "producers/archive_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/archive_gaps.h"
#include "common/archive_record.h"
#include "common/logging.h"
#include "producers/event_time_merge.h"

namespace headwire::producers {
namespace fs = std::filesystem;

Result<std::unique_ptr<ArchiveSource>> ArchiveSource::Open(const ArchiveSourceOptions& options) {
  auto segments = common::ListSegments(options.dir);
  if (!segments) return Err(segments.error());
  std::set<std::string> topics;
  for (const auto& s : *segments) topics.insert(s.index.topic);
  if (topics.empty()) return Err(Status::NotFound("the archive " + options.dir + " is empty"));
  std::unique_ptr<ArchiveSource> source(new ArchiveSource());
  source->options_ = options;
  if (options.topic.empty()) {
    if (topics.size() > 1) {
      return Err(
          Status::InvalidArgument("the archive holds several topics; choose one with "
                                  "--archive-topic"));
    }
    source->topic_ = *topics.begin();
  } else {
    source->topic_ = options.topic;
  }
  constexpr const char* kVerifyHint = " (headwire archive verify lists every damaged segment)";
  auto orphans = common::ListOrphanIndexes(options.dir);
  if (!orphans) return Err(orphans.error());
  for (const auto& index_path : *orphans) {
    if (fs::path(index_path).parent_path().parent_path().filename() != source->topic_) continue;
    return Err(Status::Corruption(index_path +
                                  ": its segment is missing, and the records it "
                                  "lists with it" +
                                  kVerifyHint));
  }
  for (auto& s : *segments) {
    if (s.index.topic != source->topic_) continue;
    // Replaying around the damage would rebuild a state without its records, and say nothing.
    if (!s.damage.empty()) {
      return Err(Status::Corruption(s.path + ": " + s.damage +
                                    "; the records after it cannot be read" + kVerifyHint));
    }
    if (const std::string problem = common::PlaceProblem(s); !problem.empty()) {
      return Err(Status::Corruption(s.path + ": " + problem + kVerifyHint));
    }
    // Refill skips and counts whole segments by the summary: a wrong one would drop records
    // that no counter shows. Checked against the block list, which is in memory already; the
    // blocks themselves are checked as they are read.
    if (const std::string problem = common::SummaryProblem(s.index); !problem.empty()) {
      return Err(Status::Corruption(common::IndexPathOf(s.path) + ": " + problem + kVerifyHint));
    }
    // Left out, as the archiver will cut it; said, because a damaged last block looks the same
    // and its records would otherwise be missing from the replay without a word.
    if (!s.torn_tail.empty()) {
      spdlog::warn(
          "msg=\"torn tail of an open segment left out\" segment={} problem={} hint={}",
          common::Quote(s.path), common::Quote(s.torn_tail),
          common::Quote("a crash while the archiver wrote: it writes those records again at its "
                        "next start"));
    }
    // Only the blocks Refill will read: those the range excludes by their index go at once,
    // and counting them would make a paced replay's ETA count records it never waits for.
    if (!options.range.Excludes(s.index.min_event_ms, s.index.max_event_ms)) {
      for (const common::BlockInfo& block : s.index.blocks) {
        if (!options.range.Excludes(block.min_event_ms, block.max_event_ms)) {
          source->to_read_ += block.records;
        }
      }
    }
    source->partitions_[s.index.partition].segments.push_back(std::move(s));
  }
  // Read in the order of their offsets, whatever their file names say; two segments holding
  // the same offsets would replay a record twice or, skipped as already read, hide a damage.
  for (auto& [partition, p] : source->partitions_) {
    std::stable_sort(p.segments.begin(), p.segments.end(), [](const auto& a, const auto& b) {
      return a.index.first_offset < b.index.first_offset;
    });
    const common::SegmentEntry* previous = nullptr;
    for (const auto& s : p.segments) {
      if (s.index.records == 0) continue;
      if (previous != nullptr && s.index.first_offset <= previous->index.last_offset) {
        return Err(Status::Corruption(
            s.path + ": its offsets " + std::to_string(s.index.first_offset) + "-" +
            std::to_string(s.index.last_offset) + " overlap those of " + previous->path + " (" +
            std::to_string(previous->index.first_offset) + "-" +
            std::to_string(previous->index.last_offset) + ")" + kVerifyHint));
      }
      previous = &s;
    }
  }
  if (source->partitions_.empty()) {
    return Err(Status::NotFound("the archive holds nothing of " + source->topic_));
  }
  auto gaps = common::ListArchiveGaps(options.dir);
  if (!gaps) return Err(gaps.error());
  for (const auto& gap : *gaps) {
    if (gap.topic != source->topic_) continue;
    spdlog::warn(
        "msg=\"records missing from the archive\" topic={} partition={} first_offset={} "
        "last_offset={} records={} hint={}",
        gap.topic, gap.partition, gap.first_offset, gap.last_offset, gap.records(),
        common::Quote("the topic deleted them before the archiver read them (it resumed with "
                      "--on-offset-gap skip); the replay goes on without them"));
  }
  return source;
}

ArchiveSource::~ArchiveSource() {
  for (auto& [partition, p] : partitions_) {
    if (p.file != nullptr) std::fclose(p.file);
  }
}

Status ArchiveSource::Refill(int32_t partition, Partition& p) {
  while (p.buffered.empty() && !p.done) {
    if (p.segment >= p.segments.size()) {
      p.done = true;
      break;
    }
    const common::SegmentEntry& segment = p.segments[p.segment];
    const auto& index = segment.index;
    if (p.block >= index.blocks.size() ||
        options_.range.Excludes(index.min_event_ms, index.max_event_ms)) {
      if (p.block == 0) {
        // Not read at all: the whole segment lies outside the range (or holds no block).
        outside_range_ += index.records;
      }
      if (p.file != nullptr) std::fclose(p.file);
      p.file = nullptr;
      ++p.segment;
      p.block = 0;
      continue;
    }
    const common::BlockInfo& block = index.blocks[p.block++];
    if (options_.range.Excludes(block.min_event_ms, block.max_event_ms)) {
      outside_range_ += block.records;
      continue;
    }
    if (p.file == nullptr) {
      p.file = std::fopen(segment.path.c_str(), "rb");
      if (p.file == nullptr) return Status::IoError("cannot open " + segment.path);
    }
    std::vector<common::ArchiveRecord> records;
    if (Status s = common::ReadBlock(p.file, block, partition, records); !s.ok()) {
      return s.WithContext(segment.path);
    }
    for (auto& r : records) {
      r.event_time_estimated = common::HasEstimatedEventTime(r);
      p.buffered.push_back(std::move(r));
    }
  }
  return Status::Ok();
}

Result<std::optional<common::ArchiveRecord>> ArchiveSource::Next() {
  auto next = NextByEventTime(
      partitions_, [this](int32_t partition, Partition& p) { return Refill(partition, p); });
  if (next && next->has_value()) ++read_;
  return next;
}

std::optional<double> ArchiveSource::Fraction() const {
  if (to_read_ == 0) return 1.0;
  return static_cast<double>(read_) / static_cast<double>(to_read_);
}

}  // namespace headwire::producers
