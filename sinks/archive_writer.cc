#include "sinks/archive_writer.h"

#include <filesystem>

#include "common/archive_catalog.h"
#include "common/archive_gaps.h"

namespace headwire::sinks {
namespace fs = std::filesystem;

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Open(const ArchiveWriterOptions& options) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return Err(Status::IoError("create " + options.dir + ": " + ec.message()));
  auto segments = common::ListSegments(options.dir);
  if (!segments) return Err(segments.error());
  std::unique_ptr<ArchiveWriter> writer(new ArchiveWriter(options));
  for (const auto& entry : *segments) {
    const common::TopicPartition tp{entry.index.topic, entry.index.partition};
    Partition& p = writer->partitions_[tp];
    if (entry.index.records > 0) p.next_offset = entry.index.last_offset + 1;
    if (entry.sealed) continue;
    // Reopening now cuts a torn tail, and a damaged open segment stops the archiver at start.
    auto reopened =
        common::SegmentWriter::Open(entry.path, {tp.topic, tp.partition}, options.segment);
    if (!reopened) return Err(reopened.error());
    p.open = std::move(*reopened);
  }
  return writer;
}

std::optional<int64_t> ArchiveWriter::NextOffset(const common::TopicPartition& tp) const {
  const auto it = partitions_.find(tp);
  if (it == partitions_.end()) return std::nullopt;
  return it->second.next_offset;
}

Result<bool> ArchiveWriter::Append(const std::string& topic, const common::ArchiveRecord& record) {
  Partition& p = partitions_[{topic, record.partition}];
  if (p.next_offset && record.offset < *p.next_offset) return false;
  if (!p.open) {
    const std::string path =
        common::SegmentPath(options_.dir, topic, record.partition, record.offset);
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) return Err(Status::IoError("create " + path + ": " + ec.message()));
    auto created = common::SegmentWriter::Open(path, {topic, record.partition}, options_.segment);
    if (!created) return Err(created.error());
    p.open = std::move(*created);
    p.created = true;
  }
  if (Status s = p.open->Append(record); !s.ok()) return Err(s);
  p.next_offset = record.offset + 1;
  ++archived_;
  return true;
}

Status ArchiveWriter::NoteGap(const common::TopicPartition& tp, int64_t first_offset,
                              int64_t last_offset) {
  return common::NoteArchiveGap(options_.dir, {tp.topic, tp.partition, first_offset, last_offset});
}

Status ArchiveWriter::Persist() {
  for (auto& [tp, p] : partitions_) {
    if (!p.open) continue;
    if (Status s = p.open->Sync(); !s.ok()) return s;
    if (p.created) {
      // The new file's name, and the directories above it, must survive a crash too.
      const fs::path partition_dir = fs::path(p.open->path()).parent_path();
      for (const fs::path& dir : {partition_dir, partition_dir.parent_path(),
                                  partition_dir.parent_path().parent_path()}) {
        if (Status s = common::SyncDirectory(dir.string()); !s.ok()) return s;
      }
      p.created = false;
    }
    if (p.open->approximate_bytes() >= options_.segment_bytes) {
      const auto index = common::MakeSegmentIndex({tp.topic, tp.partition}, p.open->blocks(),
                                                  p.open->approximate_bytes());
      if (Status s = common::WriteSegmentIndex(common::IndexPathOf(p.open->path()), index);
          !s.ok()) {
        return s;
      }
      p.open.reset();
    }
  }
  return Status::Ok();
}

}  // namespace headwire::sinks
