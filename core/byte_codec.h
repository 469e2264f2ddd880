#pragma once
// ByteWriter and ByteReader: the little-endian binary codec of the core's own formats (the topic
// model file, core/linear_model.h; the story window's state records, core/recent_articles.h), so
// that each reads the same on every machine. Fixed-width integers go low byte first, floats by
// their bits, varints as LEB128 (7 bits a byte, low first), and strings with their length before
// them, as a fixed 32-bit count or as a varint, whichever the format chose.
//
// The reader never reads past its input, and its failure is sticky: a read that runs out of input
// or finds a value out of bounds makes ok() false, and every read after it returns 0 or empty.
// A parser reads a group of fields and checks ok() once, and before it allocates for a count it
// read. The reader reads its input in place: the bytes must outlive it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::core {

class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Fixed(v, 2); }
  void U32(uint32_t v) { Fixed(v, 4); }
  void U64(uint64_t v) { Fixed(v, 8); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F32(float v);
  void Varint(uint64_t v);
  // The bytes as they are, without their length (a magic number).
  void Raw(std::string_view bytes) { out_.append(bytes); }
  // A U32 length, then the bytes.
  void String32(std::string_view s);
  // A varint length, then the bytes.
  void VarintString(std::string_view s);
  // A varint count, then each value as a U64.
  void VarintU64s(const std::vector<uint64_t>& values);

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Fixed(uint64_t v, int width);

  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  // Every read so far found what it asked for.
  bool ok() const { return ok_; }
  // Every read so far succeeded and the input is used up.
  bool AtEnd() const { return ok_ && in_.empty(); }

  uint8_t U8() { return static_cast<uint8_t>(Fixed(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Fixed(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Fixed(4)); }
  uint64_t U64() { return Fixed(8); }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  // Fails on NaN and the infinities: none of our formats writes one, so they mean damage.
  float F32();
  // At most ten bytes, the most a 64-bit value takes.
  uint64_t Varint();
  // Fails when the length is above `max_bytes`.
  std::string String32(uint32_t max_bytes);
  std::string VarintString();
  // Fails when the count asks for more values than the input has left.
  std::vector<uint64_t> VarintU64s();

 private:
  uint64_t Fixed(int width);
  std::string Take(uint64_t n);
  uint64_t Fail();

  std::string_view in_;
  bool ok_ = true;
};

}  // namespace headwire::core
