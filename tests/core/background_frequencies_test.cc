// The background corpus of the story window: what counts as a headline, that a term counts once
// per headline, and reading it from a file.

#include "core/background_frequencies.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace headwire::core {
namespace {

uint64_t TermOf(std::string_view word) {
  const auto terms = ExtractHeadlineFeatures(word, {}).terms;
  EXPECT_EQ(terms.size(), 1u) << word;
  return terms.empty() ? 0 : terms.front().hash;
}

TEST(BackgroundFrequenciesTest, CommentsAndBlankLinesAreNotHeadlines) {
  const auto background = BackgroundFrequencies::FromHeadlines(
      "# a comment that mentions rates\n\nFed raises rates\r\n   \nRates: Fed holds rates\n");
  EXPECT_EQ(background.documents(), 2u);
  EXPECT_EQ(background.DocumentFrequency(TermOf("rates")), 2u);
  EXPECT_EQ(background.DocumentFrequency(TermOf("raises")), 1u);
}

TEST(BackgroundFrequenciesTest, ATermCountsOncePerHeadline) {
  const auto background =
      BackgroundFrequencies::FromHeadlines("Snow, snow and more snow\nSnow closes schools");
  EXPECT_EQ(background.documents(), 2u);
  EXPECT_EQ(background.DocumentFrequency(TermOf("snow")), 2u);
}

TEST(BackgroundFrequenciesTest, AnUnknownTermHasNoHeadlines) {
  const auto background = BackgroundFrequencies::FromHeadlines("Fed raises rates\n");
  EXPECT_EQ(background.DocumentFrequency(TermOf("volcano")), 0u);
  EXPECT_EQ(BackgroundFrequencies::FromHeadlines("").documents(), 0u);
}

TEST(BackgroundFrequenciesTest, AFileCountsAsItsTextAndAMissingOneIsAnError) {
  const std::string path = ::testing::TempDir() + "/hw-background-test.txt";
  std::ofstream(path) << "# corpus\nFed raises rates\nSnow closes schools\n";
  const auto background = BackgroundFrequencies::FromFile(path);
  ASSERT_TRUE(background.has_value()) << background.error().ToString();
  EXPECT_EQ(background->documents(), 2u);
  EXPECT_EQ(background->DocumentFrequency(TermOf("snow")), 1u);
  const auto missing = BackgroundFrequencies::FromFile(path + ".missing");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(), "cannot open " + path + ".missing");
}

// A wrong path must not be read until memory runs out: /dev/zero never ends.
TEST(BackgroundFrequenciesTest, AFileLargerThanTheBoundIsAnError) {
  const auto endless = BackgroundFrequencies::FromFile("/dev/zero");
  ASSERT_FALSE(endless.has_value());
  EXPECT_TRUE(endless.error().IsInvalidArgument()) << endless.error().ToString();
  EXPECT_EQ(endless.error().message(),
            "/dev/zero: larger than 64 MiB, too large for a headline corpus");
}

}  // namespace
}  // namespace headwire::core
