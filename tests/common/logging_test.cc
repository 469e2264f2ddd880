#include "common/logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace headwire::common {
namespace {

TEST(LoggingTest, LogfmtPairsBecomeJsonFieldsInOrder) {
  const std::string line = LogfmtToJson("2026-03-02T08:15:00.123Z", "info", "sink",
                                        R"(msg="partition assigned" topic=t partition=3)");
  EXPECT_EQ(line, R"({"ts":"2026-03-02T08:15:00.123Z","level":"info","stage":"sink",)"
                  R"("msg":"partition assigned","topic":"t","partition":"3"})");
}

TEST(LoggingTest, QuotedValuesKeepEscapedQuotesAndNewlines) {
  const std::string value = "say \"hi\"\nthen go";
  const auto json = nlohmann::json::parse(
      LogfmtToJson("t", "warning", "process", "msg=x detail=" + Quote(value)));
  EXPECT_EQ(json["detail"], value);
}

TEST(LoggingTest, TextThatIsNotAPairIsKeptAsMessage) {
  const auto json = nlohmann::json::parse(LogfmtToJson("t", "info", "demo", "plain words here"));
  EXPECT_EQ(json["msg"], "plain words here");
}

TEST(LoggingTest, OnlyLogfmtAndJsonAreFormats) {
  EXPECT_EQ(ParseLogFormat("logfmt"), LogFormat::kLogfmt);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("text").has_value());
}

}  // namespace
}  // namespace headwire::common
