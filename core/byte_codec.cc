#include "core/byte_codec.h"

#include <bit>
#include <cmath>

namespace headwire::core {

void ByteWriter::Fixed(uint64_t v, int width) {
  for (int i = 0; i < width; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
}

void ByteWriter::F32(float v) { U32(std::bit_cast<uint32_t>(v)); }

void ByteWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    U8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  U8(static_cast<uint8_t>(v));
}

void ByteWriter::String32(std::string_view s) {
  U32(static_cast<uint32_t>(s.size()));
  Raw(s);
}

void ByteWriter::VarintString(std::string_view s) {
  Varint(s.size());
  Raw(s);
}

void ByteWriter::VarintU64s(const std::vector<uint64_t>& values) {
  Varint(values.size());
  for (uint64_t v : values) U64(v);
}

uint64_t ByteReader::Fail() {
  ok_ = false;
  in_ = {};
  return 0;
}

uint64_t ByteReader::Fixed(int width) {
  if (in_.size() < static_cast<size_t>(width)) return Fail();
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= uint64_t{static_cast<uint8_t>(in_[i])} << (8 * i);
  in_.remove_prefix(static_cast<size_t>(width));
  return v;
}

float ByteReader::F32() {
  const float v = std::bit_cast<float>(U32());
  if (!std::isfinite(v)) return static_cast<float>(Fail());
  return v;
}

uint64_t ByteReader::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in_.empty()) return Fail();
    const auto byte = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    v |= uint64_t{static_cast<uint8_t>(byte & 0x7F)} << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return Fail();
}

std::string ByteReader::Take(uint64_t n) {
  if (!ok_ || n > in_.size()) {
    Fail();
    return {};
  }
  std::string s(in_.substr(0, n));
  in_.remove_prefix(n);
  return s;
}

std::string ByteReader::String32(uint32_t max_bytes) {
  const uint32_t n = U32();
  if (n > max_bytes) {
    Fail();
    return {};
  }
  return Take(n);
}

std::string ByteReader::VarintString() { return Take(Varint()); }

std::vector<uint64_t> ByteReader::VarintU64s() {
  const uint64_t n = Varint();
  std::vector<uint64_t> values;
  if (!ok_ || n > in_.size() / 8) {
    Fail();
    return values;
  }
  values.reserve(n);
  for (uint64_t i = 0; i < n; ++i) values.push_back(U64());
  return values;
}

}  // namespace headwire::core
