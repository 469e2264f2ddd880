#include "sinks/processed_record.h"

#include <gtest/gtest.h>

namespace headwire::sinks {
namespace {

const std::string kType = "headwire.v1.ProcessedArticle";

std::string Encoded(const std::string& id) {
  v1::ProcessedArticle article;
  article.mutable_article()->set_id(id);
  article.mutable_article()->set_title("T");
  return article.SerializeAsString();
}

TEST(ProcessedRecordTest, AcceptsAnArticleWithAndWithoutHeaders) {
  auto r = DecodeProcessedRecord(kType, "1", Encoded("a1"));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(r->article().id(), "a1");
  EXPECT_TRUE(DecodeProcessedRecord(std::nullopt, std::nullopt, Encoded("a1")).has_value());
}

TEST(ProcessedRecordTest, EmptyOrNullValueIsRejected) {
  auto r = DecodeProcessedRecord(kType, "1", "");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "empty value");
  EXPECT_FALSE(DecodeProcessedRecord(std::nullopt, std::nullopt, {}).has_value());
}

TEST(ProcessedRecordTest, ArticleWithoutIdIsRejected) {
  auto r = DecodeProcessedRecord(kType, "1", Encoded(""));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "processed article without id");
}

TEST(ProcessedRecordTest, OtherSchemaVersionIsRejected) {
  auto r = DecodeProcessedRecord(kType, "2", Encoded("a1"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "unsupported schema version \"2\"");
}

TEST(ProcessedRecordTest, OtherTypeAndGarbageAreRejected) {
  EXPECT_FALSE(DecodeProcessedRecord("headwire.v1.RawArticle", "1", Encoded("a1")).has_value());
  EXPECT_FALSE(DecodeProcessedRecord(kType, "1", "\xFF\xFF\xFF").has_value());
}

TEST(ProcessedRecordTest, ReasonOfAnInvalidUtf8HeaderIsValidUtf8) {
  auto r = DecodeProcessedRecord("\xFF\xFE", "1", Encoded("a1"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "unexpected type \uFFFD\uFFFD");
}

}  // namespace
}  // namespace headwire::sinks
