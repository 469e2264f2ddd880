#include "sinks/processed_record.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/taxonomy.h"

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

TEST(ProcessedRecordTest, FieldsLongerThanAProcessorLetsThroughAreRejected) {
  v1::ProcessedArticle article;
  article.mutable_article()->set_id("a1");
  article.mutable_article()->set_title(std::string(2048, 't'));
  article.mutable_article()->set_body(std::string(256 * 1024, 'b'));
  ASSERT_TRUE(DecodeProcessedRecord(kType, "1", article.SerializeAsString()).has_value());
  article.mutable_article()->set_title(std::string(250'000, 't'));
  auto title = DecodeProcessedRecord(kType, "1", article.SerializeAsString());
  ASSERT_FALSE(title.has_value());
  EXPECT_EQ(title.error(), "title is 250000 bytes, more than a processor lets through (2048)");
  article.mutable_article()->set_title("T");
  article.set_duplicate_of(std::string(300, 'd'));
  auto duplicate_of = DecodeProcessedRecord(kType, "1", article.SerializeAsString());
  ASSERT_FALSE(duplicate_of.has_value());
  EXPECT_TRUE(duplicate_of.error().starts_with("duplicate_of is 300 bytes"))
      << duplicate_of.error();
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

std::string WithTopics(const std::vector<std::string>& topics) {
  v1::ProcessedArticle article;
  article.mutable_article()->set_id("a1");
  article.mutable_article()->set_title("T");
  for (const std::string& topic : topics) article.add_topics(topic);
  return article.SerializeAsString();
}

TEST(ProcessedRecordTest, TopicsNoTaxonomyCouldHaveAreRejected) {
  EXPECT_TRUE(DecodeProcessedRecord(kType, "1", WithTopics({"space", "ai"})).has_value());
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"space\x1B[31m"}, "\"space\x1B[31m\" is not a topic name"},
      {{""}, "\"\" is not a topic name"},
      {{"all"}, "\"all\" is not a topic name"},
      {{"other"}, "\"other\" is not a topic name"},
      {{std::string(100000, 'x')}, "\"" + std::string(64, 'x') + "\" is not a topic name"},
      {{"space", "ai", "space"}, "topic \"space\" given twice"},
  };
  for (const auto& [topics, reason] : cases) {
    auto r = DecodeProcessedRecord(kType, "1", WithTopics(topics));
    ASSERT_FALSE(r.has_value()) << reason;
    EXPECT_EQ(r.error(), reason);
  }
}

TEST(ProcessedRecordTest, MoreTopicsThanATaxonomyCanHaveAreRejected) {
  std::vector<std::string> topics;
  for (size_t i = 0; i <= core::kMaxTopics; ++i) topics.push_back("t" + std::to_string(i));
  auto r = DecodeProcessedRecord(kType, "1", WithTopics(topics));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "257 topics, more than the 256 a taxonomy can have");
  topics.pop_back();
  EXPECT_TRUE(DecodeProcessedRecord(kType, "1", WithTopics(topics)).has_value());
}

}  // namespace
}  // namespace headwire::sinks
