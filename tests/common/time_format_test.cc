#include "common/time_format.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace headwire::common {
namespace {

TEST(TimeFormatTest, ParsesUtcAndOffsets) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(ParseRfc3339("2026-03-02T08:15:00Z").value(), 1772439300000);
  EXPECT_EQ(ParseRfc3339("2026-03-02T09:15:00+01:00").value(), 1772439300000);
  EXPECT_EQ(ParseRfc3339("2026-03-02T03:15:00-05:00").value(), 1772439300000);
  EXPECT_EQ(ParseRfc3339("2026-03-02 08:15:00.25z").value(), 1772439300250);
  EXPECT_EQ(ParseRfc3339("1987-02-26T15:01:01Z").value(), 541350061000);
}

TEST(TimeFormatTest, RejectsMalformedDates) {
  for (const char* bad : {"not-a-date", "2026-02-30T00:00:00Z", "2026-03-02T25:00:00Z",
                          "2026-03-02T08:15:00", "2026-03-02T08:15:00Zjunk", "2026-03-02",
                          "2026-03-02T08:15:00.Z", "2026-03-02T08:15:00+5:00", ""}) {
    auto r = ParseRfc3339(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_TRUE(r.error().IsInvalidArgument());
    }
  }
}

TEST(TimeFormatTest, FormatsRoundTrip) {
  EXPECT_EQ(FormatRfc3339(1772439300000), "2026-03-02T08:15:00Z");
  EXPECT_EQ(FormatRfc3339(1772439300250), "2026-03-02T08:15:00.250Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
  for (int64_t t : {int64_t{0}, int64_t{541350061000}, int64_t{4102444799999}}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)).value(), t);
  }
}

TEST(TimeFormatTest, ErrorQuotingALongTextStaysValidUtf8) {
  std::string text = "2026-03-02T00:15:00Z";
  for (int i = 0; i < 40; ++i) text += "\u0190";  // two bytes each: byte 64 splits one
  auto parsed = ParseRfc3339(text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_TRUE(core::IsValidUtf8(parsed.error().message())) << parsed.error().message();
}

TEST(TimeFormatTest, ErrorQuotingATextWithControlCharactersEscapesThem) {
  auto parsed = ParseRfc3339("\x1B[2J\x1B]0;owned\x07\"");
  ASSERT_FALSE(parsed.has_value());
  const std::string& message = parsed.error().message();
  EXPECT_EQ(message.find('\x1B'), std::string::npos) << message;
  EXPECT_EQ(message.find('\x07'), std::string::npos) << message;
  EXPECT_NE(message.find(R"("\x1B[2J\x1B]0;owned\x07\"")"), std::string::npos) << message;
}

TEST(TimeFormatTest, AnOffsetCarryingATimeOutsideYears0000To9999IsRefused) {
  EXPECT_EQ(ParseRfc3339("0000-01-01T00:00:00Z").value(), kMinRfc3339Ms);
  EXPECT_EQ(ParseRfc3339("0000-01-01T01:00:00+01:00").value(), kMinRfc3339Ms);
  EXPECT_EQ(ParseRfc3339("9999-12-31T23:59:59.999Z").value(), kMaxRfc3339Ms);
  auto early = ParseRfc3339("0000-01-01T00:30:00+01:00");
  ASSERT_FALSE(early.has_value());
  EXPECT_NE(early.error().message().find("before 0000-01-01T00:00:00Z in UTC): "
                                         "\"0000-01-01T00:30:00+01:00\""),
            std::string::npos)
      << early.error().message();
  auto late = ParseRfc3339("9999-12-31T23:59:59-01:00");
  ASSERT_FALSE(late.has_value());
  EXPECT_NE(late.error().message().find("after 9999-12-31T23:59:59.999Z in UTC"), std::string::npos)
      << late.error().message();
}

TEST(TimeFormatTest, TimesOutsideYears0000To9999AreWrittenAsMilliseconds) {
  EXPECT_EQ(FormatRfc3339(kMaxRfc3339Ms), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(kMinRfc3339Ms), "0000-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(FormatRfc3339(INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(FormatRfc3339(kMaxRfc3339Ms + 1), "253402300800000");
}

}  // namespace
}  // namespace headwire::common
