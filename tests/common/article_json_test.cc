#include "common/article_json.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace headwire::common {
namespace {

TEST(ArticleJsonTest, ParsesEveryField) {
  auto r = ParseArticleJson(
      R"({"id":"a1","title":"T","body":"B","url":"https://x.example/a","source":"S",)"
      R"("language":"en","published_at":"2026-03-02T08:15:00Z","extra":[1,2]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->article.id, "a1");
  EXPECT_EQ(r->article.title, "T");
  EXPECT_EQ(r->article.body, "B");
  EXPECT_EQ(r->article.url, "https://x.example/a");
  EXPECT_EQ(r->article.source, "S");
  EXPECT_EQ(r->article.published_at_ms, 1772439300000);
  EXPECT_TRUE(r->has_event_time);
  EXPECT_EQ(r->object["extra"].size(), 2u);
}

TEST(ArticleJsonTest, AcceptsTitleOnlyEpochMillisAndIntegerIds) {
  auto r = ParseArticleJson(R"({"title":"Only"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_event_time);
  r = ParseArticleJson(R"({"id":42,"title":"T","published_at":1772439300000,"body":null})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->article.id, "42");
  EXPECT_EQ(r->article.published_at_ms, 1772439300000);
}

TEST(ArticleJsonTest, AnInstantWrittenWithSubMillisecondDigitsIsOneEventTimeEitherWay) {
  for (const char* line : {R"({"title":"T","published_at":1772439300001.5})",
                           R"({"title":"T","published_at":1772439300001.999})",
                           R"({"title":"T","published_at":"2026-03-02T08:15:00.0015Z"})",
                           R"({"title":"T","published_at":"2026-03-02T08:15:00.001999Z"})",
                           R"({"title":"T","published_at":1772439300001})"}) {
    auto r = ParseArticleJson(line);
    ASSERT_TRUE(r.has_value()) << line;
    EXPECT_EQ(r->article.published_at_ms, 1772439300001) << line;
  }
}

TEST(ArticleJsonTest, AnIdTooLongForAnIntegerIsAskedForAsAString) {
  auto r = ParseArticleJson(R"({"title":"T","id":12345678901234567890123})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, "wrong_type");
  EXPECT_EQ(r.error().message,
            "id must be a string or an integer, not a number beyond 64 bits (an id this large "
            "must be a string)");
  r = ParseArticleJson(R"({"title":"T","id":-9223372036854775809})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "id must be a string or an integer, not a number beyond 64 bits (an id this large "
            "must be a string)");
  r = ParseArticleJson(R"({"title":"T","id":1e30})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "id must be a string or an integer, not a number beyond 64 bits (an id this large "
            "must be a string)");
  r = ParseArticleJson(R"({"title":"T","id":"12345678901234567890123"})");
  ASSERT_TRUE(r.has_value());
}

// Only digits make an integer id: one written with a fraction or an exponent would not come out
// as it was written, and none of these is anywhere near 64 bits.
TEST(ArticleJsonTest, AnIdWithAFractionOrAnExponentIsRefusedAsNotAnInteger) {
  for (const char* line :
       {R"({"title":"a","id":1.0})", R"({"title":"a","id":1e3})", R"({"title":"a","id":-2.5E1})",
        R"({"title":"a","id":1.5})", R"({"title":"a","id":1.5e19})"}) {
    auto r = ParseArticleJson(line);
    ASSERT_FALSE(r.has_value()) << line;
    EXPECT_EQ(r.error().reason, "wrong_type") << line;
    EXPECT_EQ(r.error().message,
              "id must be a string or an integer, not a number with a fraction or an exponent")
        << line;
  }
  auto label = IdFieldOf(Json::parse(R"({"story":2E2})"), "story", "gold.story");
  ASSERT_FALSE(label.has_value());
  EXPECT_EQ(label.error().message,
            "gold.story must be a string or an integer, not a number with a fraction or an "
            "exponent");
}

TEST(ArticleJsonTest, AnIdBeyondADoubleIsNamedSo) {
  auto r = ParseArticleJson(R"({"title":"T","id":1E400})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "id must be a string or an integer, not a number beyond the range of a double");
}

// 1E400 is valid JSON that no double holds: a field the article does not read may hold it.
TEST(ArticleJsonTest, AnUnknownFieldHoldingANumberBeyondADoubleIsIgnored) {
  for (const char* line : {R"({"title":"T","extra":1E400})", R"({"extra":-1e999,"title":"T"})",
                           R"({"title":"T","extra":{"deep":[1,2E400,3]},"id":7})"}) {
    auto r = ParseArticleJson(line);
    ASSERT_TRUE(r.has_value()) << line << ": " << r.error().message;
    EXPECT_EQ(r->article.title, "T") << line;
  }
  EXPECT_EQ(ParseArticleJson(R"({"title":"T","extra":{"deep":[1,2E400,3]},"id":7})")->article.id,
            "7");
}

TEST(ArticleJsonTest, APublishedAtBeyondADoubleIsABadEventTimeSayingSo) {
  for (const char* line :
       {R"({"title":"T","published_at":1E400})", R"({"title":"T","published_at":-1E400})"}) {
    auto r = ParseArticleJson(line);
    ASSERT_FALSE(r.has_value()) << line;
    EXPECT_EQ(r.error().reason, "bad_event_time") << line;
    EXPECT_EQ(r.error().message,
              "published_at is a number beyond the range of a double, not epoch milliseconds");
  }
  auto r = ParseArticleJson(R"({"title":1E400})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "title must be a string, not number");
}

TEST(ArticleJsonTest, ExplainsEveryKindOfBadLine) {
  const struct {
    const char* line;
    const char* reason;
  } cases[] = {
      {"not json", "not_json"},
      {"[1,2]", "not_object"},
      {R"({"body":"no title"})", "missing_field"},
      {R"({"title":5})", "wrong_type"},
      {R"({"title":"T","id":[1]})", "wrong_type"},
      {R"({"title":"T","published_at":"yesterday"})", "bad_event_time"},
      {R"({"title":"T","published_at":true})", "bad_event_time"},
      {"{\"title\":\"caf\xC3\"}", "invalid_utf8"},
      {R"({"title":"A","title":"B"})", "duplicate_key"},
      {R"({"title":"T","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
       "too_deep"},
  };
  for (const auto& c : cases) {
    auto r = ParseArticleJson(c.line);
    ASSERT_FALSE(r.has_value()) << c.line;
    EXPECT_EQ(r.error().reason, c.reason) << c.line;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(ArticleJsonTest, EpochSecondsAreRejectedWithWhatTheyWouldMean) {
  auto r = ParseArticleJson(R"({"title":"T","published_at":1772439300})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, "bad_event_time");
  EXPECT_EQ(r.error().message,
            "published_at 1772439300 as epoch milliseconds is 1970-01-21T12:20:39.300Z, before "
            "1990; if it is epoch seconds (2026-03-02T08:15:00Z), write 1772439300000 or an RFC "
            "3339 string");
  r = ParseArticleJson(R"({"title":"T","published_at":1772439300000000})");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("if it is epoch microseconds (2026-03-02T08:15:00Z), write "
                                   "1772439300000"),
            std::string::npos)
      << r.error().message;
  r = ParseArticleJson(R"({"title":"T","published_at":5})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, "bad_event_time");
  // The bounds themselves: 1990-01-01 is accepted, 2100-01-01 is not.
  EXPECT_TRUE(ParseArticleJson(R"({"title":"T","published_at":631152000000})").has_value());
  EXPECT_FALSE(ParseArticleJson(R"({"title":"T","published_at":631151999999})").has_value());
  EXPECT_FALSE(ParseArticleJson(R"({"title":"T","published_at":4102444800000})").has_value());
  // 0 means "no time" in an article: the epoch written out is refused, not taken as no time.
  auto epoch = ParseArticleJson(R"({"title":"T","published_at":"1970-01-01T00:00:00Z"})");
  ASSERT_FALSE(epoch.has_value());
  EXPECT_EQ(epoch.error().reason, "bad_event_time");
  EXPECT_FALSE(ParseArticleJson(R"({"title":"T","published_at":"1969-12-31T19:00:00-05:00"})"));
  // A number past the largest signed 64-bit one is named as written, not wrapped to -1.
  auto huge = ParseArticleJson(R"({"title":"T","published_at":18446744073709551615})");
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().reason, "bad_event_time");
  EXPECT_NE(huge.error().message.find("18446744073709551615"), std::string::npos)
      << huge.error().message;
  // RFC 3339 says its unit; it is taken as written.
  EXPECT_TRUE(ParseArticleJson(R"({"title":"T","published_at":"1985-07-01T00:00:00Z"})"));
}

TEST(ArticleJsonTest, ALoweredEventTimeFloorAcceptsOlderEpochMilliseconds) {
  // Reuters-21578's first story, 1987-02-26T15:01:01.790Z.
  constexpr std::string_view kLine =
      R"({"title":"BAHIA COCOA REVIEW","published_at":541350061790})";
  EXPECT_FALSE(ParseArticleJson(kLine).has_value());
  core::ValidationOptions validation;
  validation.min_event_time_ms = 536457600000;  // 1987-01-01
  auto r = ParseArticleJson(kLine, validation);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->article.published_at_ms, 541350061790);
  EXPECT_TRUE(ParseArticleLine(kLine, validation).has_value());
  // The bound in the message is the one in force, in full when it is not the start of a year.
  validation.min_event_time_ms = 541350061791;
  auto older = ParseArticleJson(kLine, validation);
  ASSERT_FALSE(older.has_value());
  EXPECT_NE(older.error().message.find("before 1987-02-26T15:01:01.791Z"), std::string::npos)
      << older.error().message;
}

TEST(ArticleJsonTest, ANumericPublishedAtOfZeroIsTheEpochItselfWhateverTheFloor) {
  core::ValidationOptions validation;
  validation.min_event_time_ms = -315619200000;  // 1960-01-01
  for (const char* zero : {"0", "0.7", "-0.0"}) {
    auto r =
        ParseArticleJson(std::string(R"({"title":"T","published_at":)") + zero + "}", validation);
    ASSERT_FALSE(r.has_value()) << zero;
    EXPECT_EQ(r.error().reason, "bad_event_time");
    EXPECT_NE(r.error().message.find("the Unix epoch itself"), std::string::npos)
        << r.error().message;
  }
  EXPECT_TRUE(ParseArticleJson(R"({"title":"T","published_at":-1})", validation).has_value());
}

TEST(ArticleJsonTest, TheEndOfTheEventTimesIsRefusedWrittenEitherWay) {
  for (const char* time : {"4102444800000", R"("2100-01-01T00:00:00Z")"}) {
    auto r = ParseArticleJson(std::string(R"({"title":"T","published_at":)") + time + "}");
    EXPECT_TRUE(!r.has_value() || core::Validate(r->article, {}).has_value()) << time;
  }
  for (const char* time : {"4102444799999", R"("2099-12-31T23:59:59.999Z")"}) {
    auto r = ParseArticleJson(std::string(R"({"title":"T","published_at":)") + time + "}");
    ASSERT_TRUE(r.has_value()) << time;
    EXPECT_FALSE(core::Validate(r->article, {}).has_value()) << time;
  }
}

TEST(ArticleJsonTest, ALineLongerThanAnArticleCanBeIsTooLargeBeforeItIsParsed) {
  const core::ValidationOptions validation;
  const std::string fits(core::MaxRecordBytes(validation), 'x');
  EXPECT_FALSE(CheckLineSize(fits, validation).has_value());
  // What a reader keeps of a longer line (json_lines.h): one byte over the limit.
  const auto error = CheckLineSize(fits + "x", validation);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, "too_large");
  EXPECT_NE(error->message.find(std::to_string(core::MaxRecordBytes(validation))),
            std::string::npos);
}

TEST(ArticleJsonTest, FieldNestedHundredThousandDeepIsRefusedNotACrash) {
  const std::string line =
      R"({"title":"T","x":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  auto r = ParseArticleJson(line);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, "too_deep");
}

TEST(ArticleJsonTest, KeepsKeyOrderForStableOutput) {
  auto r = ParseArticleJson(R"({"title":"T","zeta":1,"alpha":2})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->object.dump(), R"({"title":"T","zeta":1,"alpha":2})");
}

}  // namespace
}  // namespace headwire::common
