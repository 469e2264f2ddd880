#include "common/archive_segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace headwire::common {
namespace {

constexpr char kSegmentMagic[8] = {'H', 'W', 'S', 'E', 'G', '0', '0', '1'};
constexpr char kBlockMagic[4] = {'H', 'W', 'B', '1'};
// Magic, three u32 sizes, four i64 ranges: what the block checksum covers besides the payload.
constexpr size_t kBlockFieldsBytes = 4 + 3 * 4 + 4 * 8;
constexpr size_t kBlockHeaderBytes = kBlockFieldsBytes + 8;
// A block never holds more than this, so a damaged size field cannot ask for gigabytes.
constexpr uint32_t kMaxBlockBytes = 256u << 20;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutBytes(std::string& out, std::string_view bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

// Reads little-endian values from a byte range; any read past the end sets failed().
class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}
  uint8_t U8() { return static_cast<uint8_t>(Fixed(1)); }
  uint32_t U32() { return static_cast<uint32_t>(Fixed(4)); }
  uint64_t U64() { return Fixed(8); }
  int64_t I64() { return static_cast<int64_t>(Fixed(8)); }
  std::string_view Bytes() {
    const uint32_t size = U32();
    if (failed_ || bytes_.size() - pos_ < size) {
      failed_ = true;
      return {};
    }
    std::string_view out = bytes_.substr(pos_, size);
    pos_ += size;
    return out;
  }
  bool failed() const { return failed_; }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  uint64_t Fixed(int n) {
    if (failed_ || bytes_.size() - pos_ < static_cast<size_t>(n)) {
      failed_ = true;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    }
    pos_ += n;
    return v;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
  bool failed_ = false;
};

void EncodeRecord(std::string& out, const ArchiveRecord& r) {
  PutU64(out, static_cast<uint64_t>(r.offset));
  PutU64(out, static_cast<uint64_t>(r.timestamp_ms));
  PutU64(out, static_cast<uint64_t>(r.event_time_ms));
  out.push_back(r.key ? 1 : 0);
  PutBytes(out, r.key ? std::string_view(*r.key) : std::string_view());
  PutBytes(out, r.value);
  PutU32(out, static_cast<uint32_t>(r.headers.size()));
  for (const auto& h : r.headers) {
    PutBytes(out, h.name);
    PutBytes(out, h.value);
  }
}

std::string EncodeSegmentHeader(const SegmentHeader& header) {
  std::string out(kSegmentMagic, sizeof kSegmentMagic);
  PutU32(out, static_cast<uint32_t>(header.partition));
  PutBytes(out, header.topic);
  PutU64(out, XXH3_64bits(out.data(), out.size()));
  return out;
}

std::string EncodeBlockFields(const BlockInfo& b) {
  std::string out(kBlockMagic, sizeof kBlockMagic);
  PutU32(out, b.compressed_size);
  PutU32(out, b.raw_size);
  PutU32(out, b.records);
  PutU64(out, static_cast<uint64_t>(b.first_offset));
  PutU64(out, static_cast<uint64_t>(b.last_offset));
  PutU64(out, static_cast<uint64_t>(b.min_event_ms));
  PutU64(out, static_cast<uint64_t>(b.max_event_ms));
  return out;
}

uint64_t BlockChecksum(std::string_view fields, std::string_view payload) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, fields.data(), fields.size());
  XXH3_64bits_update(state, payload.data(), payload.size());
  const uint64_t sum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return sum;
}

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

// Reads exactly `size` bytes at `position`; false at end of file.
bool ReadAt(std::FILE* file, uint64_t position, size_t size, std::string& out) {
  out.resize(size);
  if (std::fseek(file, static_cast<long>(position), SEEK_SET) != 0) return false;
  return std::fread(out.data(), 1, size, file) == size;
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write " + path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

uint64_t BlockInfo::end_position() const {
  return file_position + kBlockHeaderBytes + compressed_size;
}

Result<SegmentScan> ScanSegment(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return Err(Errno("open " + path));
  SegmentScan scan;
  struct stat st {};
  if (::fstat(::fileno(file.get()), &st) != 0) return Err(Errno("stat " + path));
  scan.file_bytes = static_cast<uint64_t>(st.st_size);

  std::string bytes;
  const size_t fixed = sizeof kSegmentMagic + 8;
  if (!ReadAt(file.get(), 0, fixed, bytes) ||
      std::memcmp(bytes.data(), kSegmentMagic, sizeof kSegmentMagic) != 0) {
    // A segment is created with its header in one write and fsync before any block, so a file
    // shorter than its header is the torn start of a new segment.
    scan.tail = scan.file_bytes < fixed ? TailState::kTorn : TailState::kCorrupt;
    scan.problem = "segment header missing or damaged";
    return scan;
  }
  Cursor head(std::string_view(bytes).substr(sizeof kSegmentMagic));
  scan.header.partition = static_cast<int32_t>(head.U32());
  const uint32_t topic_size = head.U32();
  std::string topic;
  std::string sum;
  if (topic_size > 4096 || !ReadAt(file.get(), fixed, topic_size, topic) ||
      !ReadAt(file.get(), fixed + topic_size, 8, sum)) {
    scan.tail = TailState::kCorrupt;
    scan.problem = "segment header damaged";
    return scan;
  }
  scan.header.topic = topic;
  if (EncodeSegmentHeader(scan.header) != bytes + topic + sum) {
    scan.tail = TailState::kCorrupt;
    scan.problem = "segment header checksum mismatch";
    return scan;
  }
  uint64_t position = fixed + topic_size + 8;
  scan.valid_bytes = position;
  std::string payload;
  while (position < scan.file_bytes) {
    if (!ReadAt(file.get(), position, kBlockHeaderBytes, bytes)) {
      scan.tail = TailState::kTorn;
      scan.problem = "incomplete block header at byte " + std::to_string(position);
      break;
    }
    Cursor c(std::string_view(bytes).substr(sizeof kBlockMagic));
    BlockInfo block;
    block.file_position = position;
    block.compressed_size = c.U32();
    block.raw_size = c.U32();
    block.records = c.U32();
    block.first_offset = c.I64();
    block.last_offset = c.I64();
    block.min_event_ms = c.I64();
    block.max_event_ms = c.I64();
    const uint64_t stored_sum = c.U64();
    const bool magic_ok = std::memcmp(bytes.data(), kBlockMagic, sizeof kBlockMagic) == 0;
    const bool sizes_ok =
        magic_ok && block.compressed_size <= kMaxBlockBytes && block.raw_size <= kMaxBlockBytes;
    if (sizes_ok && block.end_position() > scan.file_bytes) {
      scan.tail = TailState::kTorn;
      scan.problem = "block at byte " + std::to_string(position) + " runs past the end of the file";
      break;
    }
    const bool sum_ok =
        sizes_ok &&
        ReadAt(file.get(), position + kBlockHeaderBytes, block.compressed_size, payload) &&
        BlockChecksum(std::string_view(bytes).substr(0, kBlockFieldsBytes), payload) == stored_sum;
    if (!sum_ok) {
      const bool at_end = sizes_ok && block.end_position() == scan.file_bytes;
      scan.tail = at_end ? TailState::kTorn : TailState::kCorrupt;
      scan.problem = "block at byte " + std::to_string(position) + " fails its checksum";
      break;
    }
    scan.blocks.push_back(block);
    position = block.end_position();
    scan.valid_bytes = position;
  }
  return scan;
}

Status ReadBlock(std::FILE* file, const BlockInfo& block, int32_t partition,
                 std::vector<ArchiveRecord>& out) {
  std::string header;
  std::string payload;
  const std::string where = "block at byte " + std::to_string(block.file_position);
  if (!ReadAt(file, block.file_position, kBlockHeaderBytes, header) ||
      !ReadAt(file, block.file_position + kBlockHeaderBytes, block.compressed_size, payload)) {
    return Status::Corruption(where + " is truncated");
  }
  Cursor sum(std::string_view(header).substr(kBlockFieldsBytes));
  if (header.compare(0, kBlockFieldsBytes, EncodeBlockFields(block)) != 0 ||
      BlockChecksum(std::string_view(header).substr(0, kBlockFieldsBytes), payload) != sum.U64()) {
    return Status::Corruption(where + " fails its checksum");
  }
  std::string raw(block.raw_size, '\0');
  const size_t n = ZSTD_decompress(raw.data(), raw.size(), payload.data(), payload.size());
  if (ZSTD_isError(n) || n != raw.size()) {
    return Status::Corruption(
        where + " does not decompress: " + (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "wrong size"));
  }
  Cursor c(raw);
  for (uint32_t i = 0; i < block.records; ++i) {
    ArchiveRecord r;
    r.partition = partition;
    r.offset = c.I64();
    r.timestamp_ms = c.I64();
    r.event_time_ms = c.I64();
    const bool has_key = c.U8() != 0;
    const std::string_view key = c.Bytes();
    if (has_key) r.key = std::string(key);
    r.value = std::string(c.Bytes());
    const uint32_t headers = c.U32();
    for (uint32_t h = 0; h < headers && !c.failed(); ++h) {
      Header header;
      header.name = std::string(c.Bytes());
      header.value = std::string(c.Bytes());
      r.headers.push_back(std::move(header));
    }
    if (c.failed()) break;
    out.push_back(std::move(r));
  }
  if (c.failed() || !c.done()) return Status::Corruption(where + " holds a malformed record");
  return Status::Ok();
}

Result<std::unique_ptr<SegmentWriter>> SegmentWriter::Open(const std::string& path,
                                                           const SegmentHeader& header,
                                                           const SegmentWriterOptions& options) {
  std::unique_ptr<SegmentWriter> writer(new SegmentWriter());
  writer->path_ = path;
  writer->options_ = options;
  writer->partition_ = header.partition;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
  writer->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (writer->fd_ < 0) return Err(Errno("open " + path));
  if (exists) {
    auto scan = ScanSegment(path);
    if (!scan) return Err(scan.error());
    const bool torn_empty = scan->tail == TailState::kTorn && scan->header.topic.empty();
    if (scan->tail == TailState::kCorrupt) {
      return Err(Status::Corruption(path + ": " + scan->problem));
    }
    if (!torn_empty &&
        (scan->header.topic != header.topic || scan->header.partition != header.partition)) {
      return Err(Status::Corruption(path + " belongs to " + scan->header.topic + "/" +
                                    std::to_string(scan->header.partition)));
    }
    if (!torn_empty) {
      if (scan->tail == TailState::kTorn &&
          ::ftruncate(writer->fd_, static_cast<off_t>(scan->valid_bytes)) != 0) {
        return Err(Errno("truncate " + path));
      }
      writer->blocks_ = std::move(scan->blocks);
      writer->file_bytes_ = scan->valid_bytes;
      if (::lseek(writer->fd_, static_cast<off_t>(writer->file_bytes_), SEEK_SET) < 0 ||
          ::fdatasync(writer->fd_) != 0) {
        return Err(Errno("reopen " + path));
      }
      return writer;
    }
    if (::ftruncate(writer->fd_, 0) != 0) return Err(Errno("truncate " + path));
  }
  const std::string head = EncodeSegmentHeader(header);
  if (Status s = WriteAll(writer->fd_, head, path); !s.ok()) return Err(s);
  if (::fdatasync(writer->fd_) != 0) return Err(Errno("sync " + path));
  writer->file_bytes_ = head.size();
  return writer;
}

SegmentWriter::~SegmentWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status SegmentWriter::Append(const ArchiveRecord& record) {
  if (buffer_.empty()) {
    pending_ = BlockInfo{};
    pending_.first_offset = record.offset;
    pending_.min_event_ms = record.event_time_ms;
    pending_.max_event_ms = record.event_time_ms;
  }
  pending_.last_offset = record.offset;
  pending_.min_event_ms = std::min(pending_.min_event_ms, record.event_time_ms);
  pending_.max_event_ms = std::max(pending_.max_event_ms, record.event_time_ms);
  ++pending_.records;
  EncodeRecord(buffer_, record);
  if (buffer_.size() >= options_.block_bytes) return WriteBlock();
  return Status::Ok();
}

Status SegmentWriter::WriteBlock() {
  if (buffer_.empty()) return Status::Ok();
  if (buffer_.size() > kMaxBlockBytes) {
    return Status::InvalidArgument("a block of " + std::to_string(buffer_.size()) +
                                   " bytes is larger than the format allows");
  }
  std::string compressed(ZSTD_compressBound(buffer_.size()), '\0');
  const size_t n = ZSTD_compress(compressed.data(), compressed.size(), buffer_.data(),
                                 buffer_.size(), options_.compression_level);
  if (ZSTD_isError(n)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  compressed.resize(n);
  BlockInfo block = pending_;
  block.file_position = file_bytes_;
  block.compressed_size = static_cast<uint32_t>(n);
  block.raw_size = static_cast<uint32_t>(buffer_.size());
  std::string out = EncodeBlockFields(block);
  PutU64(out, BlockChecksum(out, compressed));
  out += compressed;
  if (Status s = WriteAll(fd_, out, path_); !s.ok()) return s;
  file_bytes_ += out.size();
  blocks_.push_back(block);
  buffer_.clear();
  return Status::Ok();
}

Status SegmentWriter::Sync() {
  if (Status s = WriteBlock(); !s.ok()) return s;
  if (::fdatasync(fd_) != 0) return Errno("sync " + path_);
  return Status::Ok();
}

}  // namespace headwire::common
