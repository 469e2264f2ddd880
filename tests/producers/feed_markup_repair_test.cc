// The repairs made before libxml2 reads a feed (feed_markup_repair.h), read off the repaired
// text itself: what each rewrites, what is copied as written, and the guesses noted.

#include "producers/feed_markup_repair.h"

#include <gtest/gtest.h>

#include <string>

#include "producers/feed_parser.h"

namespace headwire::producers {
namespace {

std::string Repaired(std::string_view body) { return RepairMarkup(body, "").text; }

TEST(FeedMarkupRepairTest, BareAmpersandsStrayLessThansAndHtmlEntitiesBecomeXmlReferences) {
  EXPECT_EQ(Repaired("<a>Fish & Chips < 5 &amp; &nbsp;&#38;</a>"),
            "<a>Fish &amp; Chips &lt; 5 &amp; &#160;&#38;</a>");
}

TEST(FeedMarkupRepairTest, ControlCharactersForbiddenInXmlBecomeSpaces) {
  EXPECT_EQ(Repaired("<a>x\x01y\tz\x1F</a>"), "<a>x y\tz </a>");
}

TEST(FeedMarkupRepairTest, AnEndTagClosingNothingIsDroppedAndOneLeavingElementsOpenClosesThem) {
  EXPECT_EQ(Repaired("<p>one<b>two</p></i>three"), "<p>one<b>two</b></p>three");
}

TEST(FeedMarkupRepairTest, UnquotedAndValuelessAttributesGetQuotesAndTheTagKeepsItsLineBreaks) {
  EXPECT_EQ(Repaired("<guid isPermaLink=false\n hidden>g</guid>"),
            "<guid isPermaLink=\"false\" hidden=\"\"\n>g</guid>");
  EXPECT_EQ(Repaired("<a href=\"/x\" title='t'>y</a>"), "<a href=\"/x\" title='t'>y</a>");
}

TEST(FeedMarkupRepairTest, CdataIsCopiedAsWrittenAndAHyphenMakingDoubleHyphensInACommentIsASpace) {
  EXPECT_EQ(Repaired("<a><![CDATA[x & y < z]]><!-- a--b --></a>"),
            "<a><![CDATA[x & y < z]]><!-- a- b --></a>");
}

TEST(FeedMarkupRepairTest, AUtf16DocumentWithAByteOrderMarkIsLeftWhole) {
  const std::string body("\xFF\xFE<\0a\0>\0&\0", 10);
  EXPECT_EQ(Repaired(body), body);
}

TEST(FeedMarkupRepairTest, AnItemThatClosesItselfIsLeftOpenAndNoted) {
  const RepairedMarkup repaired =
      RepairMarkup("<rss><channel><item hidden/><title>t</title></channel></rss>", "");
  EXPECT_EQ(repaired.text,
            "<rss><channel><item hidden=\"\"><title>t</title></item></channel></rss>");
  EXPECT_EQ(repaired.guesses, 1u);
  ASSERT_EQ(repaired.guess_notes.size(), 1u);
  EXPECT_EQ(repaired.guess_notes[0],
            "line 1: <item hidden/>: not closed by its '/': an item, entry, channel or root holds "
            "the others");
}

TEST(FeedMarkupRepairTest, AGluedSlashOnAFileNameClosesTheTagAndIsNotedWithItsLine) {
  const RepairedMarkup repaired = RepairMarkup(
      "<rss>\n<channel>\n<enclosure url=http://example.com/logo.png/>\n</channel></rss>", "");
  EXPECT_EQ(repaired.text,
            "<rss>\n<channel>\n<enclosure url=\"http://example.com/logo.png\"/>\n</channel></rss>");
  EXPECT_EQ(repaired.guesses, 1u);
  ASSERT_EQ(repaired.guess_notes.size(), 1u);
  EXPECT_TRUE(
      repaired.guess_notes[0].starts_with("line 3: <enclosure url=http://example.com/logo.png/>: "
                                          "the '/' before '>' read as closing the "
                                          "tag, not as the URL's"))
      << repaired.guess_notes[0];
}

TEST(FeedMarkupRepairTest, EveryGuessIsCountedButAtMostKMaxGuessNotesAreNoted) {
  std::string body = "<rss><channel>";
  for (size_t i = 0; i < kMaxGuessNotes + 5; ++i) body += "<item hidden/></item>";
  body += "</channel></rss>";
  const RepairedMarkup repaired = RepairMarkup(body, "");
  EXPECT_EQ(repaired.guesses, kMaxGuessNotes + 5);
  EXPECT_EQ(repaired.guess_notes.size(), kMaxGuessNotes);
}

}  // namespace
}  // namespace headwire::producers
