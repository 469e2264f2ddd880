#include "core/bounded_read.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace headwire::core {
namespace {

TEST(BoundedReadTest, AStreamUpToTheBoundIsReadWholeAndOneByteMoreIsNot) {
  // Lengths around the bound and around the reader's chunk of 64 KiB.
  for (const size_t bound : {size_t{0}, size_t{10}, size_t{1} << 16, (size_t{1} << 16) + 3}) {
    for (const size_t length : {bound, bound + 1}) {
      std::istringstream in(std::string(length, 'x'));
      const std::optional<std::string> text = ReadAtMost(in, bound);
      if (length <= bound) {
        ASSERT_TRUE(text.has_value()) << bound << " " << length;
        EXPECT_EQ(*text, std::string(length, 'x'));
      } else {
        EXPECT_FALSE(text.has_value()) << bound << " " << length;
      }
    }
  }
}

TEST(BoundedReadTest, AnEndlessStreamIsReadOnlyPastTheBound) {
  // A stream that never ends, as /dev/zero: the read stops a chunk past the bound.
  struct Zeros : std::streambuf {
    int_type underflow() override {
      static char zeros[4096] = {};
      setg(zeros, zeros, zeros + sizeof zeros);
      served += sizeof zeros;
      return 0;
    }
    size_t served = 0;
  } zeros;
  std::istream in(&zeros);
  EXPECT_FALSE(ReadAtMost(in, 100'000).has_value());
  EXPECT_LE(zeros.served, 100'000u + (1u << 16) + 4096u);
}

}  // namespace
}  // namespace headwire::core
