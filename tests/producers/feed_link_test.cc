// Feed links: IRIs as feeds write them become the URIs they stand for; what is no http(s) link
// is refused. Expected encodings are RFC 3986 percent-encoding of the UTF-8 bytes and the IDNA
// form of the host (Python's urllib.parse.quote and str.encode("idna") agree with them).

#include "producers/feed_link.h"

#include <gtest/gtest.h>

namespace headwire::producers {
namespace {

const std::string kBase = "http://news.example/feeds/main.xml";

TEST(FeedLinkTest, NonAsciiPathsAreSentPercentEncoded) {
  EXPECT_EQ(ResolveFeedLink("https://ru.example.org/новости/2026/03/москва", kBase),
            "https://ru.example.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/2026/03/"
            "%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0");
  EXPECT_EQ(ResolveFeedLink("https://ex.org/a?q=é&r=1#frag ment", kBase),
            "https://ex.org/a?q=%C3%A9&r=1#frag%20ment");
}

TEST(FeedLinkTest, SpacesBracesAndPipesAreEncodedAndEscapesKept) {
  EXPECT_EQ(ResolveFeedLink("https://example.org/news/some article.html", kBase),
            "https://example.org/news/some%20article.html");
  EXPECT_EQ(ResolveFeedLink("https://example.org/a?x={1}|y", kBase),
            "https://example.org/a?x=%7B1%7D%7Cy");
  EXPECT_EQ(ResolveFeedLink("https://ex.org/%D0%BD?q=a%20b", kBase),
            "https://ex.org/%D0%BD?q=a%20b");
  EXPECT_EQ(ResolveFeedLink("\n  http://link/get?a=1&b=2\t\n", kBase), "http://link/get?a=1&b=2");
}

TEST(FeedLinkTest, AnInternationalHostBecomesItsIdnaForm) {
  EXPECT_EQ(ResolveFeedLink("https://пример.рф/news/1", kBase),
            "https://xn--e1afmkfd.xn--p1ai/news/1");
}

TEST(FeedLinkTest, RelativeLinksResolveAgainstTheBase) {
  EXPECT_EQ(ResolveFeedLink("/a/1", kBase), "http://news.example/a/1");
  EXPECT_EQ(ResolveFeedLink("posts/новое", kBase),
            "http://news.example/feeds/posts/%D0%BD%D0%BE%D0%B2%D0%BE%D0%B5");
  EXPECT_EQ(ResolveFeedLink("//cdn.example/x", kBase), "http://cdn.example/x");
  EXPECT_EQ(ResolveFeedLink("/a/1", ""), "");
}

TEST(FeedLinkTest, WhatIsNoHttpLinkIsRefused) {
  EXPECT_EQ(ResolveFeedLink("mailto:editor@news.example", kBase), "");
  EXPECT_EQ(ResolveFeedLink("javascript:alert(1)", kBase), "");
  EXPECT_EQ(ResolveFeedLink("ftp://news.example/file", kBase), "");
  EXPECT_EQ(ResolveFeedLink("   ", kBase), "");
}

}  // namespace
}  // namespace headwire::producers
