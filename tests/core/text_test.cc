#include "core/text.h"

#include <gtest/gtest.h>

namespace headwire::core {
namespace {

TEST(TextTest, NormalizeFoldsCaseEntitiesAndPunctuation) {
  EXPECT_EQ(NormalizeForMatching("UPDATE 1-Musk&#39;s SpaceX  Launches A.I. Satellite"),
            "update 1 musk spacex launches ai satellite");
}

TEST(TextTest, NormalizeJoinsInitialismsButNotAbbreviations) {
  EXPECT_EQ(NormalizeForMatching("U.S. and E.U. talks"), "us and eu talks");
  EXPECT_EQ(NormalizeForMatching("Mr. Smith goes"), "mr smith goes");
}

TEST(TextTest, NormalizeKeepsDecimalPointsAndDropsThousandsSeparators) {
  EXPECT_EQ(NormalizeForMatching("Magnitude 6.1 quake; 1,000 homes"),
            "magnitude 6.1 quake 1000 homes");
}

TEST(TextTest, NormalizeFoldsTypographicQuotesAndAccents) {
  EXPECT_EQ(NormalizeForMatching("Colombia\u2019s \u201CCaf\u00E9\u201D Pl\u00FCs \u2014 Talks"),
            "colombia cafe plus talks");
}

TEST(TextTest, NormalizeHandlesLostAmpersandRemnants) {
  EXPECT_EQ(NormalizeForMatching("Company#39;s quot;best quot; year"), "company best year");
  EXPECT_EQ(NormalizeForMatching("It #39;s here"), "it here");
}

TEST(TextTest, NormalizeStripsHtmlTags) {
  EXPECT_EQ(NormalizeForMatching("<p>Rocket <b>lifts</b> off</p>"), "rocket lifts off");
  EXPECT_EQ(NormalizeForMatching("a < b"), "a b");
}

TEST(TextTest, NormalizeOfEmptyAndPunctuationOnlyIsEmpty) {
  EXPECT_EQ(NormalizeForMatching(""), "");
  EXPECT_EQ(NormalizeForMatching(" -- ... !! "), "");
}

TEST(TextTest, NormalizeRepairsInvalidUtf8InsteadOfFailing) {
  const std::string bad = "caf\xC3 ok \xFF";
  EXPECT_FALSE(IsValidUtf8(bad));
  EXPECT_EQ(NormalizeForMatching(bad), "caf ok");
}

TEST(TextTest, ValidUtf8Detection) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\u00E9\u4E2D\U0001F680"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
}

TEST(TextTest, DecodeEntitiesKeepsUnknownReferences) {
  EXPECT_EQ(DecodeHtmlEntities("AT&amp;T &lt;b&gt; &#x2019; &bogus; & more"),
            "AT&T <b> \u2019 &bogus; & more");
  EXPECT_EQ(DecodeHtmlEntities("&#0; &#1114112;"), "&#0; &#1114112;");
}

TEST(TextTest, DecodeEntitiesKnowsEveryNamedHtml5Reference) {
  EXPECT_EQ(DecodeHtmlEntities("&frac12; cup, 5&deg;C, &Eacute;lys&eacute;e, &hearts;"),
            "\u00BD cup, 5\u00B0C, \u00C9lys\u00E9e, \u2665");
  // The longest name, a name that is two code points, and names that differ only by case.
  EXPECT_EQ(DecodeHtmlEntities("&CounterClockwiseContourIntegral; &NotEqualTilde; &AMP;&amp;"),
            "\u2233 \u2242\u0338 &&");
  EXPECT_EQ(DecodeHtmlEntities("&Frac12; &frac12"), "&Frac12; &frac12");  // unknown, no ';'
}

TEST(TextTest, TokenizeSplitsAtSpaces) {
  const auto tokens = Tokenize("spacex launches 24 starlink");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0], "spacex");
  EXPECT_EQ(tokens[3], "starlink");
  EXPECT_TRUE(Tokenize("").empty());
}

TEST(TextTest, MarkupToPlainTextDropsTagsAndDecodesReferences) {
  EXPECT_EQ(MarkupToPlainText("Mayor <b>Jane&nbsp;Doe</b> resigns"), "Mayor Jane Doe resigns");
  EXPECT_EQ(MarkupToPlainText("Mayor <img src=x onerror=alert(1)> resigns"), "Mayor resigns");
  // An escaped tag is text once decoded, as NormalizeForMatching reads it; "a < b" is no tag.
  EXPECT_EQ(MarkupToPlainText("Use &lt;b&gt; for bold"), "Use <b> for bold");
  EXPECT_EQ(MarkupToPlainText("Rates < 5%"), "Rates < 5%");
}

// As in HTML, a tag opens with '<' and a letter, '/' or '!'; "<3%" is a number.
TEST(TextTest, ALessThanSignBeforeADigitIsTextNotATag) {
  EXPECT_EQ(
      StripHtmlTags("Inflation <3% for the first time since 2021 while jobless rate stays >5%"),
      "Inflation <3% for the first time since 2021 while jobless rate stays >5%");
  EXPECT_EQ(NormalizeForMatching("Inflation <3% in Spain as unemployment hits >5%"),
            "inflation 3 in spain as unemployment hits 5");
  EXPECT_EQ(StripHtmlTags("a<b>c</b>d<!-- note -->e<!DOCTYPE html>f"), "a c d e f");
}

TEST(TextTest, CollapseWhitespaceKeepsCaseAndPunctuation) {
  EXPECT_EQ(CollapseWhitespace("  Fed\u00A0holds \t rates,\n steady!  "),
            "Fed holds rates, steady!");
}

}  // namespace
}  // namespace headwire::core

namespace headwire::core {
namespace {

// The fast paths (no ';' means no reference, no '<' means no tag, ASCII skips Unicode folding)
// must give what the full paths give; expected values written out by hand.
TEST(TextTest, FastPathsAgreeWithTheFullPaths) {
  EXPECT_EQ(DecodeHtmlEntities("AT&T &amp no semicolon"), "AT&T &amp no semicolon");
  EXPECT_EQ(DecodeHtmlEntities("AT&amp;T"), "AT&T");
  EXPECT_EQ(StripHtmlTags("no tags here"), "no tags here");
  EXPECT_EQ(StripHtmlTags("x<br/>y"), "x y");
  EXPECT_EQ(NormalizeForMatching("Cafe Zurich Sees 1,000 Visitors"),
            "cafe zurich sees 1000 visitors");
  EXPECT_EQ(NormalizeForMatching("CAF\u00C9 Z\u00FCrich Sees 1,000 Visitors"),
            "cafe zurich sees 1000 visitors");
  EXPECT_EQ(NormalizeForMatching("\uFB01nance &amp; <i>Stra\u00DFe</i>"), "finance strasse");
  EXPECT_EQ(NormalizeForMatching("\u041C\u043E\u0441\u043A\u0432\u0430 talks"),
            "\u043C\u043E\u0441\u043A\u0432\u0430 talks");
  EXPECT_EQ(NormalizeForMatching("rates; fed holds"), "rates fed holds");
  EXPECT_EQ(CollapseWhitespace("  Fed \t holds\u00A0rates  "), "Fed holds rates");
  EXPECT_EQ(CollapseWhitespace("  Fed \t holds  rates  "), "Fed holds rates");
}

TEST(TextTest, EscapeForTerminalWritesControlCharactersAsEscapes) {
  EXPECT_EQ(EscapeForTerminal("a\x1B[2Jb\x07"
                              "c\rd\x7F"),
            "a\\x1B[2Jb\\x07c\\x0Dd\\x7F");
  EXPECT_EQ(EscapeForTerminal("\u009B31m \u202Eevil"), "\\u009B31m \\u202Eevil");
  EXPECT_EQ(EscapeForTerminal("back\\slash \xFF"), "back\\\\slash \\xFF");
  EXPECT_EQ(EscapeForTerminal("Caf\u00E9 \u4E2D \U0001F680 tab-free"),
            "Caf\u00E9 \u4E2D \U0001F680 tab-free");
}

TEST(TextTest, RepairUtf8ReplacesInvalidBytesAndKeepsValidText) {
  EXPECT_EQ(RepairUtf8("caf\xC3"), "caf\uFFFD");
  EXPECT_EQ(RepairUtf8("a\xFF\xFE"
                       "b"),
            "a\uFFFD\uFFFDb");
  EXPECT_EQ(RepairUtf8("\u00E9\U0001F680"), "\u00E9\U0001F680");
  EXPECT_TRUE(IsValidUtf8(RepairUtf8("\xED\xA0\x80 surrogate")));
}

TEST(TextTest, Windows1252ToUtf8ReadsEveryByteAsWindows1252) {
  EXPECT_EQ(Windows1252ToUtf8("It\x92s caf\xE9 \x80"
                              "5 \xC3\xA9"),
            "It\u2019s caf\u00E9 \u20AC5 \u00C3\u00A9");
  EXPECT_EQ(Windows1252ToUtf8(std::string("undefined \x81 nul ") + '\0'),
            std::string("undefined \uFFFD nul ") + '\0');
}

TEST(TextTest, RepairUtf8AsWindows1252ReadsStrayBytesAsWindows1252) {
  EXPECT_EQ(RepairUtf8AsWindows1252("It\x92s caf\xE9 \x80"
                                    "5"),
            "It\u2019s caf\u00E9 \u20AC"
            "5");
  EXPECT_EQ(RepairUtf8AsWindows1252("undefined \x81"), "undefined \uFFFD");
  EXPECT_EQ(RepairUtf8AsWindows1252("caf\u00E9 \u2019 kept"), "caf\u00E9 \u2019 kept");
  EXPECT_EQ(RepairUtf8AsWindows1252("mixed \u00E9 and \xE9"), "mixed \u00E9 and \u00E9");
}

}  // namespace
}  // namespace headwire::core
