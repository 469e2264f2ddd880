#include "common/strict_json.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <string_view>

#include "core/text.h"

namespace headwire::common {
namespace {

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(StrictJsonTest, ParsesAnObjectKeepingKeyOrder) {
  auto r = ParseStrictJson(R"({"b":1,"a":[true,null,"x",2.5]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->dump(), R"({"b":1,"a":[true,null,"x",2.5]})");
}

TEST(StrictJsonTest, ANumberBeyondADoubleIsReadAsInfinityOfItsSign) {
  auto r = ParseStrictJson(R"({"a":1E400,"b":[-2e999,"1E400",3],"c":1.5,"d":-0})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)["a"].get<double>(), std::numeric_limits<double>::infinity());
  EXPECT_EQ((*r)["b"][0].get<double>(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ((*r)["b"][1], "1E400");
  EXPECT_EQ((*r)["b"][2], 3);
  EXPECT_EQ((*r)["c"].get<double>(), 1.5);
  EXPECT_EQ((*r)["d"], 0);
}

TEST(StrictJsonTest, ATextWithANumberBeyondADoubleIsStillCheckedAfterIt) {
  // The problem after the number is found, at the byte it is at.
  auto r = ParseStrictJson(R"({"a":1E400,"a":1})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().problem, JsonProblem::kDuplicateKey);
  r = ParseStrictJson(R"({"a":1E400,})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().problem, JsonProblem::kNotJson);
  EXPECT_EQ(r.error().message, ParseStrictJson(R"({"a":12345,})").error().message);
  r = ParseStrictJson(R"([1E400)");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().problem, JsonProblem::kNotJson);
}

TEST(StrictJsonTest, ARunOfNumberBytesThatIsNoOneNumberIsNotJsonEvenWhenItStartsBeyondADouble) {
  for (const char* text :
       {R"({"x":1e400-})", R"({"x":1e400.5})", R"({"x":1e400e5})", R"({"x":1e400.})",
        R"({"x":1e4001.2.3.4})", R"({"x":1e400+-+})", R"({"x":-1e400-})", R"({"x":1e+-400})"}) {
    auto r = ParseStrictJson(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().problem, JsonProblem::kNotJson) << text;
  }
  for (const char* text : {R"({"x":1e400})", R"({"x":-0.5E+400})", R"({"x":10e0400})"}) {
    EXPECT_TRUE(ParseStrictJson(text).has_value()) << text;
  }
}

TEST(StrictJsonTest, ANumberBeyondADoubleIsWrittenBackAsOneWhereverItStands) {
  const std::string text = R"({"a":1e400,"b":[-1E400,{"c":1e999}],"d":"1e400","e":1.5})";
  auto value = ParseStrictJson(text);
  ASSERT_TRUE(value.has_value());
  const std::string written = DumpStrictJson(*value);
  EXPECT_EQ(written, R"({"a":1e999,"b":[-1e999,{"c":1e999}],"d":"1e400","e":1.5})");
  auto again = ParseStrictJson(written);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(DumpStrictJson(*again), written);
}

TEST(StrictJsonTest, NestingAtTheLimitIsAccepted) {
  EXPECT_TRUE(ParseStrictJson(Nested(64)).has_value());
  EXPECT_TRUE(ParseStrictJson(Nested(3), {.max_depth = 3}).has_value());
}

TEST(StrictJsonTest, NestingPastTheLimitIsRefused) {
  auto r = ParseStrictJson(Nested(4), {.max_depth = 3});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().problem, JsonProblem::kTooDeep);
}

TEST(StrictJsonTest, HundredThousandLevelsAreRefusedWithoutCrashing) {
  const std::string deep =
      R"({"title":"T","x":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  auto r = ParseStrictJson(deep);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().problem, JsonProblem::kTooDeep);
  // Unclosed nesting is refused the same way, before the end of the text.
  r = ParseStrictJson(std::string(100'000, '{'));
  ASSERT_FALSE(r.has_value());
}

TEST(StrictJsonTest, DuplicateKeyIsRefused) {
  auto r = ParseStrictJson(R"({"title":"A","title":"B"})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().problem, JsonProblem::kDuplicateKey);
  EXPECT_NE(r.error().message.find("title"), std::string::npos);
}

TEST(StrictJsonTest, DuplicateKeyMessageStaysValidUtf8) {
  std::string key;
  for (int i = 0; i < 40; ++i) key += "\u0190";
  auto r = ParseStrictJson("{\"" + key + "\":1,\"" + key + "\":2}");
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(core::IsValidUtf8(r.error().message));
}

TEST(StrictJsonTest, DuplicateKeyMessageEscapesControlCharactersOfTheKey) {
  auto r = ParseStrictJson(R"({"a\u001b]0;x\u0007\u0000b":1,"a\u001b]0;x\u0007\u0000b":2})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, R"(the key "a\x1B]0;x\x07\x00b" appears twice in one object)");
}

TEST(StrictJsonTest, SameKeyInDifferentObjectsIsFine) {
  EXPECT_TRUE(ParseStrictJson(R"({"a":{"a":1},"b":{"a":2}})").has_value());
  EXPECT_TRUE(ParseStrictJson(R"([{"a":1},{"a":2}])").has_value());
}

TEST(StrictJsonTest, DuplicateKeyInANestedObjectIsRefused) {
  auto r = ParseStrictJson(R"({"x":{"k":1,"k":2}})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().problem, JsonProblem::kDuplicateKey);
}

TEST(StrictJsonTest, MalformedTextIsNotJson) {
  for (const char* text : {"", "{", "{\"a\":}", "[1,]", "nul", "{} {}"}) {
    auto r = ParseStrictJson(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().problem, JsonProblem::kNotJson) << text;
  }
}

// The parser underneath ends a text at a NUL byte: what follows, a second record, would be lost
// without a word.
TEST(StrictJsonTest, ANulByteIsNotJsonWhereverItIs) {
  using namespace std::string_view_literals;
  for (const auto text :
       {"{\"a\":1}\0{\"b\":2}"sv, "{\"a\":1}\0"sv, "\0{\"a\":1}"sv, "{\"a\":\"x\0y\"}"sv}) {
    auto r = ParseStrictJson(text);
    ASSERT_FALSE(r.has_value()) << text.size();
    EXPECT_EQ(r.error().problem, JsonProblem::kNotJson);
    EXPECT_NE(r.error().message.find("NUL byte at byte " + std::to_string(text.find('\0') + 1)),
              std::string::npos)
        << r.error().message;
  }
}

}  // namespace
}  // namespace headwire::common
