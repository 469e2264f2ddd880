// Comments and CDATA sections as the feed parser's repairs and the item split read them
// (xml_section.h): where each ends, what it holds, and one left open by a body cut short.

#include "producers/xml_section.h"

#include <gtest/gtest.h>

#include <string>

namespace headwire::producers {
namespace {

TEST(XmlSectionTest, ACommentRunsToItsFirstCloserAndHoldsWhatIsBetween) {
  const std::string text = "a<!-- <item> -- x -->b-->";
  const auto section = XmlSectionAt(text, 1);
  ASSERT_TRUE(section);
  EXPECT_TRUE(section->comment);
  EXPECT_TRUE(section->closed);
  EXPECT_EQ(section->content, " <item> -- x ");
  EXPECT_EQ(text.substr(section->end), "b-->");
}

TEST(XmlSectionTest, ACdataSectionRunsToItsFirstCloser) {
  const std::string text = "<![CDATA[write <item> or ]]]]><![CDATA[>]]>";
  const auto section = XmlSectionAt(text, 0);
  ASSERT_TRUE(section);
  EXPECT_FALSE(section->comment);
  EXPECT_TRUE(section->closed);
  EXPECT_EQ(section->content, "write <item> or ]]");
  EXPECT_EQ(text.substr(section->end), "<![CDATA[>]]>");
}

// The closer is looked for after the opener, as libxml2 reads it: "<!-->" is no empty comment.
TEST(XmlSectionTest, AnOpenerIsNotPartOfItsCloser) {
  for (const std::string text : {"<!-->x-->", "<!--->x-->"}) {
    const auto section = XmlSectionAt(text, 0);
    ASSERT_TRUE(section) << text;
    EXPECT_TRUE(section->closed) << text;
    EXPECT_EQ(section->end, text.size()) << text;
    EXPECT_EQ(section->content, text.substr(4, text.size() - 7)) << text;
  }
  const auto empty = XmlSectionAt("<!---->", 0);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->content, "");
  EXPECT_EQ(empty->end, 7u);
}

// A body cut short inside a section leaves it open to the end, its closer cut in part or whole.
TEST(XmlSectionTest, AnUnclosedSectionRunsToTheEndOfTheText) {
  for (const std::string text :
       {"<!-- <item>B</item>", "<!-- x --", "<![CDATA[a]]", "<!--", "<![CDATA["}) {
    const auto section = XmlSectionAt(text, 0);
    ASSERT_TRUE(section) << text;
    EXPECT_FALSE(section->closed) << text;
    EXPECT_EQ(section->end, text.size()) << text;
    EXPECT_EQ(section->content, text.substr(section->comment ? 4 : 9)) << text;
  }
}

TEST(XmlSectionTest, OtherMarkupAndCutOpenersAreNoSection) {
  for (const std::string text :
       {"<item>", "<!DOCTYPE rss>", "<?xml?>", "<!-", "<![CDATA", "<![cdata[x]]>", "x<!--y-->"}) {
    EXPECT_FALSE(XmlSectionAt(text, 0)) << text;
  }
  EXPECT_FALSE(XmlSectionAt("<!--x-->", 8));
  EXPECT_FALSE(XmlSectionAt("", 0));
}

}  // namespace
}  // namespace headwire::producers
