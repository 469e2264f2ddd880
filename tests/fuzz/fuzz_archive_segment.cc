// Archive segment files (archive ls / verify, replay --archive), which a disk, a copy or a crash
// may damage. The first byte chooses what the rest is:
//   - even: a segment file as found on disk. Listing, verifying and replaying the archive end
//     without fault, and when verify finds no damage, the replay returns every record the
//     listing counts.
//   - odd: records, cut from the bytes, that SegmentWriter writes in small blocks. Verify finds
//     nothing, and the replay returns each record as it was written.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/archive_catalog.h"
#include "common/archive_segment.h"
#include "producers/archive_source.h"

namespace {

namespace fs = std::filesystem;
using headwire::common::ArchiveRecord;

const std::string& ArchiveDir() {
  // A damaged archive is warned about on every replay: too much to print for every input.
  static const bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  // Removed again when the process exits.
  static const struct ScratchDir {
    std::string path =
        (fs::temp_directory_path() / ("hw-fuzz-archive-" + std::to_string(::getpid()))).string();
    ~ScratchDir() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } dir;
  return dir.path;
}

// Takes bytes from the front of the input; empty once it runs out.
class Carver {
 public:
  explicit Carver(std::string_view bytes) : bytes_(bytes) {}
  bool empty() const { return bytes_.empty(); }
  uint8_t Byte() {
    if (bytes_.empty()) return 0;
    const auto b = static_cast<uint8_t>(bytes_.front());
    bytes_.remove_prefix(1);
    return b;
  }
  std::string Take(size_t n) {
    const std::string out(bytes_.substr(0, n));
    bytes_.remove_prefix(out.size());
    return out;
  }

 private:
  std::string_view bytes_;
};

std::vector<ArchiveRecord> CarveRecords(Carver carver) {
  std::vector<ArchiveRecord> records;
  int64_t offset = 0;
  while (!carver.empty() && records.size() < 64) {
    ArchiveRecord r;
    offset += 1 + carver.Byte() % 4;  // offsets need not be contiguous
    r.offset = offset;
    r.timestamp_ms = carver.Byte() % 2 ? -1 : 1772439300000 + carver.Byte();
    r.event_time_ms = 1772439300000 + 1000 * static_cast<int64_t>(carver.Byte());
    const uint8_t key = carver.Byte();
    if (key != 0xff) r.key = carver.Take(key % 16);
    r.value = carver.Take(carver.Byte());
    for (uint8_t h = carver.Byte() % 3; h > 0; --h) {
      headwire::common::Header header;
      header.name = carver.Take(carver.Byte() % 8);
      header.value = carver.Take(carver.Byte() % 8);
      r.headers.push_back(std::move(header));
    }
    records.push_back(std::move(r));
  }
  return records;
}

bool SameStoredFields(const ArchiveRecord& a, const ArchiveRecord& b) {
  return a.partition == b.partition && a.offset == b.offset && a.timestamp_ms == b.timestamp_ms &&
         a.event_time_ms == b.event_time_ms && a.key == b.key && a.value == b.value &&
         a.headers == b.headers;
}

// Every record the archive replays, or nullopt when the replay refused it or stopped on an error.
std::optional<std::vector<ArchiveRecord>> Replay(const std::string& dir) {
  auto source = headwire::producers::ArchiveSource::Open({.dir = dir, .topic = "", .range = {}});
  if (!source) return std::nullopt;
  std::vector<ArchiveRecord> records;
  while (true) {
    auto next = (*source)->Next();
    if (!next) return std::nullopt;
    if (!next->has_value()) return records;
    records.push_back(std::move(**next));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headwire::common;
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string& dir = ArchiveDir();
  fs::remove_all(dir);
  const bool written_by_writer = data[0] % 2 == 1;
  std::vector<ArchiveRecord> written;
  if (written_by_writer) {
    written = CarveRecords(Carver(input));
    if (written.empty()) return 0;
  }
  // Named by its first record's offset, as the archiver names a segment.
  const std::string path = SegmentPath(dir, "t", 0, written.empty() ? 0 : written.front().offset);
  fs::create_directories(fs::path(path).parent_path());
  if (written_by_writer) {
    auto writer = SegmentWriter::Open(path, {"t", 0}, {.block_bytes = 64, .compression_level = 1});
    if (!writer) std::abort();
    for (const auto& r : written) {
      if (!(*writer)->Append(r).ok()) std::abort();
    }
    if (!(*writer)->Sync().ok()) std::abort();
  } else {
    std::ofstream(path, std::ios::binary)
        .write(input.data(), static_cast<std::streamsize>(input.size()));
  }

  auto segments = ListSegments(dir);
  auto findings = VerifyArchive(dir);
  const auto replayed = Replay(dir);
  if (!segments || !findings) return 0;
  bool damaged = false;
  for (const auto& f : *findings) damaged = damaged || f.damaged;
  uint64_t listed = 0;
  for (const auto& s : *segments) listed += s.index.records;
  if (!damaged && listed > 0 && (!replayed || replayed->size() != listed)) std::abort();
  if (written_by_writer) {
    if (!findings->empty() || !replayed || replayed->size() != written.size()) std::abort();
    for (size_t i = 0; i < written.size(); ++i) {
      if (!SameStoredFields((*replayed)[i], written[i])) std::abort();
    }
  }
  return 0;
}
