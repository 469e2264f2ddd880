#include "core/exact_dedup.h"

#include <gtest/gtest.h>

#include "core/canonical_url.h"
#include "tests/core/event_times.h"

namespace headwire::core {
namespace {

using testing::kHour;
using testing::kT0;

Article Make(std::string id, std::string title, std::string url, int64_t t, std::string body = "") {
  Article a;
  a.id = std::move(id);
  a.title = std::move(title);
  a.url = std::move(url);
  a.published_at_ms = t;
  a.body = std::move(body);
  return a;
}

Fingerprints Print(const Article& a) {
  Fingerprints f;
  if (auto canonical = CanonicalizeUrl(a.url)) f.url_hash = UrlHash(*canonical);
  f.content_hash = ContentHash(a.title, a.body);
  return f;
}

class ExactDedupTest : public ::testing::Test {
 protected:
  DedupVerdict Check(const Article& a, int64_t watermark = kNoWatermark) {
    return dedup_.Check(a, Print(a), watermark);
  }

  InMemoryDedupIndex index_;
  ExactDeduplicator dedup_{ExactDedupOptions{}, index_};
};

TEST_F(ExactDedupTest, FirstArticleIsUniqueAndStartsItsStory) {
  auto v = Check(Make("a", "Fed holds rates steady", "https://x.example/fed", kT0));
  EXPECT_EQ(v.kind, DuplicateKind::kUnique);
  EXPECT_EQ(v.duplicate_of, "");
  EXPECT_EQ(v.story_id, "a");
}

TEST_F(ExactDedupTest, SameIdResentIsDuplicateOfItself) {
  Check(Make("a", "Fed holds rates steady", "", kT0));
  auto v = Check(Make("a", "Fed holds rates steady", "", kT0));
  EXPECT_EQ(v.kind, DuplicateKind::kSameId);
  EXPECT_EQ(v.duplicate_of, "a");
}

TEST_F(ExactDedupTest, SameCanonicalUrlIsDuplicateEvenWithNewTitle) {
  Check(Make("a", "Rocket Lab launches Electron", "https://www.x.example/rl/", kT0));
  auto v = Check(Make("b", "Rocket Lab launches Electron from New Zealand",
                      "http://x.example/rl?utm_source=feed", kT0 + 2 * kHour));
  EXPECT_EQ(v.kind, DuplicateKind::kSameUrl);
  EXPECT_EQ(v.duplicate_of, "a");
  EXPECT_EQ(v.story_id, "a");
}

TEST_F(ExactDedupTest, SameNormalisedContentWithinWindowIsDuplicate) {
  Check(Make("a", "Nvidia unveils new AI chip", "https://one.example/1", kT0, "Body text."));
  auto v = Check(
      Make("b", "NVIDIA Unveils New  AI Chip", "https://two.example/2", kT0 + kHour, "body text"));
  EXPECT_EQ(v.kind, DuplicateKind::kSameContent);
  EXPECT_EQ(v.duplicate_of, "a");
}

TEST_F(ExactDedupTest, SameHeadlineOnAnotherDayIsNotMerged) {
  Check(Make("a", "SpaceX launches 24 Starlink satellites", "", kT0));
  auto v = Check(Make("b", "SpaceX launches 24 Starlink satellites", "", kT0 + 48 * kHour));
  EXPECT_EQ(v.kind, DuplicateKind::kUnique);
  EXPECT_EQ(v.story_id, "b");
  // A third copy within hours of the second belongs to the second event, not the first.
  auto w = Check(Make("c", "SpaceX launches 24 Starlink satellites", "", kT0 + 49 * kHour));
  EXPECT_EQ(w.kind, DuplicateKind::kSameContent);
  EXPECT_EQ(w.duplicate_of, "b");
}

TEST_F(ExactDedupTest, DifferentNumbersAreDifferentContent) {
  Check(Make("a", "Quake of magnitude 6.1 hits coast", "", kT0));
  auto v = Check(Make("b", "Quake of magnitude 6.4 hits coast", "", kT0));
  EXPECT_EQ(v.kind, DuplicateKind::kUnique);
}

TEST_F(ExactDedupTest, TitlesThatDifferAfterALessThanSignAndADigitAreDifferentContent) {
  const Article first = Make(
      "a", "Inflation <3% for the first time since 2021 while jobless rate stays >5%", "", kT0);
  const Article second = Make("b", "Inflation <3% in Spain as unemployment hits >5%", "", kT0);
  EXPECT_NE(Print(first).content_hash, Print(second).content_hash);
  Check(first);
  EXPECT_EQ(Check(second).kind, DuplicateKind::kUnique);
}

// Markup, punctuation and emoji normalise to nothing: such records share no content, only
// the absence of it.
TEST_F(ExactDedupTest, RecordsWithNoLettersOrDigitsAreNotContentDuplicates) {
  EXPECT_EQ(Check(Make("a", "<b></b>", "", kT0)).kind, DuplicateKind::kUnique);
  EXPECT_EQ(Check(Make("b", "...", "", kT0)).kind, DuplicateKind::kUnique);
  EXPECT_EQ(Check(Make("c", "\U0001F680\U0001F680\U0001F680", "", kT0, "!!")).kind,
            DuplicateKind::kUnique);
  EXPECT_EQ(Check(Make("d", "\U0001F389 \U0001F389", "", kT0)).kind, DuplicateKind::kUnique);
}

TEST_F(ExactDedupTest, RecordsWithNoLettersOrDigitsAreStillUrlDuplicates) {
  Check(Make("a", "...", "https://x.example/a", kT0));
  auto v = Check(Make("b", "<b></b>", "https://x.example/a/", kT0));
  EXPECT_EQ(v.kind, DuplicateKind::kSameUrl);
  EXPECT_EQ(v.duplicate_of, "a");
}

TEST_F(ExactDedupTest, EmptyNormalisedTitleAndBodyHaveNoContentHash) {
  EXPECT_EQ(ContentHash("<b></b>", "..."), 0u);
  EXPECT_NE(ContentHash("...", "Body text"), 0u);
}

TEST_F(ExactDedupTest, ResendOfADuplicatePointsAtTheOriginal) {
  Check(Make("a", "Title", "https://x.example/a", kT0));
  Check(Make("b", "Other title", "https://x.example/a/", kT0));
  auto v = Check(Make("b", "Other title", "https://x.example/a/", kT0));
  EXPECT_EQ(v.kind, DuplicateKind::kSameId);
  EXPECT_EQ(v.duplicate_of, "a");
}

TEST_F(ExactDedupTest, ReRememberingACopyWidensTheEntryInsteadOfMovingIt) {
  const Article original = Make("a", "Same words", "", kT0);
  const Article earlier_copy = Make("b", "Same words", "", kT0 - 13 * kHour);
  Check(original);
  // 13 hours away: not a content duplicate. What the pipeline does when the near-duplicate stage
  // finds it a copy of "a": its keys point at the original, at its own time.
  ASSERT_EQ(Check(earlier_copy).kind, DuplicateKind::kUnique);
  dedup_.Remember(earlier_copy, Print(earlier_copy), {"a", "a", earlier_copy.published_at_ms});
  // 30 minutes after the original, 13.5 hours after the copy: the original's time still counts.
  EXPECT_EQ(Check(Make("c", "same words", "", kT0 + kHour / 2)).kind, DuplicateKind::kSameContent);
  // 11 hours before the copy, 24 hours before the original: the copy's time counts too.
  const auto before_both = Check(Make("d", "same words", "", kT0 - 24 * kHour));
  EXPECT_EQ(before_both.kind, DuplicateKind::kSameContent);
  EXPECT_EQ(before_both.duplicate_of, "a");
}

TEST_F(ExactDedupTest, ANewOriginalReplacesAnEntryOutsideTheWindowRatherThanWidensIt) {
  Check(Make("a", "Fed holds rates steady", "", kT0));
  Check(Make("a2", "Fed holds rates steady", "", kT0 + 48 * kHour));
  // 13 hours from the second, 35 from the first: neither counts as a copy within 12 hours.
  EXPECT_EQ(Check(Make("c", "Fed holds rates steady", "", kT0 + 35 * kHour)).kind,
            DuplicateKind::kUnique);
}

// An id back after the URL window is a new original; the pipeline re-remembers it with the story
// it joined, as itself. That must not stretch the old entry over the days in between.
TEST_F(ExactDedupTest, AnIdBackAfterTheUrlWindowThatJoinsAStoryReplacesItsEntriesRatherThanWidens) {
  Check(Make("x", "Norway keeps key rate on hold", "", kT0));
  Check(Make("y", "Norway central bank holds again", "", kT0 + 8 * 24 * kHour - kHour));
  const Article x_again = Make("x", "Norway keeps key rate on hold", "", kT0 + 8 * 24 * kHour);
  ASSERT_EQ(Check(x_again).kind, DuplicateKind::kUnique);
  dedup_.Remember(x_again, Print(x_again), {"x", "y", x_again.published_at_ms});
  // 4 days from either x: outside the 12-hour content window of both.
  EXPECT_EQ(Check(Make("z", "Norway keeps key rate on hold", "", kT0 + 4 * 24 * kHour)).kind,
            DuplicateKind::kUnique);
}

TEST_F(ExactDedupTest, UrlWindowIsConfigurable) {
  InMemoryDedupIndex index;
  ExactDedupOptions options;
  options.url_window_ms = kHour;
  ExactDeduplicator dedup(options, index);
  const Article a = Make("a", "One", "https://x.example/live", kT0);
  const Article b = Make("b", "Two", "https://x.example/live", kT0 + 2 * kHour);
  dedup.Check(a, Print(a), kNoWatermark);
  EXPECT_EQ(dedup.Check(b, Print(b), kNoWatermark).kind, DuplicateKind::kUnique);
}

TEST_F(ExactDedupTest, SameOrderGivesSameVerdicts) {
  std::vector<Article> stream = {Make("a", "X", "https://x.example/1", kT0),
                                 Make("b", "Y", "https://x.example/1", kT0),
                                 Make("c", "x", "", kT0 + kHour), Make("a", "X", "", kT0)};
  auto run = [&]() {
    InMemoryDedupIndex index;
    ExactDeduplicator dedup(ExactDedupOptions{}, index);
    std::vector<std::string> out;
    for (const auto& a : stream) {
      auto v = dedup.Check(a, Print(a), kNoWatermark);
      out.push_back(std::string(DuplicateKindName(v.kind)) + ":" + v.duplicate_of);
    }
    return out;
  };
  const auto first = run();
  EXPECT_EQ(first, run());
  EXPECT_EQ(first,
            (std::vector<std::string>{"unique:", "same_url:a", "same_content:a", "same_id:a"}));
}

TEST_F(ExactDedupTest, EntriesFarBehindTheWatermarkAreForgotten) {
  // Defaults: a URL matches for 7 days, an entry is forgotten 10 days behind the watermark. A
  // resend 5 days later matches while the watermark is near it...
  const Article original = Make("a", "Title", "https://x.example/story", kT0);
  const Article resend = Make("a", "Title", "https://x.example/story", kT0 + 5 * 24 * kHour);
  dedup_.Check(original, Print(original), kT0);
  EXPECT_EQ(dedup_.Check(resend, Print(resend), kT0 + 5 * 24 * kHour).kind, DuplicateKind::kSameId);
  // ... but not once the stream has moved on more than 10 days past the original, although the
  // index still holds it: a store that drops it in the background decides the same.
  const Article late = Make("a", "Title", "https://x.example/story", kT0 + 6 * 24 * kHour);
  EXPECT_EQ(dedup_.Check(late, Print(late), kT0 + 10 * 24 * kHour + 1).kind,
            DuplicateKind::kUnique);
  EXPECT_TRUE(index_.Find("ia").has_value());
}

TEST_F(ExactDedupTest, InMemoryIndexStaysBoundedOnALongStream) {
  // One article an hour for 60 days, each with its own id, URL and content (3 entries): the index
  // holds at most the last 10 days (+ a tenth, between clean-ups) of them, not all 1,440.
  for (int hour = 0; hour < 60 * 24; ++hour) {
    const std::string n = std::to_string(hour);
    const int64_t t = kT0 + hour * kHour;
    EXPECT_EQ(Check(Make("a" + n, "Title " + n, "https://x.example/" + n, t), t).kind,
              DuplicateKind::kUnique);
  }
  EXPECT_LE(index_.size(), 3u * 11 * 24 + 3);
  EXPECT_GE(index_.size(), 3u * 10 * 24);
}

TEST_F(ExactDedupTest, ForgetAfterIsConfigurable) {
  InMemoryDedupIndex index;
  ExactDedupOptions options;
  options.forget_after_ms = 2 * kHour;
  ExactDeduplicator dedup(options, index);
  const Article a = Make("a", "One", "https://x.example/live", kT0);
  const Article b = Make("b", "Two", "https://x.example/live", kT0 + kHour);
  dedup.Check(a, Print(a), kT0);
  EXPECT_EQ(dedup.Check(b, Print(b), kT0 + 2 * kHour).kind, DuplicateKind::kSameUrl);
  const Article c = Make("c", "Three", "https://x.example/live", kT0 + kHour);
  EXPECT_EQ(dedup.Check(c, Print(c), kT0 + 3 * kHour).kind, DuplicateKind::kUnique);
}

TEST(ExactDedupKeys, AreToldApartFromOtherOwnersKeys) {
  InMemoryDedupIndex index;
  ExactDeduplicator dedup(ExactDedupOptions{}, index);
  const Article a = Make("a1", "Title", "https://x.example/1", kT0);
  dedup.Check(a, Print(a), kNoWatermark);
  EXPECT_EQ(index.size(), 3u);
  EXPECT_TRUE(IsExactDedupKey("ia1"));
  EXPECT_TRUE(IsExactDedupKey(std::string("u\0\0\0\0\0\0\0\1", 9)));
  EXPECT_FALSE(IsExactDedupKey("A\0\0\0\0\0\0\0\1"));
  EXPECT_FALSE(IsExactDedupKey("M"));
  EXPECT_FALSE(IsExactDedupKey("Sstory"));
  EXPECT_FALSE(IsExactDedupKey(""));
}

}  // namespace
}  // namespace headwire::core
