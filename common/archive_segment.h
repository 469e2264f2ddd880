#pragma once
// One archive segment file: the exact Kafka messages of one topic partition, in offset order,
// in zstd-compressed blocks, each block checksummed (XXH3-64 over its header and payload).
//
// File layout (integers little-endian):
//   segment header: "HWSEG001", u32 partition, u32 topic length, topic, u64 XXH3-64 of the above
//   blocks, each:   "HWB1", u32 compressed size, u32 raw size, u32 record count,
//                   i64 first offset, i64 last offset, i64 min event time, i64 max event time,
//                   u64 XXH3-64 of the 48 header bytes before it and of the payload, payload
// A block's raw payload is its records back to back (see EncodeRecord in the .cc).
//
// A block is written whole and then fsynced, so a crash leaves at most one torn block at the
// end of the file being written. ScanSegment tells that torn tail (a block that runs past the
// end of the file, or whose bad checksum ends exactly at it) from corruption (a bad block with
// more data after it). SegmentWriter and the scan functions are not thread-safe; distinct
// objects may be used from distinct threads.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"

namespace headwire::common {

// One archived Kafka message.
struct ArchiveRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  // The broker's message timestamp in ms; -1 when the message had none.
  int64_t timestamp_ms = -1;
  // The record's event time: the article's published_at when the value is a headwire article,
  // else the message timestamp. Used for the index and time filters, never stored in Kafka.
  int64_t event_time_ms = 0;
  // True when event_time_ms is the producer's clock standing in for a missing published_at
  // (RawArticle.event_time_estimated): when the record was produced, not when anything happened.
  // Derived from the value by whoever makes the record; not stored in segments.
  bool event_time_estimated = false;
  // nullopt for a message without a key (not the same as an empty key).
  std::optional<std::string> key;
  std::string value;
  // In the message's order. A header without a value is stored with an empty one.
  std::vector<Header> headers;
};

// What a block holds, as its header says.
struct BlockInfo {
  uint64_t file_position = 0;  // where the block's header starts
  uint32_t compressed_size = 0;
  uint32_t raw_size = 0;
  uint32_t records = 0;
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t min_event_ms = 0;
  int64_t max_event_ms = 0;
  uint64_t end_position() const;  // just after the block
};

struct SegmentHeader {
  std::string topic;
  int32_t partition = 0;
};

enum class TailState {
  kClean,    // every byte belongs to a valid block
  kTorn,     // the last block is incomplete or fails its checksum at the end of the file
  kCorrupt,  // a block fails its checksum with data after it, or the header is damaged
};

struct SegmentScan {
  SegmentHeader header;
  std::vector<BlockInfo> blocks;  // the valid blocks, in file order
  uint64_t valid_bytes = 0;       // the file's length up to the end of the last valid block
  uint64_t file_bytes = 0;
  TailState tail = TailState::kClean;
  std::string problem;  // what was wrong, for kTorn and kCorrupt
};

// Reads `path` block by block, checking every checksum. Returns IoError when the file cannot
// be read; a damaged file is not an error here, it is described by the scan.
Result<SegmentScan> ScanSegment(const std::string& path);

// Reads and decompresses the block `block` of the open segment `file`, appending its records
// to `out`. Returns Corruption when the checksum or the encoding is wrong.
Status ReadBlock(std::FILE* file, const BlockInfo& block, int32_t partition,
                 std::vector<ArchiveRecord>& out);

struct SegmentWriterOptions {
  // Raw bytes collected before a block is compressed and written. Default: 1 MiB.
  size_t block_bytes = 1 << 20;
  // zstd compression level. Default: 3.
  int compression_level = 3;
};

// Appends blocks to one segment file. Records must come in increasing offset order.
class SegmentWriter {
 public:
  // Creates `path` with the segment header, or reopens an existing segment: its torn tail is
  // cut off (and the cut made durable). Returns Corruption naming the file when it holds a
  // damaged block that is not its tail, or a header for another topic partition.
  static Result<std::unique_ptr<SegmentWriter>> Open(const std::string& path,
                                                     const SegmentHeader& header,
                                                     const SegmentWriterOptions& options = {});
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;
  ~SegmentWriter();

  // Buffers one record; writes a block when the buffer reaches block_bytes. Not durable yet.
  Status Append(const ArchiveRecord& record);

  // Writes the buffered records as a block and fsyncs the file: everything appended so far is
  // then durable. Returns IoError when writing or syncing fails.
  Status Sync();

  // The blocks written so far (durable after Sync), including those found at Open.
  const std::vector<BlockInfo>& blocks() const { return blocks_; }
  // The file's size including buffered records' raw size (an estimate of the final size).
  uint64_t approximate_bytes() const { return file_bytes_ + buffer_.size(); }
  const std::string& path() const { return path_; }

 private:
  SegmentWriter() = default;
  Status WriteBlock();

  std::string path_;
  int fd_ = -1;
  SegmentWriterOptions options_;
  int32_t partition_ = 0;
  uint64_t file_bytes_ = 0;
  std::vector<BlockInfo> blocks_;
  std::string buffer_;
  BlockInfo pending_;  // the buffered records' offsets and event times
};

}  // namespace headwire::common
