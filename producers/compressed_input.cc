#include "producers/compressed_input.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>

namespace headwire::producers {
namespace {

constexpr size_t kChunk = 1 << 16;

// gzip and plain files: zlib's gz reader passes plain files through unchanged.
class ZlibInput : public CompressedInput {
 public:
  ZlibInput(gzFile file, uint64_t size) : file_(file), size_(size) {}
  ~ZlibInput() override { gzclose(file_); }
  Result<size_t> Read(std::string& out, size_t max) override {
    out.resize(max);
    const int n = gzread(file_, out.data(), static_cast<unsigned>(max));
    if (n < 0) {
      int err = 0;
      return Err(Status::Corruption(std::string("gzip: ") + gzerror(file_, &err)));
    }
    if (n == 0) {
      // zlib ends a gzip member cut short like a whole one, and says so only here.
      int err = Z_OK;
      gzerror(file_, &err);
      if (err == Z_BUF_ERROR) {
        return Err(
            Status::Corruption("gzip: the file ends inside a compressed stream (truncated)"));
      }
    }
    out.resize(static_cast<size_t>(n));
    return out.size();
  }
  double Fraction() const override {
    return size_ == 0 ? 1.0 : static_cast<double>(gzoffset(file_)) / static_cast<double>(size_);
  }

 private:
  gzFile file_;
  uint64_t size_;
};

class ZstdInput : public CompressedInput {
 public:
  ZstdInput(std::FILE* file, uint64_t size)
      : file_(file), size_(size), stream_(ZSTD_createDStream()), in_buffer_(kChunk, '\0') {}
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
          if (std::ferror(file_)) return Err(Status::IoError("zstd: reading the file failed"));
          file_ended_ = true;
        }
        in_ = {in_buffer_.data(), n, 0};
      }
      // Called once more after the end of the file: the decoder may still hold decoded bytes.
      const size_t in_before = in_.pos;
      const size_t rc = ZSTD_decompressStream(stream_, &output, &in_);
      if (ZSTD_isError(rc))
        return Err(Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(rc)));
      if (in_.pos != in_before || output.pos != 0) frame_complete_ = rc == 0;
      if (file_ended_ && output.pos == 0) {
        if (!frame_complete_) {
          return Err(Status::Corruption("zstd: the file ends inside a frame (truncated)"));
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
    return std::unique_ptr<CompressedInput>(new ZstdInput(file, size));
  }
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Err(Status::IoError("cannot open " + path));
  gzbuffer(file, kChunk);
  return std::unique_ptr<CompressedInput>(new ZlibInput(file, size));
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
