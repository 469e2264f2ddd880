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

// Each run is on a thread of its own, so that both start from an empty cache of stems.
std::vector<std::string> StemsOnANewThread(const std::vector<std::string>& words, bool prefetch) {
  std::vector<std::string> stems;
  std::thread([&] {
    if (prefetch) {
      for (const std::string& word : words) PrefetchSnowballStem(word);
    }
    for (const std::string& word : words) stems.push_back(SnowballStem(word));
  }).join();
  return stems;
}

TEST(EnglishStemmerTest, APrefetchChangesNoStem) {
  const std::vector<std::string> words = {"",
                                          "a",
                                          "negotiations",
                                          "negotiations",
                                          std::string(30, 'e') + "s",
                                          "hiring",
                                          "companies",
                                          "caf\xC3\xA9s",
                                          std::string(32, 'e') + "s",
                                          std::string(200, 'x'),
                                          "launches",
                                          "hires",
                                          "extended"};
  const std::vector<std::string> plain = StemsOnANewThread(words, false);
  EXPECT_EQ(StemsOnANewThread(words, true), plain);
  EXPECT_EQ(plain[2], SnowballStem("negotiations"));
  EXPECT_EQ(plain[10], "launch");
}

}  // namespace
}  // namespace headwire::core
