#include "common/utf8_tolerant_decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "headwire/v1/article.pb.h"

namespace headwire::common {
namespace {

// The wire bytes of field `number` holding `bytes` (length-delimited), whatever they are: the
// generated classes would not write invalid UTF-8 into a string field quietly. Appended to a
// message, it replaces a singular field and adds an element to a repeated one.
std::string Field(int number, std::string_view bytes) {
  std::string out;
  auto varint = [&out](uint64_t n) {
    do {
      out += static_cast<char>((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n >>= 7;
    } while (n != 0);
  };
  varint(static_cast<uint64_t>(number) << 3 | 2);
  varint(bytes.size());
  out.append(bytes);
  return out;
}

std::string Raw(const std::string& title) {
  v1::RawArticle raw;
  raw.set_id("a1");
  raw.set_title(title);
  raw.set_published_at_ms(1772409600000);
  raw.mutable_producer()->set_name("test");
  return raw.SerializeAsString();
}

std::unique_ptr<Utf8TolerantDecoder> DecoderOf(const google::protobuf::Descriptor& type) {
  auto decoder = Utf8TolerantDecoder::Create(type);
  EXPECT_TRUE(decoder.has_value()) << decoder.error().ToString();
  return std::move(*decoder);
}

TEST(Utf8TolerantDecoderTest, ValidRecordDecodesWithNoInvalidField) {
  const auto decoder = DecoderOf(*v1::RawArticle::descriptor());
  auto decoded = decoder->Decode(Raw("Fed holds rates — café"));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  EXPECT_TRUE(decoded->invalid_utf8_fields.empty());
  EXPECT_EQ(Utf8TolerantDecoder::Text(*decoded, "title"), "Fed holds rates — café");
  EXPECT_EQ(Utf8TolerantDecoder::Text(*decoded, "producer.name"), "test");
  EXPECT_EQ(Utf8TolerantDecoder::Text(*decoded, "producer.host"), "");
}

TEST(Utf8TolerantDecoderTest, NamesTheStringFieldsThatAreNotUtf8) {
  const std::string value = Raw("") + Field(2, "\xff\xfe") + Field(3, "\xc3\x28");
  v1::RawArticle strict;
  ASSERT_FALSE(strict.ParseFromString(value));  // what the tolerant decoder is for
  const auto decoder = DecoderOf(*v1::RawArticle::descriptor());
  auto decoded = decoder->Decode(value);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  EXPECT_EQ(decoded->invalid_utf8_fields, (std::vector<std::string>{"title", "body"}));
  EXPECT_EQ(Utf8TolerantDecoder::Text(*decoded, "title"), "\xff\xfe");
  EXPECT_EQ(InvalidUtf8Message(decoded->invalid_utf8_fields),
            "fields title and body are not valid UTF-8");
}

TEST(Utf8TolerantDecoderTest, LooksIntoNestedAndRepeatedFields) {
  v1::ProcessedArticle processed;
  processed.mutable_article()->set_id("a1");
  processed.add_topics("space");
  processed.add_scores()->set_topic("space");
  // article.title (nested), producer.host two levels down, a second topic and score topic.
  std::string article = processed.article().SerializeAsString() + Field(2, "caf\xe9") +
                        Field(10, Field(3, "\xed\xa0\x80"));
  const std::string value = processed.SerializeAsString() + Field(1, article) + Field(7, "\x80") +
                            Field(8, Field(1, "\xf4\x90\x80\x80")) + Field(8, Field(1, "\xc0\xaf"));
  const auto decoder = DecoderOf(*v1::ProcessedArticle::descriptor());
  auto decoded = decoder->Decode(value);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  EXPECT_EQ(decoded->invalid_utf8_fields,
            (std::vector<std::string>{"article.title", "article.producer.host", "topics",
                                      "scores.topic"}));
  EXPECT_EQ(Utf8TolerantDecoder::Text(*decoded, "article.title"), "caf\xe9");
  EXPECT_EQ(Utf8TolerantDecoder::Text(*decoded, "article.id"), "a1");
}

TEST(Utf8TolerantDecoderTest, BytesFieldsMayHoldAnything) {
  v1::DeadLetter letter;
  letter.set_original_value("\xff\xfe garbage");
  letter.set_message("value is not a headwire.v1.RawArticle");
  const auto decoder = DecoderOf(*v1::DeadLetter::descriptor());
  auto decoded = decoder->Decode(letter.SerializeAsString());
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  EXPECT_TRUE(decoded->invalid_utf8_fields.empty());
  auto bad = decoder->Decode(letter.SerializeAsString() + Field(5, "\xff"));
  ASSERT_TRUE(bad.has_value()) << bad.error().ToString();
  EXPECT_EQ(bad->invalid_utf8_fields, std::vector<std::string>{"message"});
}

TEST(Utf8TolerantDecoderTest, BytesThatAreNoMessageOfTheTypeStayUndecodable) {
  const auto decoder = DecoderOf(*v1::RawArticle::descriptor());
  for (const std::string& value : {std::string("\xff\xfe garbage"), std::string("not a protobuf\n"),
                                   Raw("Cut short").substr(0, 8),
                                   // title declared longer than what follows
                                   std::string("\x12\x10\xff\xfe")}) {
    auto decoded = decoder->Decode(value);
    ASSERT_FALSE(decoded.has_value()) << value;
    EXPECT_EQ(decoded.error().code(), StatusCode::kCorruption);
    EXPECT_EQ(decoded.error().message(),
              "value is not a headwire.v1.RawArticle (" + std::to_string(value.size()) + " bytes)");
  }
}

TEST(Utf8TolerantDecoderTest, MessageNamesOneOrSeveralFields) {
  EXPECT_EQ(InvalidUtf8Message({"title"}), "field title is not valid UTF-8");
  EXPECT_EQ(InvalidUtf8Message({"title", "body", "producer.host"}),
            "fields title, body and producer.host are not valid UTF-8");
}

}  // namespace
}  // namespace headwire::common
