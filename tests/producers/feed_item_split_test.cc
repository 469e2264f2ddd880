// Cutting a damaged feed document into its items (feed_item_split.h): what wraps each item, and
// that the wrapping of all of them stays linear in the document whatever its root start tag.

#include "producers/feed_item_split.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace headwire::producers {
namespace {

std::string Items(int count) {
  std::string items;
  for (int i = 0; i < count; ++i) {
    items += "<item><title>T" + std::to_string(i) + "</title></item>";
  }
  return items;
}

// Its wrapping all items together cost, in bytes.
size_t WrappingBytes(const ItemSplit& split) {
  return (split.opening.size() + split.closing.size()) * split.items.size();
}

TEST(FeedItemSplitTest, ItemsAreWrappedInTheOpenStartTagsWithOnlyWhatTheyInherit) {
  const std::string text =
      "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
      "<!-- c --><channel xml:base='https://news.example/' rdf:about=\"x\" xml:lang=\"de\">"
      "<title>C</title><item><title>A</title></item><item><title>B</title></item></channel></rss>";
  const auto split = SplitItems(text, "item");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->opening,
            "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            "<channel xml:base='https://news.example/' xml:lang=\"de\">");
  EXPECT_EQ(split->closing, "</channel></rss>");
  ASSERT_EQ(split->items.size(), 2u);
  EXPECT_EQ(split->items[0], "<item><title>A</title></item>");
  EXPECT_EQ(split->items[1], "<item><title>B</title></item></channel></rss>");
}

TEST(FeedItemSplitTest, AHugeRootStartTagIsNotCopiedAroundEachItem) {
  std::string root = "<rss version=\"2.0\"";
  for (int i = 0; i < 1000; ++i) {
    root += " a" + std::to_string(i) + "=\"" + std::string(1000, 'v') + "\"";
  }
  const std::string text =
      root + "><channel><item><title a=\"x></title></item>" + Items(2000) + "</channel></rss>";
  const auto split = SplitItems(text, "item");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->items.size(), 2001u);
  EXPECT_EQ(split->opening, "<rss><channel>");
  EXPECT_LE(WrappingBytes(*split), text.size());
}

TEST(FeedItemSplitTest, ADocumentWhoseWrappingWouldNotBeLinearIsNotCut) {
  std::string root = "<rss";
  for (int i = 0; i < 1000; ++i) {
    root += " xmlns:p" + std::to_string(i) + "=\"" + std::string(1000, 'u') + "\"";
  }
  const std::string text = root + "><channel>" + Items(20000) + "</channel></rss>";
  EXPECT_FALSE(SplitItems(text, "item"));
  // The same declarations around few items are within the bound, and kept.
  const std::string few = root + "><channel>" + Items(3) + "</channel></rss>";
  const auto split = SplitItems(few, "item");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->items.size(), 3u);
  EXPECT_LE(WrappingBytes(*split), kMaxWrappingPerByte * few.size() + kMaxWrappingSlack);
}

TEST(FeedItemSplitTest, ItemsDeeperThanLibxml2ReadsAreNotCut) {
  std::string open;
  for (int i = 0; i < 300; ++i) open += "<x>";
  EXPECT_FALSE(SplitItems("<rss>" + open + Items(2) + "</rss>", "item"));
  // Closed again before the first item, the elements are not around it.
  std::string closed = open;
  for (int i = 0; i < 300; ++i) closed += "</x>";
  const auto split = SplitItems("<rss><channel>" + closed + Items(2) + "</channel></rss>", "item");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->opening, "<rss><channel>");
  EXPECT_EQ(split->items.size(), 2u);
}

TEST(FeedItemSplitTest, ElementsLeftOpenAroundTheFirstItemAreClosedInnermostFirst) {
  const auto split = SplitItems("<feed><a><b><c></c><entry>E</entry></b></a></feed>", "entry");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->opening, "<feed><a><b>");
  EXPECT_EQ(split->closing, "</b></a></feed>");
  ASSERT_EQ(split->items.size(), 1u);
}

// A description may write "<item>" in a CDATA section and a comment may hold an "<entry>": that
// text starts no item, and the item around it is not cut in two.
TEST(FeedItemSplitTest, AStartTagInACommentOrCdataSectionStartsNoItem) {
  const std::string rss =
      "<?xml version=\"1.0\"?><!-- <item> --><rss><channel><!-- <item> -->"
      "<item><title>A</title><description><![CDATA[write <item> or <item/>]]></description></item>"
      "<item><title>B</title></item></channel></rss>";
  const auto items = SplitItems(rss, "item");
  ASSERT_TRUE(items);
  EXPECT_EQ(items->opening, "<rss><channel>");
  ASSERT_EQ(items->items.size(), 2u);
  EXPECT_EQ(items->items[0],
            "<item><title>A</title><description><![CDATA[write <item> or <item/>]]></description>"
            "</item>");

  const std::string atom =
      "<feed><!-- an <entry> was here --><entry><title>E</title><!--<entry>--></entry>"
      "<entry><title>F</title><summary><![CDATA[<entry/>]]></summary></entry></feed>";
  const auto entries = SplitItems(atom, "entry");
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->opening, "<feed>");
  ASSERT_EQ(entries->items.size(), 2u);
  EXPECT_EQ(entries->items[0], "<entry><title>E</title><!--<entry>--></entry>");

  // Left unclosed, a comment runs to the end of the document, as the repairs read it.
  const auto unclosed = SplitItems("<rss><item>A</item><!-- <item>B</item></rss>", "item");
  ASSERT_TRUE(unclosed);
  ASSERT_EQ(unclosed->items.size(), 1u);
}

// "<!-->" opens a comment that its own "->" does not close (xml_section.h): the start tags written
// in it until its "-->" wrap no item.
TEST(FeedItemSplitTest, ACommentOpenedAsIfClosedHidesTheStartTagsInIt) {
  for (const std::string comment : {"<!--> <channel><b> -->", "<!---> <b> -->"}) {
    const auto split =
        SplitItems("<rss>" + comment + "<channel><item>A</item></channel></rss>", "item");
    ASSERT_TRUE(split) << comment;
    EXPECT_EQ(split->opening, "<rss><channel>") << comment;
    EXPECT_EQ(split->closing, "</channel></rss>") << comment;
    ASSERT_EQ(split->items.size(), 1u) << comment;
  }
}

// An item or entry written with a prefix ("<rss:item", "<atom:entry", declared or not) is one,
// as the parser reads it; a name that only ends in the item's, or has more than one prefix, is not.
TEST(FeedItemSplitTest, PrefixedItemsAreCutAsUnprefixedOnesAre) {
  const auto split = SplitItems(
      "<rss:rss xmlns:rss=\"http://backend.userland.com/rss2\"><rss:channel><rss:item id=\"1\">A"
      "</rss:item><x:item>B</x:item><item>C<myitem>c</myitem><a:b:item/></item><rss:item/>"
      "</rss:channel></rss:rss>",
      "item");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->opening,
            "<rss:rss xmlns:rss=\"http://backend.userland.com/rss2\"><rss:channel>");
  EXPECT_EQ(split->closing, "</rss:channel></rss:rss>");
  EXPECT_EQ(split->items,
            (std::vector<std::string_view>{"<rss:item id=\"1\">A</rss:item>", "<x:item>B</x:item>",
                                           "<item>C<myitem>c</myitem><a:b:item/></item>",
                                           "<rss:item/></rss:channel></rss:rss>"}));
  const auto entries =
      SplitItems("<feed><atom:entry>E</atom:entry><entry>F</entry></feed>", "entry");
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->items.size(), 2u);
}

// A prefix the document declares only with a URI that is not the items' vocabulary's is another
// vocabulary's: the parser reads no item there, so an item holding one is not cut at it. A prefix
// declared with RSS's namespace (items) or Atom's (entries) somewhere, or nowhere, is cut at.
TEST(FeedItemSplitTest, ItemsOfAnotherVocabularyArePassedOver) {
  const auto split = SplitItems(
      "<rss xmlns:rss=\"http://purl.org/rss/1.0/\" xmlns:bar = 'urn:bar'><channel><item>A"
      "<foo:item xmlns:foo=\"urn:other\">a</foo:item><bar:item/>b</item><rss:item>B</rss:item>"
      "<x:item>C</x:item></channel></rss>",
      "item");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->items,
            (std::vector<std::string_view>{
                "<item>A<foo:item xmlns:foo=\"urn:other\">a</foo:item><bar:item/>b</item>",
                "<rss:item>B</rss:item>", "<x:item>C</x:item></channel></rss>"}));
  const auto entries = SplitItems(
      "<feed xmlns:a=\"http://www.w3.org/2005/Atom\" xmlns:r=\"http://purl.org/rss/1.0/\">"
      "<entry>E<r:entry>e</r:entry></entry><a:entry>F</a:entry></feed>",
      "entry");
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->items, (std::vector<std::string_view>{"<entry>E<r:entry>e</r:entry></entry>",
                                                           "<a:entry>F</a:entry></feed>"}));
}

// Each markup's name is read once however long the names: 100000 start tags named like an item
// but not one ("<a:b:...:item/>"), then an item.
TEST(FeedItemSplitTest, LongNamesThatAreNoItemsAreReadOnce) {
  std::string text = "<rss><channel>";
  for (int i = 0; i < 100000; ++i) text += "<a:b:c:d:e:f:g:h:item/>";
  text += "<item>A</item></channel></rss>";
  const auto split = SplitItems(text, "item");
  ASSERT_TRUE(split);
  ASSERT_EQ(split->items.size(), 1u);
  EXPECT_EQ(split->items[0], "<item>A</item></channel></rss>");
}

// The declarations are read once however many: 100000 of prefixes of other vocabularies and
// 100000 start tags of their items, then an item.
TEST(FeedItemSplitTest, ManyDeclaredPrefixesAreReadOnce) {
  std::string text = "<rss><channel>";
  for (int i = 0; i < 100000; ++i) {
    const std::string prefix = "p" + std::to_string(i);
    text += "<" + prefix + ":item xmlns:" + prefix + "='urn:x'/>";
  }
  text += "<item>A</item></channel></rss>";
  const auto split = SplitItems(text, "item");
  ASSERT_TRUE(split);
  ASSERT_EQ(split->items.size(), 1u);
  EXPECT_EQ(split->items[0], "<item>A</item></channel></rss>");
}

TEST(FeedItemSplitTest, ADocumentWithoutItemsHasNone) {
  const auto split = SplitItems("<rss><channel><title>T</title></channel></rss>", "item");
  ASSERT_TRUE(split);
  EXPECT_TRUE(split->items.empty());
  const auto no_element = SplitItems("just text", "item");
  ASSERT_TRUE(no_element);
  EXPECT_TRUE(no_element->items.empty());
}

}  // namespace
}  // namespace headwire::producers
