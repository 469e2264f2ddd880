// The background corpus of the story window: what counts as a headline, and that a term counts
// once per headline.

#include "core/background_frequencies.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace headwire::core
