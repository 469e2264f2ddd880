#include "core/english_stemmer.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace headwire::core {
namespace {

TEST(EnglishStemmerTest, InflectionsShareOneStem) {
  EXPECT_EQ(SnowballStem("hiring"), SnowballStem("hires"));
  EXPECT_EQ(SnowballStem("hired"), SnowballStem("hire"));
  EXPECT_EQ(SnowballStem("companies"), SnowballStem("company"));
  EXPECT_EQ(SnowballStem("extended"), "extend");
  EXPECT_NE(SnowballStem("hiring"), "hir");
}

TEST(EnglishStemmerTest, IntoReplacesTheCallersString) {
  std::string out = "left over";
  SnowballStemInto("launches", out);
  EXPECT_EQ(out, "launch");
  SnowballStemInto("", out);
  EXPECT_EQ(out, "");
}

TEST(EnglishStemmerTest, EachThreadStemsAlike) {
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] {
      for (int k = 0; k < 1000; ++k) results[i] = SnowballStem("negotiations");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, SnowballStem("negotiations"));
}

}  // namespace
}  // namespace headwire::core
