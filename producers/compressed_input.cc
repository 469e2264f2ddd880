#include "producers/compressed_input.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <utility>

namespace headwire::producers {
namespace {

constexpr size_t kChunk = 1 << 16;

// Plain files, read as they are.
class PlainInput : public CompressedInput {
 public:
  PlainInput(std::FILE* file, std::string path, uint64_t size)
      : file_(file), path_(std::move(path)), size_(size) {}
  ~PlainInput() override { std::fclose(file_); }
  Result<size_t> Read(std::string& out, size_t max) override {
    out.resize(max);
    const size_t n = std::fread(out.data(), 1, max, file_);
    if (n == 0 && std::ferror(file_)) return Err(Status::IoError(path_ + ": reading failed"));
    consumed_ += n;
    out.resize(n);
    return n;
  }
  double Fraction() const override {
    return size_ == 0 ? 1.0 : static_cast<double>(consumed_) / static_cast<double>(size_);
  }

 private:
  std::FILE* file_;
  std::string path_;
  uint64_t size_;
  uint64_t consumed_ = 0;
};

// gzip by zlib's inflate, one member after another: members written one after the other (`cat
// a.gz b.gz`) are one valid gzip stream. Anything else after a member is corruption, as zstd
// reports it; gzread would end there silently and drop whatever the bytes held.
class GzipInput : public CompressedInput {
 public:
  GzipInput(std::FILE* file, std::string path, uint64_t size)
      : file_(file), path_(std::move(path)), size_(size), in_buffer_(kChunk, '\0') {
    // 15 + 16: a gzip wrapper only, with the largest window.
    initialized_ = inflateInit2(&stream_, 15 + 16) == Z_OK;
  }
  ~GzipInput() override {
    if (initialized_) inflateEnd(&stream_);
    std::fclose(file_);
  }
  Result<size_t> Read(std::string& out, size_t max) override {
    if (!initialized_) return Err(Status::Internal(path_ + ": inflateInit2 failed"));
    out.resize(max);
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(max);
    while (stream_.avail_out == max) {
      if (stream_.avail_in == 0 && !file_ended_) {
        const size_t n = std::fread(in_buffer_.data(), 1, in_buffer_.size(), file_);
        if (n == 0) {
          if (std::ferror(file_)) return Err(Status::IoError(path_ + ": gzip: reading failed"));
          file_ended_ = true;
        }
        consumed_ += n;
        stream_.next_in = reinterpret_cast<Bytef*>(in_buffer_.data());
        stream_.avail_in = static_cast<uInt>(n);
      }
      if (stream_.avail_in == 0 && file_ended_ && !member_open_) break;
      if (!member_open_) {
        inflateReset(&stream_);
        member_open_ = true;
        member_start_ = consumed_ - stream_.avail_in;
      }
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_open_ = false;
      } else if (rc == Z_BUF_ERROR && stream_.avail_in == 0 && file_ended_) {
        return Err(Status::Corruption(
            path_ + ": gzip: the file ends inside a compressed stream (truncated)"));
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        const std::string why =
            stream_.msg != nullptr ? stream_.msg : "error " + std::to_string(rc);
        if (member_start_ > 0 && stream_.total_in < kGzipHeaderBytes) {
          return Err(Status::Corruption(
              path_ + ": gzip: the bytes after the member ending at byte " +
              std::to_string(member_start_) + " are not a gzip member (" + why + ")"));
        }
        return Err(Status::Corruption(path_ + ": gzip: " + why));
      }
    }
    out.resize(max - stream_.avail_out);
    return out.size();
  }
  double Fraction() const override {
    return size_ == 0
               ? 1.0
               : static_cast<double>(consumed_ - stream_.avail_in) / static_cast<double>(size_);
  }

 private:
  // A gzip member's fixed header; an error within it, after a member, is bytes that are no member.
  static constexpr uLong kGzipHeaderBytes = 10;

  std::FILE* file_;
  std::string path_;
  uint64_t size_;
  std::string in_buffer_;
  z_stream stream_{};
  bool initialized_ = false;
  uint64_t consumed_ = 0;
  bool file_ended_ = false;
  // A member has begun and not yet reached its end.
  bool member_open_ = false;
  // Where the member being read begins in the file.
  uint64_t member_start_ = 0;
};

class ZstdInput : public CompressedInput {
 public:
  ZstdInput(std::FILE* file, std::string path, uint64_t size)
      : file_(file),
        path_(std::move(path)),
        size_(size),
        stream_(ZSTD_createDStream()),
        in_buffer_(kChunk, '\0') {}
  ~ZstdInput() override {
    ZSTD_freeDStream(stream_);
    std::fclose(file_);
  }
  Result<size_t> Read(std::string& out, size_t max) override {
    out.resize(max);
    ZSTD_outBuffer output{out.data(), max, 0};
    while (output.pos == 0) {
      if (in_.pos == in_.size && !file_ended_) {
        const size_t n = std::fread(in_buffer_.data(), 1, in_buffer_.size(), file_);
        consumed_ += n;
        if (n == 0) {
          if (std::ferror(file_)) return Err(Status::IoError(path_ + ": zstd: reading failed"));
          file_ended_ = true;
        }
        in_ = {in_buffer_.data(), n, 0};
      }
      // Called once more after the end of the file: the decoder may still hold decoded bytes.
      const size_t in_before = in_.pos;
      const size_t rc = ZSTD_decompressStream(stream_, &output, &in_);
      if (ZSTD_isError(rc))
        return Err(Status::Corruption(path_ + ": zstd: " + ZSTD_getErrorName(rc)));
      if (in_.pos != in_before || output.pos != 0) frame_complete_ = rc == 0;
      if (file_ended_ && output.pos == 0) {
        if (!frame_complete_) {
          return Err(
              Status::Corruption(path_ + ": zstd: the file ends inside a frame (truncated)"));
        }
        break;
      }
    }
    out.resize(output.pos);
    return out.size();
  }
  double Fraction() const override {
    return size_ == 0 ? 1.0 : static_cast<double>(consumed_) / static_cast<double>(size_);
  }

 private:
  std::FILE* file_;
  std::string path_;
  uint64_t size_;
  ZSTD_DStream* stream_;
  std::string in_buffer_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  uint64_t consumed_ = 0;
  bool file_ended_ = false;
  // No frame is open: every frame begun has been decoded to its end (true for an empty file).
  bool frame_complete_ = true;
};

}  // namespace

Result<std::unique_ptr<CompressedInput>> CompressedInput::Open(const std::string& path) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Err(Status::IoError("cannot open " + path + ": " + ec.message()));
  if (std::filesystem::path(path).extension() == ".zst") {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return Err(Status::IoError("cannot open " + path));
    return std::unique_ptr<CompressedInput>(new ZstdInput(file, path, size));
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Err(Status::IoError("cannot open " + path));
  // gzip by its magic bytes, whatever the name: as gzread did, a ".gz" that is plain is read plain.
  unsigned char magic[2] = {};
  const size_t n = std::fread(magic, 1, sizeof magic, file);
  std::rewind(file);
  if (n == sizeof magic && magic[0] == 0x1F && magic[1] == 0x8B) {
    return std::unique_ptr<CompressedInput>(new GzipInput(file, path, size));
  }
  return std::unique_ptr<CompressedInput>(new PlainInput(file, path, size));
}

Result<std::optional<std::string>> CompressedInput::ReadLine(size_t max_bytes) {
  std::string line;
  std::string chunk;
  bool any = false;
  const auto keep = [&](size_t from, size_t count) {
    line.append(pending_, from,
                std::min(count, max_bytes + 1 - std::min(line.size(), max_bytes + 1)));
  };
  while (true) {
    const size_t newline = pending_.find('\n', pending_pos_);
    if (newline != std::string::npos) {
      keep(pending_pos_, newline - pending_pos_);
      pending_pos_ = newline + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    any = any || pending_pos_ < pending_.size();
    keep(pending_pos_, pending_.size() - pending_pos_);
    pending_.clear();
    pending_pos_ = 0;
    if (eof_) break;
    auto n = Read(pending_, kChunk);
    if (!n) return Err(n.error());
    if (*n == 0) eof_ = true;
  }
  if (!any) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace headwire::producers
