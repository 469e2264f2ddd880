#include "core/canonical_url.h"

#include <gtest/gtest.h>

namespace headwire::core {
namespace {

std::string Canon(std::string_view url) {
  auto result = CanonicalizeUrl(url);
  EXPECT_TRUE(result.has_value()) << url << ": " << result.error().ToString();
  return result.value_or("");
}

TEST(CanonicalUrlTest, SchemeWwwAndTrailingSlashDoNotMatter) {
  const std::string expected = "example.com/news/story";
  EXPECT_EQ(Canon("https://www.example.com/news/story/"), expected);
  EXPECT_EQ(Canon("http://example.com/news/story"), expected);
  EXPECT_EQ(Canon("HTTPS://WWW.Example.COM/news/story"), expected);
  EXPECT_EQ(Canon("example.com/news/story"), expected);
}

TEST(CanonicalUrlTest, TrackingParametersAreRemovedOthersSorted) {
  EXPECT_EQ(Canon("https://example.com/a?utm_source=tw&utm_medium=social&id=7&fbclid=x"),
            "example.com/a?id=7");
  EXPECT_EQ(Canon("https://example.com/a?b=2&a=1&gclid=abc&mc_cid=1"), "example.com/a?a=1&b=2");
}

TEST(CanonicalUrlTest, AmpVariantsCollapse) {
  const std::string expected = "example.com/2026/03/story";
  EXPECT_EQ(Canon("https://example.com/2026/03/story/amp/"), expected);
  EXPECT_EQ(Canon("https://amp.example.com/2026/03/story"), expected);
  EXPECT_EQ(Canon("https://example.com/2026/03/story?amp=1"), expected);
  EXPECT_EQ(Canon("https://example.com/2026/03/story?outputType=amp"), expected);
  EXPECT_EQ(Canon("https://example.com/2026/03/story.amp"), expected);
  EXPECT_EQ(Canon("https://example-com.cdn.ampproject.org/c/s/example.com/2026/03/story"),
            expected);
  EXPECT_EQ(Canon("https://example.com/2026/03/story.amp.html"), "example.com/2026/03/story.html");
}

TEST(CanonicalUrlTest, FragmentsDefaultPortsAndDotSegmentsGo) {
  EXPECT_EQ(Canon("https://example.com:443/a/./b/../c#comments"), "example.com/a/c");
  EXPECT_EQ(Canon("http://example.com:8080/a"), "example.com:8080/a");
}

TEST(CanonicalUrlTest, DifferentPathsStayDifferent) {
  EXPECT_NE(Canon("https://example.com/story-1"), Canon("https://example.com/story-2"));
  EXPECT_NE(Canon("https://example.com/a?id=1"), Canon("https://example.com/a?id=2"));
}

TEST(CanonicalUrlTest, InvalidUrlsAreErrors) {
  EXPECT_FALSE(CanonicalizeUrl("").has_value());
  EXPECT_FALSE(CanonicalizeUrl("   ").has_value());
  EXPECT_FALSE(CanonicalizeUrl("ftp://example.com/file").has_value());
  EXPECT_FALSE(CanonicalizeUrl("http://exa mple.com/").has_value());
  auto result = CanonicalizeUrl("mailto:someone@example.com");
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(result.error().IsInvalidArgument());
}

}  // namespace
}  // namespace headwire::core
