#include "core/excerpt.h"

#include <gtest/gtest.h>

namespace headwire::core {
namespace {

TEST(ExcerptTest, EscapesBytesThatAreNotUtf8AndCutsAfterMaxChars) {
  EXPECT_EQ(Excerpt("say \"hi\"\n\tcaf\u00E9", 60), "say \\\"hi\\\"\\n\\tcaf\u00E9");
  // A lone byte, a surrogate (CESU-8) and a control byte.
  EXPECT_EQ(Excerpt("\xFF\xFE \xED\xA0\x80\x01", 60), "\\xff\\xfe \\xed\\xa0\\x80\\x01");
  EXPECT_EQ(Excerpt("\u4E2D\u4E2D\u4E2D", 2), "\u4E2D\u4E2D...");
  EXPECT_EQ(Excerpt("", 5), "");
}

}  // namespace
}  // namespace headwire::core
