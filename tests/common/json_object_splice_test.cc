#include "common/json_object_splice.h"

#include <gtest/gtest.h>

#include <string>

namespace headwire::common {
namespace {

std::string Splice(std::string_view text, const Json& fields) {
  auto out = SpliceObjectMembers(text, fields);
  EXPECT_TRUE(out.has_value()) << text;
  return out ? *out : "";
}

// Parsing and writing back would round 12345678901234567890123 to a double and 1.10 to 1.1.
TEST(JsonObjectSpliceTest, MembersKeptAreCopiedByteForByte) {
  EXPECT_EQ(Splice(R"({"n": 12345678901234567890123, "f":1.10,"e":1E3,"s":"a\u00e9\"}"})",
                   Json{{"topics", Json::array({"ai"})}}),
            R"({"n": 12345678901234567890123,"f":1.10,"e":1E3,"s":"a\u00e9\"}","topics":["ai"]})");
}

TEST(JsonObjectSpliceTest, AMemberTheFieldsNameIsReplacedWhereverItStood) {
  EXPECT_EQ(Splice(R"({"topics":["space"],"title":"x","scores":{"a":1}})",
                   Json{{"topics", Json::array()}, {"scores", Json::object()}}),
            R"({"title":"x","topics":[],"scores":{}})");
}

// Keys are compared as JSON reads them: an escaped key is the same key.
TEST(JsonObjectSpliceTest, AnEscapedKeyIsReplacedLikeItsPlainSpelling) {
  EXPECT_EQ(Splice(R"({"\u0074opics":[1],"title":"x"})", Json{{"topics", 2}}),
            R"({"title":"x","topics":2})");
}

TEST(JsonObjectSpliceTest, BracesCommasAndQuotesInsideValuesDoNotEndAMember) {
  const std::string text =
      R"( { "a" : { "b" : [ "}", ",", "\\", { "c" : "]" } ] } , "d" : "\"," } )";
  EXPECT_EQ(Splice(text, Json{{"x", 1}}),
            R"({"a" : { "b" : [ "}", ",", "\\", { "c" : "]" } ] },"d" : "\",","x":1})");
}

TEST(JsonObjectSpliceTest, AnEmptyObjectGetsTheFieldsAlone) {
  EXPECT_EQ(Splice("{ }", Json{{"x", 1}}), R"({"x":1})");
  EXPECT_EQ(Splice(R"({"x":0})", Json::object()), R"({"x":0})");
  EXPECT_EQ(Splice(R"({"x":0})", Json{{"x", 1}}), R"({"x":1})");
}

// The JSON reader skips a byte order mark before a record, and so does the splice.
TEST(JsonObjectSpliceTest, AByteOrderMarkAndALineEndAreNotPartOfTheRecord) {
  EXPECT_EQ(Splice("\xEF\xBB\xBF{\"a\":1}\r", Json{{"x", 1}}), R"({"a":1,"x":1})");
}

TEST(JsonObjectSpliceTest, TheFieldsAreWrittenAsValidUtf8) {
  EXPECT_EQ(Splice("{}", Json{{"s", std::string("a\xff")}}), "{\"s\":\"a\xef\xbf\xbd\"}");
}

TEST(JsonObjectSpliceTest, TextThatIsNoObjectIsNotAnObject) {
  for (const char* text : {"[1]", "", "  ", R"({"a":1)", R"({"a":1} x)", R"({"a" 1})", "{1:2}",
                           R"({"a":"unterminated})"}) {
    auto out = SpliceObjectMembers(text, Json{{"x", 1}});
    ASSERT_FALSE(out.has_value()) << text << " gave " << *out;
    EXPECT_EQ(out.error().reason, "not_object") << text;
  }
}

}  // namespace
}  // namespace headwire::common
