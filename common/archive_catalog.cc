#include "common/archive_catalog.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

namespace headwire::common {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSegmentExtension = ".hwseg";
constexpr const char* kIndexExtension = ".hwidx";

nlohmann::json BlockJson(const BlockInfo& b) {
  return {{"position", b.file_position},
          {"compressed", b.compressed_size},
          {"raw", b.raw_size},
          {"records", b.records},
          {"first_offset", b.first_offset},
          {"last_offset", b.last_offset},
          {"min_event_ms", b.min_event_ms},
          {"max_event_ms", b.max_event_ms}};
}

BlockInfo BlockFromJson(const nlohmann::json& j) {
  BlockInfo b;
  b.file_position = j.at("position").get<uint64_t>();
  b.compressed_size = j.at("compressed").get<uint32_t>();
  b.raw_size = j.at("raw").get<uint32_t>();
  b.records = j.at("records").get<uint32_t>();
  b.first_offset = j.at("first_offset").get<int64_t>();
  b.last_offset = j.at("last_offset").get<int64_t>();
  b.min_event_ms = j.at("min_event_ms").get<int64_t>();
  b.max_event_ms = j.at("max_event_ms").get<int64_t>();
  return b;
}

bool SameBlocks(const std::vector<BlockInfo>& a, const std::vector<BlockInfo>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](auto& x, auto& y) {
           return BlockJson(x) == BlockJson(y);
         });
}

// The partition a segment's directory names, or nullopt when it is not a number.
std::optional<int32_t> PartitionOf(const fs::path& segment) {
  const std::string name = segment.parent_path().filename().string();
  int32_t partition = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), partition);
  if (ec != std::errc() || end != name.data() + name.size()) return std::nullopt;
  return partition;
}

}  // namespace

SegmentIndex MakeSegmentIndex(const SegmentHeader& header, const std::vector<BlockInfo>& blocks,
                              uint64_t bytes) {
  SegmentIndex index;
  index.topic = header.topic;
  index.partition = header.partition;
  index.bytes = bytes;
  index.blocks = blocks;
  for (const auto& b : blocks) {
    if (index.records == 0) {
      index.first_offset = b.first_offset;
      index.min_event_ms = b.min_event_ms;
      index.max_event_ms = b.max_event_ms;
    }
    index.records += b.records;
    index.last_offset = b.last_offset;
    index.min_event_ms = std::min(index.min_event_ms, b.min_event_ms);
    index.max_event_ms = std::max(index.max_event_ms, b.max_event_ms);
  }
  return index;
}

Status SyncDirectory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IoError("sync " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

Status WriteSegmentIndex(const std::string& path, const SegmentIndex& index) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& b : index.blocks) blocks.push_back(BlockJson(b));
  const nlohmann::json j = {{"topic", index.topic},
                            {"partition", index.partition},
                            {"records", index.records},
                            {"first_offset", index.first_offset},
                            {"last_offset", index.last_offset},
                            {"min_event_ms", index.min_event_ms},
                            {"max_event_ms", index.max_event_ms},
                            {"bytes", index.bytes},
                            {"blocks", blocks}};
  return WriteFileAtomically(path, j.dump() + "\n");
}

Status WriteFileAtomically(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("open " + tmp + ": " + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = written && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!synced) return Status::IoError("write " + tmp + ": " + std::strerror(errno));
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IoError("rename " + tmp + ": " + std::strerror(errno));
  }
  return SyncDirectory(fs::path(path).parent_path().string());
}

Result<SegmentIndex> ReadSegmentIndex(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Err(Status::IoError("cannot open " + path));
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Err(Status::Corruption(path + " is not JSON"));
  try {
    SegmentIndex index;
    index.topic = j.at("topic").get<std::string>();
    index.partition = j.at("partition").get<int32_t>();
    index.records = j.at("records").get<uint64_t>();
    index.first_offset = j.at("first_offset").get<int64_t>();
    index.last_offset = j.at("last_offset").get<int64_t>();
    index.min_event_ms = j.at("min_event_ms").get<int64_t>();
    index.max_event_ms = j.at("max_event_ms").get<int64_t>();
    index.bytes = j.at("bytes").get<uint64_t>();
    for (const auto& b : j.at("blocks")) index.blocks.push_back(BlockFromJson(b));
    return index;
  } catch (const nlohmann::json::exception& e) {
    return Err(Status::Corruption(path + ": " + e.what()));
  }
}

std::string SegmentPath(const std::string& dir, const std::string& topic, int32_t partition,
                        int64_t first_offset) {
  char name[32];
  std::snprintf(name, sizeof name, "%020lld", static_cast<long long>(first_offset));
  return (fs::path(dir) / topic / std::to_string(partition) /
          (std::string(name) + kSegmentExtension))
      .string();
}

std::string IndexPathOf(const std::string& segment_path) {
  return fs::path(segment_path).replace_extension(kIndexExtension).string();
}

Result<std::vector<SegmentEntry>> ListSegments(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Err(Status::NotFound("no archive at " + dir));
  std::vector<std::string> paths;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == kSegmentExtension &&
        PartitionOf(it->path())) {
      paths.push_back(it->path().string());
    }
  }
  if (ec) return Err(Status::IoError("list " + dir + ": " + ec.message()));
  // Topic and partition directories, then zero-padded first offsets: sort by the parts.
  std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
    const fs::path pa(a), pb(b);
    const auto ta = pa.parent_path().parent_path().filename().string();
    const auto tb = pb.parent_path().parent_path().filename().string();
    if (ta != tb) return ta < tb;
    const auto na = *PartitionOf(pa);
    const auto nb = *PartitionOf(pb);
    if (na != nb) return na < nb;
    return pa.filename() < pb.filename();
  });
  std::vector<SegmentEntry> out;
  for (const auto& path : paths) {
    SegmentEntry entry;
    entry.path = path;
    const std::string index_path = IndexPathOf(path);
    if (fs::exists(index_path, ec)) {
      auto index = ReadSegmentIndex(index_path);
      if (!index) return Err(index.error());
      entry.sealed = true;
      entry.index = std::move(*index);
    } else {
      auto scan = ScanSegment(path);
      if (!scan) return Err(scan.error());
      entry.index = MakeSegmentIndex(scan->header, scan->blocks, scan->valid_bytes);
      if (scan->tail == TailState::kCorrupt) entry.damage = scan->problem;
      if (scan->tail == TailState::kTorn) entry.torn_tail = scan->problem;
      // A segment torn before its header was durable names its partition by its place only.
      const fs::path p(path);
      entry.index.topic = p.parent_path().parent_path().filename().string();
      entry.index.partition = *PartitionOf(p);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<std::string>> ListOrphanIndexes(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Err(Status::NotFound("no archive at " + dir));
  std::vector<std::string> orphans;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != kIndexExtension ||
        !PartitionOf(it->path())) {
      continue;
    }
    fs::path segment = it->path();
    segment.replace_extension(kSegmentExtension);
    std::error_code exists_ec;
    if (!fs::exists(segment, exists_ec)) orphans.push_back(it->path().string());
  }
  if (ec) return Err(Status::IoError("list " + dir + ": " + ec.message()));
  std::sort(orphans.begin(), orphans.end());
  return orphans;
}

std::string PlaceProblem(const SegmentEntry& entry) {
  const fs::path path(entry.path);
  const std::string topic_dir = path.parent_path().parent_path().filename().string();
  const auto partition_dir = PartitionOf(path);
  if (topic_dir == entry.index.topic && partition_dir == entry.index.partition) {
    // The archiver names a segment by its first record's offset, and finds where to go on by
    // the names: a segment renamed would be read, and written on, out of its place.
    const std::string named = fs::path(SegmentPath("", entry.index.topic, entry.index.partition,
                                                   entry.index.first_offset))
                                  .filename()
                                  .string();
    if (entry.index.records == 0 || path.filename().string() == named) return "";
    return "is named " + path.stem().string() + " but its first record is at offset " +
           std::to_string(entry.index.first_offset) + " (a segment is named by it)";
  }
  return "holds partition " + std::to_string(entry.index.partition) + " of topic " +
         entry.index.topic + " but lies in the directory of partition " +
         (partition_dir ? std::to_string(*partition_dir) : "?") + " of topic " + topic_dir;
}

std::string SummaryProblem(const SegmentIndex& index) {
  const SegmentIndex actual =
      MakeSegmentIndex({index.topic, index.partition}, index.blocks, index.bytes);
  const std::pair<const char*, std::pair<int64_t, int64_t>> fields[] = {
      {"records", {static_cast<int64_t>(index.records), static_cast<int64_t>(actual.records)}},
      {"first_offset", {index.first_offset, actual.first_offset}},
      {"last_offset", {index.last_offset, actual.last_offset}},
      {"min_event_ms", {index.min_event_ms, actual.min_event_ms}},
      {"max_event_ms", {index.max_event_ms, actual.max_event_ms}}};
  for (const auto& [name, values] : fields) {
    if (values.first != values.second) {
      return std::string("the index says ") + name + " " + std::to_string(values.first) +
             " but its blocks say " + std::to_string(values.second);
    }
  }
  return "";
}

Result<std::vector<VerifyFinding>> VerifyArchive(const std::string& dir) {
  auto segments = ListSegments(dir);
  if (!segments) return Err(segments.error());
  std::vector<VerifyFinding> findings;
  // Per topic partition, the last offset of the segments before: a later segment must start
  // after it, or the archive would hold a record twice.
  std::map<std::pair<std::string, int32_t>, int64_t> last_offsets;
  for (const auto& entry : *segments) {
    // Checked first, and kept out of the offset order below: the segments of the partition it
    // lies in are not the ones it follows, and blaming them would send the reader to the wrong
    // file.
    if (const std::string problem = PlaceProblem(entry); !problem.empty()) {
      findings.push_back({entry.path, problem});
      continue;
    }
    if (entry.index.records > 0) {
      const auto key = std::make_pair(entry.index.topic, entry.index.partition);
      const auto it = last_offsets.find(key);
      if (it != last_offsets.end() && entry.index.first_offset <= it->second) {
        findings.push_back({entry.path, "starts at offset " +
                                            std::to_string(entry.index.first_offset) +
                                            ", not after the previous segment's last offset " +
                                            std::to_string(it->second)});
      }
      last_offsets[key] = entry.index.last_offset;
    }
    auto scan = ScanSegment(entry.path);
    if (!scan) return Err(scan.error());
    if (scan->tail == TailState::kCorrupt || (entry.sealed && scan->tail == TailState::kTorn)) {
      findings.push_back({entry.path, scan->problem});
      continue;
    }
    if (scan->tail == TailState::kTorn) {
      findings.push_back({entry.path, scan->problem + " (torn tail of the open segment)", false});
    }
    if (entry.sealed) {
      const SegmentIndex actual = MakeSegmentIndex(scan->header, scan->blocks, scan->valid_bytes);
      if (!SameBlocks(actual.blocks, entry.index.blocks) || actual.bytes != entry.index.bytes ||
          actual.topic != entry.index.topic || actual.partition != entry.index.partition) {
        findings.push_back({entry.path, "the index does not match the segment"});
        continue;
      }
      if (const std::string problem = SummaryProblem(entry.index); !problem.empty()) {
        findings.push_back({entry.path, problem});
        continue;
      }
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(entry.path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) return Err(Status::IoError("open " + entry.path));
    std::vector<ArchiveRecord> records;
    int64_t previous = -1;
    for (const auto& block : scan->blocks) {
      records.clear();
      if (Status s = ReadBlock(file.get(), block, scan->header.partition, records); !s.ok()) {
        findings.push_back({entry.path, s.message()});
        break;
      }
      bool ordered = records.size() == block.records;
      for (const auto& r : records) {
        ordered = ordered && r.offset > previous && r.offset >= block.first_offset &&
                  r.offset <= block.last_offset;
        previous = r.offset;
      }
      if (!ordered) {
        findings.push_back({entry.path, "block at byte " + std::to_string(block.file_position) +
                                            " disagrees with its header"});
        break;
      }
    }
  }
  auto orphans = ListOrphanIndexes(dir);
  if (!orphans) return Err(orphans.error());
  for (const auto& index_path : *orphans) {
    fs::path segment(index_path);
    segment.replace_extension(kSegmentExtension);
    findings.push_back({segment.string(), "the segment is missing; its index " + index_path +
                                              " is left, and the records it lists are lost"});
  }
  return findings;
}

}  // namespace headwire::common
