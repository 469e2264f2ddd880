#include "common/dead_letter_excerpt.h"

#include <gtest/gtest.h>

#include <string>

#include "common/proto_convert.h"

namespace headwire::common {
namespace {

constexpr size_t kChars = 60;

std::string RawOfTheYear3000(const std::string& title) {
  v1::RawArticle raw;
  raw.set_id("h-5965");
  raw.set_title(title);
  raw.set_published_at_ms(32503680000000);  // year 3000
  return raw.SerializeAsString();
}

v1::DeadLetter Letter(const std::string& value, const std::vector<Header>& headers,
                      std::string_view stage, v1::DeadLetterReason reason) {
  return MakeDeadLetter(value, "k", headers, {"headwire.articles.raw", 0, 5}, reason, "why", stage);
}

class DeadLetterExcerptsTest : public ::testing::Test {
 protected:
  std::string Of(const v1::DeadLetter& letter) const { return excerpts_.Of(letter, kChars); }

  DeadLetterExcerpts excerpts_ = std::move(*DeadLetterExcerpts::Create());
  const std::vector<Header> raw_headers_ =
      MessageHeaders(v1::RawArticle::descriptor()->full_name());
};

TEST_F(DeadLetterExcerptsTest, ARawArticleShowsItsTitleWithOrWithoutTypeHeader) {
  const std::string value = RawOfTheYear3000("Year 3000 date Fed rates");
  EXPECT_EQ(Of(Letter(value, raw_headers_, "process", v1::DEAD_LETTER_REASON_BAD_EVENT_TIME)),
            "RawArticle title: Year 3000 date Fed rates");
  // kcat sends no headers; the processor read the value as a RawArticle all the same.
  EXPECT_EQ(Of(Letter(value, {}, "process", v1::DEAD_LETTER_REASON_BAD_EVENT_TIME)),
            "RawArticle title: Year 3000 date Fed rates");
}

TEST_F(DeadLetterExcerptsTest, ATitleThatIsNotUtf8ShowsEscaped) {
  const std::string value =
      RawOfTheYear3000("") + "\x12\x0e\xff\xfe Fed \"rates\"";  // title, 14 bytes
  EXPECT_EQ(Of(Letter(value, {}, "process", v1::DEAD_LETTER_REASON_INVALID_UTF8)),
            "RawArticle title: \\xff\\xfe Fed \\\"rates\\\"");
}

TEST_F(DeadLetterExcerptsTest, ALongTitleIsCut) {
  EXPECT_EQ(Of(Letter(RawOfTheYear3000(std::string(100, 'x')), raw_headers_, "process",
                      v1::DEAD_LETTER_REASON_TOO_LARGE)),
            "RawArticle title: " + std::string(kChars, 'x') + "...");
}

TEST_F(DeadLetterExcerptsTest, ABlankTitleShowsTheBytes) {
  const std::string value = RawOfTheYear3000(" \u200b");
  EXPECT_EQ(Of(Letter(value, raw_headers_, "process", v1::DEAD_LETTER_REASON_MISSING_FIELD)),
            "\\n\\x06h-5965\\x12\\x04 \u200b8\\x80\\xc0\\xb3\\xd2\\xfd\\xb1\\x07");
}

TEST_F(DeadLetterExcerptsTest, WhatIsNoHeadwireRecordShowsItsBytes) {
  EXPECT_EQ(
      Of(Letter("\xff\xfe garbage", raw_headers_, "process", v1::DEAD_LETTER_REASON_UNDECODABLE)),
      "\\xff\\xfe garbage");
  // produce and feed dead-letter the text they read, never a RawArticle, though some text
  // decodes as one: their letters show the bytes whatever they are.
  EXPECT_EQ(Of(Letter(RawOfTheYear3000("T"), {}, "produce", v1::DEAD_LETTER_REASON_UNDECODABLE)),
            "\\n\\x06h-5965\\x12\\x01T8\\x80\\xc0\\xb3\\xd2\\xfd\\xb1\\x07");
  // A RawArticle under another type header is not read as one.
  EXPECT_EQ(Of(Letter(RawOfTheYear3000("T"), MessageHeaders("other.Type"), "process",
                      v1::DEAD_LETTER_REASON_UNKNOWN_SCHEMA)),
            "\\n\\x06h-5965\\x12\\x01T8\\x80\\xc0\\xb3\\xd2\\xfd\\xb1\\x07");
}

TEST_F(DeadLetterExcerptsTest, AProcessedArticleShowsItsArticlesTitle) {
  v1::ProcessedArticle processed;
  processed.mutable_article()->set_title("Late headline");
  const std::string value = processed.SerializeAsString();
  EXPECT_EQ(Of(Letter(value, MessageHeaders(v1::ProcessedArticle::descriptor()->full_name()),
                      "sink", v1::DEAD_LETTER_REASON_LATE)),
            "ProcessedArticle title: Late headline");
  EXPECT_EQ(Of(Letter(value, {}, "sink", v1::DEAD_LETTER_REASON_LATE)),
            "ProcessedArticle title: Late headline");
}

}  // namespace
}  // namespace headwire::common
