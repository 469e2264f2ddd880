#include "common/proto_convert.h"

#include <gtest/gtest.h>

#include <string>

#include "core/fingerprint.h"
#include "core/text.h"

namespace headwire::common {
namespace {

v1::DeadLetter Decoded(const OutputRecord& record) {
  v1::DeadLetter letter;
  EXPECT_TRUE(letter.ParseFromString(record.value));
  return letter;
}

TEST(DeadLetterTest, SmallRecordIsKeptWholeWithItsSizeAndDigest) {
  const OutputRecord record =
      DeadLetterRecord("headwire.dlq",
                       MakeDeadLetter("not json", "k", {{"h", "v"}}, {"in.jsonl", -1, 7},
                                      v1::DEAD_LETTER_REASON_UNDECODABLE,
                                      "not_json: the line is not valid JSON", "produce"),
                       1'000'000);
  const v1::DeadLetter letter = Decoded(record);
  EXPECT_EQ(record.key, "k");
  EXPECT_EQ(letter.original_value(), "not json");
  EXPECT_EQ(letter.original_key(), "k");
  EXPECT_EQ(letter.original_size(), 8u);
  EXPECT_EQ(letter.original_digest(), "xxh3-128:" + core::Hex128("not json"));
  ASSERT_EQ(letter.original_headers_size(), 1);
  EXPECT_EQ(letter.source().offset(), 7);
  EXPECT_EQ(letter.stage(), "produce");
  EXPECT_FALSE(IsTruncated(letter));
}

TEST(DeadLetterTest, LargeRecordIsCutToFitButDescribedWhole) {
  const std::string value(1'100'000, 'x');
  const OutputRecord record =
      DeadLetterRecord("headwire.dlq",
                       MakeDeadLetter(value, "", {}, {"t", 0, 1}, v1::DEAD_LETTER_REASON_TOO_LARGE,
                                      "too_large", "produce"),
                       1'000'000);
  EXPECT_LE(MessageBytes(record.key, record.value, record.headers), 1'000'000u);
  const v1::DeadLetter letter = Decoded(record);
  EXPECT_TRUE(IsTruncated(letter));
  EXPECT_GT(letter.original_value().size(), 900'000u);
  EXPECT_EQ(letter.original_value(), value.substr(0, letter.original_value().size()));
  EXPECT_EQ(letter.original_size(), 1'100'000u);
  EXPECT_EQ(letter.original_digest(), "xxh3-128:" + core::Hex128(value));
}

TEST(DeadLetterTest, InvalidUtf8InTextFieldsStillGivesADecodableLetter) {
  const std::string bad_header = "headwire-type is \"\xFF\xFE\"";
  const OutputRecord record =
      DeadLetterRecord("headwire.dlq",
                       MakeDeadLetter("\xFE", "\xFF", {{"name\xC3", "\xFF"}}, {"raw\xC3", 0, 3},
                                      v1::DEAD_LETTER_REASON_UNKNOWN_SCHEMA, bad_header, "process"),
                       1'000'000);
  v1::DeadLetter decoded;
  ASSERT_TRUE(decoded.ParseFromString(record.value));
  EXPECT_TRUE(core::IsValidUtf8(decoded.message()));
  EXPECT_TRUE(core::IsValidUtf8(decoded.source().topic()));
  EXPECT_TRUE(core::IsValidUtf8(decoded.original_headers(0).name()));
  EXPECT_EQ(decoded.original_headers(0).value(), "\xFF");  // bytes fields stay byte for byte
  EXPECT_EQ(decoded.original_key(), "\xFF");
  EXPECT_EQ(decoded.original_value(), "\xFE");
}

TEST(DeadLetterTest, LongKeyMessageAndHeadersAreCutOnlyWhenTheLetterWouldNotFit) {
  const std::string key(10'000, 'k');
  const std::string why(5'000, 'w');
  const std::vector<Header> headers{{"big", std::string(30'000, 'h')}};
  const v1::DeadLetter whole =
      MakeDeadLetter("v", key, headers, {"t", 0, 1}, v1::DEAD_LETTER_REASON_TOO_LARGE, why, "sink");
  const v1::DeadLetter roomy = Decoded(DeadLetterRecord("headwire.dlq", whole, 1'000'000));
  EXPECT_EQ(roomy.original_key(), key);
  EXPECT_EQ(roomy.message(), why);
  EXPECT_EQ(roomy.original_headers_size(), 1);

  const OutputRecord record = DeadLetterRecord("headwire.dlq", whole, 20'000);
  EXPECT_LE(MessageBytes(record.key, record.value, record.headers), 20'000u);
  const v1::DeadLetter cut = Decoded(record);
  EXPECT_EQ(cut.original_key().size(), kDeadLetterMaxKeyBytes);
  EXPECT_EQ(record.key, cut.original_key());
  EXPECT_EQ(cut.message().size(), kDeadLetterMaxMessageBytes);
  EXPECT_EQ(cut.original_headers_size(), 0);
  EXPECT_EQ(cut.original_value(), "v");
  EXPECT_EQ(cut.original_size(), 1u);
}

// Found by fuzz_raw_message: a 4 KiB key twice (record and letter) is already over a few KiB.
TEST(DeadLetterTest, TheSmallestMessageMaxBytesStillHoldsALetterWithALongKey) {
  const std::string key(4'000, 'k');
  const v1::DeadLetter whole =
      MakeDeadLetter(std::string(2'000, 'v'), key, {{"h", "v"}}, {"headwire.articles.raw", 0, 1},
                     v1::DEAD_LETTER_REASON_UNDECODABLE, std::string(2'000, 'w'), "process");
  for (const size_t limit : {1'000u, 4'096u}) {
    const OutputRecord record = DeadLetterRecord("headwire.dlq", whole, limit);
    EXPECT_LE(MessageBytes(record.key, record.value, record.headers), limit);
    const v1::DeadLetter cut = Decoded(record);
    EXPECT_EQ(record.key, cut.original_key());
    EXPECT_TRUE(std::string_view(key).starts_with(cut.original_key()));
    EXPECT_EQ(cut.original_size(), 2'000u);
    EXPECT_EQ(cut.message(), std::string(kDeadLetterShortMessageBytes, 'w'));
  }
}

// librdkafka refuses a message over message.max.bytes at once, without a broker: the dead letter
// of a record over a megabyte must still be accepted.
TEST(DeadLetterTest, DeadLetterOfAnOverMegabyteRecordIsAcceptedByTheProducer) {
  auto producer = KafkaProducer::Create({.bootstrap = "127.0.0.1:1", .properties = {}});
  ASSERT_TRUE(producer.has_value()) << producer.error().message();
  EXPECT_EQ((*producer)->max_message_bytes(), 1'000'000u);
  const std::string value(1'100'000, 'x');
  EXPECT_FALSE((*producer)->Produce("headwire.dlq", "", value, {}).ok());
  const v1::DeadLetter letter =
      MakeDeadLetter(value, "", {}, {"big.jsonl", -1, 2}, v1::DEAD_LETTER_REASON_TOO_LARGE,
                     "too_large: the line is 1100000 bytes", "produce");
  const Status s = (*producer)->Produce(
      DeadLetterRecord("headwire.dlq", letter, (*producer)->max_message_bytes()));
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(DeadLetterTest, TheLimitFollowsMessageMaxBytes) {
  auto max =
      MaxMessageBytes({.bootstrap = "127.0.0.1:1", .properties = {"message.max.bytes=20000"}});
  ASSERT_TRUE(max.has_value()) << max.error().message();
  EXPECT_EQ(*max, 20'000u);
  auto producer = KafkaProducer::Create(
      {.bootstrap = "127.0.0.1:1", .properties = {"message.max.bytes=20000"}});
  ASSERT_TRUE(producer.has_value()) << producer.error().message();
  EXPECT_EQ((*producer)->max_message_bytes(), 20'000u);
  EXPECT_EQ(*MaxMessageBytes({.bootstrap = "127.0.0.1:1", .properties = {}}), 1'000'000u);
}

}  // namespace
}  // namespace headwire::common
