#include "producers/column_mapping.h"

#include <gtest/gtest.h>

namespace headwire::producers {
namespace {

TEST(ColumnMappingTest, UciLayoutTakesIdTitleUrlPublisherAndEpochTimestamp) {
  auto layout = NamedLayout("uci");
  ASSERT_TRUE(layout.has_value());
  const std::vector<std::string> header{"ID",       "TITLE", "URL",      "PUBLISHER",
                                        "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP"};
  auto json = MapCsvRow(*layout, header,
                        {"7", "Fed holds rates", "http://x.example/a", "Reuters", "b", "dXyz",
                         "x.example", "1394470370698"});
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ((*json)["id"], "7");
  EXPECT_EQ((*json)["title"], "Fed holds rates");
  EXPECT_EQ((*json)["url"], "http://x.example/a");
  EXPECT_EQ((*json)["source"], "Reuters");
  EXPECT_EQ((*json)["published_at"], 1394470370698);
  EXPECT_FALSE(json->contains("body"));
}

TEST(ColumnMappingTest, AgNewsLayoutHasNoHeaderAndTakesTitleAndBodyByNumber) {
  auto layout = NamedLayout("ag-news");
  ASSERT_TRUE(layout.has_value());
  EXPECT_FALSE(layout->header_row);
  auto json = MapCsvRow(*layout, {}, {"3", "Oil rises", "Prices climbed."});
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ((*json)["title"], "Oil rises");
  EXPECT_EQ((*json)["body"], "Prices climbed.");
  EXPECT_FALSE(json->contains("published_at"));
  EXPECT_FALSE(json->contains("id"));
}

TEST(ColumnMappingTest, CustomMappingOverridesALayoutAndRejectsUnknownFields) {
  auto mapping = ParseColumnMapping("title=headline,published_at=when");
  ASSERT_TRUE(mapping.has_value());
  auto json = MapCsvRow(*mapping, {"when", "headline"}, {"2026-03-02T08:00:00Z", "Hello"});
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ((*json)["title"], "Hello");
  EXPECT_EQ((*json)["published_at"], "2026-03-02T08:00:00Z");

  EXPECT_FALSE(ParseColumnMapping("headline=title").has_value());
  EXPECT_FALSE(ParseColumnMapping("title").has_value());
  EXPECT_FALSE(NamedLayout("reuters").has_value());
}

TEST(ColumnMappingTest, AFieldMappedTwiceIsAnErrorButALayoutsFieldMayBeReplaced) {
  auto twice = ParseColumnMapping("title=1,body=3,title=2");
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().message().find("\"title\" is mapped twice"), std::string::npos)
      << twice.error().message();
  auto layout = NamedLayout("ag-news");
  ASSERT_TRUE(layout.has_value());
  auto replaced = ParseColumnMapping("title=3", *layout);
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->columns.at(ArticleField::kTitle), "3");
}

TEST(ColumnMappingTest, MappedColumnMissingFromTheHeaderIsAnError) {
  auto mapping = ParseColumnMapping("title=HEADLINE");
  auto json = MapCsvRow(*mapping, {"TITLE"}, {"x"});
  ASSERT_FALSE(json.has_value());
  EXPECT_NE(json.error().message().find("HEADLINE"), std::string::npos);
}

TEST(ColumnMappingTest, JsonKeysAreRenamed) {
  auto mapping = ParseColumnMapping("title=headline");
  auto json = MapJsonRecord(*mapping, common::Json::parse(R"({"headline":"A","url":"u"})"));
  EXPECT_EQ(json["title"], "A");
  EXPECT_EQ(json["url"], "u");
}

// The UCI file without --layout: its header says TITLE, not title, and every record would be
// refused one by one.
TEST(ColumnMappingTest, AHeaderWithoutATitleColumnIsOneErrorNamingTheColumnsAndTheWaysOut) {
  const std::vector<std::string> uci{"ID", "TITLE", "URL", "PUBLISHER", "TIMESTAMP"};
  const Status status = CheckCsvHeader({}, uci);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("(ID, TITLE, URL, PUBLISHER, TIMESTAMP) has no column "
                                  "\"title\""),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("--columns title=COLUMN"), std::string::npos);
  EXPECT_TRUE(CheckCsvHeader(*ParseColumnMapping("title=TITLE"), uci).ok());
  EXPECT_TRUE(CheckCsvHeader(*NamedLayout("uci"), uci).ok());
  EXPECT_TRUE(CheckCsvHeader(*ParseColumnMapping("title=2"), uci).ok());
  EXPECT_TRUE(CheckCsvHeader({}, {"id", "title"}).ok());
}

TEST(ColumnMappingTest, TheHeaderNamesInTheErrorAreEscapedForTheTerminal) {
  const Status status = CheckCsvHeader({}, {"a\x1B]0;owned\x07", "b"});
  EXPECT_NE(status.message().find("(a\\x1B]0;owned\\x07, b)"), std::string::npos)
      << status.message();
}

TEST(ColumnMappingTest, AColumnNumberBeyondTheHeaderIsAnErrorAtTheHeader) {
  const Status status = CheckCsvHeader(*ParseColumnMapping("title=3"), {"a", "b"});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "column 3 for title is beyond the 2 columns of the header row");
  EXPECT_FALSE(CheckCsvHeader(*ParseColumnMapping("title=a,published_at=9"), {"a", "b"}).ok());
  EXPECT_TRUE(CheckCsvHeader(*ParseColumnMapping("title=2"), {"a", "b"}).ok());
  // A header that names a column "3" is that column, wherever it stands.
  EXPECT_TRUE(CheckCsvHeader(*ParseColumnMapping("title=3"), {"3", "b"}).ok());
  EXPECT_FALSE(CheckCsvColumnNumbers(*NamedLayout("ag-news"), {}, 2).ok());
  EXPECT_TRUE(CheckCsvColumnNumbers(*NamedLayout("ag-news"), {}, 3).ok());
}

}  // namespace
}  // namespace headwire::producers
