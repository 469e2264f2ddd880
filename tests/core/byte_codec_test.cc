#include "core/byte_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace headwire::core {
namespace {

// What is written is read back, field by field, whatever the machine: the model file and the
// story window's state records depend on it.
TEST(ByteCodecTest, EveryFieldReadsBackAsWritten) {
  ByteWriter w;
  w.U8(0xAB);
  w.U16(0xBEEF);
  w.U32(0xDEADBEEF);
  w.U64(0x0123456789ABCDEFULL);
  w.I64(-42);
  w.F32(-1.5f);
  w.Varint(0);
  w.Varint(300);
  w.Varint(std::numeric_limits<uint64_t>::max());
  w.String32("model");
  w.VarintString("story");
  w.VarintU64s({1, std::numeric_limits<uint64_t>::max()});
  w.Raw("HWTM");
  ByteReader r(w.bytes());
  EXPECT_EQ(r.U8(), 0xAB);
  EXPECT_EQ(r.U16(), 0xBEEF);
  EXPECT_EQ(r.U32(), 0xDEADBEEFu);
  EXPECT_EQ(r.U64(), 0x0123456789ABCDEFULL);
  EXPECT_EQ(r.I64(), -42);
  EXPECT_EQ(r.F32(), -1.5f);
  EXPECT_EQ(r.Varint(), 0u);
  EXPECT_EQ(r.Varint(), 300u);
  EXPECT_EQ(r.Varint(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(r.String32(16), "model");
  EXPECT_EQ(r.VarintString(), "story");
  EXPECT_EQ(r.VarintU64s(), (std::vector<uint64_t>{1, std::numeric_limits<uint64_t>::max()}));
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.AtEnd());
  EXPECT_EQ(r.U32(), 0x4D545748u);  // "HWTM", low byte first
  EXPECT_TRUE(r.AtEnd());
}

// The formats' bytes are fixed: integers low byte first, varints seven bits a byte low first,
// lengths before their strings. A change here would make every saved model and state unreadable.
TEST(ByteCodecTest, TheBytesAreLittleEndianAndLeb128) {
  ByteWriter w;
  w.U32(0x01020304);
  w.Varint(300);
  w.String32("ab");
  w.VarintString("c");
  EXPECT_EQ(w.bytes(), std::string("\x04\x03\x02\x01"
                                   "\xAC\x02"
                                   "\x02\x00\x00\x00"
                                   "ab"
                                   "\x01"
                                   "c",
                                   14));
}

// A reader never reads past its input, and once a read fails every later one fails too and
// gives nothing, so that a parser may check once after a group of fields.
TEST(ByteCodecTest, AFailedReadIsStickyAndReadsNothingMore) {
  ByteWriter w;
  w.U16(7);
  ByteReader r(w.bytes());
  EXPECT_EQ(r.U32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.U8(), 0u);
  EXPECT_EQ(r.VarintString(), "");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.AtEnd());
}

// Damage must not turn into absurd allocations or values: a string longer than its bound, a
// count of more values than the input holds, a varint that never ends and a float that is not
// a number all fail the reader.
TEST(ByteCodecTest, DamagedLengthsCountsVarintsAndFloatsFail) {
  {
    ByteWriter w;
    w.String32("a longer name");
    ByteReader r(w.bytes());
    EXPECT_EQ(r.String32(4), "");
    EXPECT_FALSE(r.ok());
  }
  {
    ByteWriter w;
    w.Varint(1000);  // a thousand values promised, none there
    ByteReader r(w.bytes());
    EXPECT_TRUE(r.VarintU64s().empty());
    EXPECT_FALSE(r.ok());
  }
  {
    const std::string endless(11, '\xFF');
    ByteReader r(endless);
    r.Varint();
    EXPECT_FALSE(r.ok());
  }
  {
    ByteWriter w;
    w.VarintString("ab");
    const std::string cut = w.bytes().substr(0, 2);  // the string cut short
    ByteReader r(cut);
    EXPECT_EQ(r.VarintString(), "");
    EXPECT_FALSE(r.ok());
  }
  for (const float bad :
       {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    ByteWriter w;
    w.F32(bad);
    ByteReader r(w.bytes());
    r.F32();
    EXPECT_FALSE(r.ok());
  }
}

}  // namespace
}  // namespace headwire::core
