#include "core/word_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace headwire::core {
namespace {

TEST(WordTableTest, FindsValuesAndMissesOthers) {
  const WordTable table = {{"centre", "center"}, {"bln", "billion"}, {"three", "3"}};
  EXPECT_EQ(table.size(), 3u);
  ASSERT_NE(table.Find("centre"), nullptr);
  EXPECT_EQ(*table.Find("centre"), "center");
  EXPECT_EQ(*table.Find("bln"), "billion");
  EXPECT_EQ(*table.Find("three"), "3");
  EXPECT_EQ(table.Find("center"), nullptr);
  EXPECT_EQ(table.Find("centr"), nullptr);    // a prefix of a key
  EXPECT_EQ(table.Find("centres"), nullptr);  // a key plus a letter
  EXPECT_EQ(table.Find(""), nullptr);
  EXPECT_EQ(table.Find("a-word-longer-than-every-key"), nullptr);
}

TEST(WordTableTest, FirstEntryOfARepeatedKeyWins) {
  const WordTable table = {{"poll", "election"}, {"vote", "election"}, {"poll", "survey"}};
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(*table.Find("poll"), "election");
}

TEST(WordTableTest, SetMapsKeysToThemselves) {
  const WordTable set(std::vector<std::string_view>{"the", "of", "a", "the"});
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.Contains("the"));
  EXPECT_TRUE(set.Contains("a"));
  EXPECT_EQ(*set.Find("of"), "of");
  EXPECT_FALSE(set.Contains("an"));
  EXPECT_FALSE(set.Contains("The"));  // bytes, not case-folded
  const WordTable empty(std::vector<std::string_view>{});
  EXPECT_FALSE(empty.Contains(""));
  EXPECT_FALSE(empty.Contains("the"));
}

TEST(WordTableTest, KeysOfEveryLengthAndUtf8AreFound) {
  // Lengths 1 to 20 cover each way the hash reads a word (short, 4-7 and 8+ bytes), and the
  // non-ASCII keys check that bytes above 0x7F hash like any other.
  std::vector<std::string> keys;
  for (size_t n = 1; n <= 20; ++n) {
    keys.push_back(std::string(n, 'x'));
    keys.push_back(std::string(n - 1, 'x') + "y");
  }
  keys.push_back("caf\xC3\xA9");
  keys.push_back("\xE6\x9D\xB1\xE4\xBA\xAC");
  std::vector<WordTable::Entry> entries;
  for (const std::string& key : keys) entries.emplace_back(key, "v");
  const WordTable table{std::span<const WordTable::Entry>(entries)};
  EXPECT_EQ(table.size(), keys.size());
  for (const std::string& key : keys) EXPECT_TRUE(table.Contains(key)) << key;
  EXPECT_FALSE(table.Contains("cafe"));
  EXPECT_FALSE(table.Contains(std::string(5, 'y')));
  EXPECT_FALSE(table.Contains(std::string(12, 'x') + "z"));
}

}  // namespace
}  // namespace headwire::core
