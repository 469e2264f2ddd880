#pragma once
// Reads a file as a byte stream whatever its compression: zstd (".zst", Debian's libzstd), gzip
// (a file that begins with gzip's magic bytes, zlib; members one after another read as one
// stream, other bytes after a member are Corruption) or plain. Line by line for JSON Lines, in
// chunks for the CSV parser. Not thread-safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"

namespace headwire::producers {

class CompressedInput {
 public:
  // Opens `path`; zstd by its extension, gzip by its first bytes. Returns IoError when it cannot
  // be read.
  static Result<std::unique_ptr<CompressedInput>> Open(const std::string& path);
  virtual ~CompressedInput() = default;

  // Up to `max` decompressed bytes into `out` (replacing it); empty at the end of the file.
  // Returns IoError or Corruption, naming the file, when it cannot be read or decompressed.
  virtual Result<size_t> Read(std::string& out, size_t max) = 0;

  // The next line without its end-of-line ("\n" or "\r\n"), nullopt at the end of the file. Of a
  // line longer than `max_bytes` only the first max_bytes + 1 bytes are kept (the caller reports
  // it as too large), so memory stays bounded whatever the file holds.
  Result<std::optional<std::string>> ReadLine(size_t max_bytes);

  // How much of the file (compressed bytes) has been consumed, 0 to 1.
  virtual double Fraction() const = 0;

 private:
  std::string pending_;
  size_t pending_pos_ = 0;
  bool eof_ = false;
};

}  // namespace headwire::producers
