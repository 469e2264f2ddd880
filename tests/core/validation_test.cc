#include "core/validation.h"

#include <gtest/gtest.h>

namespace headwire::core {
namespace {

Article Valid() {
  Article a;
  a.id = "a1";
  a.title = "SpaceX launches 24 Starlink satellites";
  a.published_at_ms = 1772438400000;  // 2026-03-02
  return a;
}

TEST(ValidationTest, AcceptsAMinimalArticle) {
  EXPECT_FALSE(Validate(Valid(), {}).has_value());
  Article title_only;
  title_only.title = "Only a title";
  EXPECT_FALSE(Validate(title_only, {}).has_value());
}

TEST(ValidationTest, RejectsMissingOrBlankTitle) {
  Article a = Valid();
  a.title = "  \t ";
  auto r = Validate(a, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, RejectReason::kMissingField);
}

TEST(ValidationTest, RejectsTitleMadeOnlyOfUnicodeBlanks) {
  for (const char* blank :
       {"\u00A0\u3000\u2003", "\u200B\u200B", "\uFEFF \u2028", "\u3164\u2800", "\x1B\x07\r"}) {
    Article a = Valid();
    a.title = blank;
    auto r = Validate(a, {});
    ASSERT_TRUE(r.has_value()) << a.title;
    EXPECT_EQ(r->reason, RejectReason::kMissingField);
  }
}

TEST(ValidationTest, AcceptsShortTitlesThatShowSomething) {
  for (const char* title : {"\u00A0A\u00A0", "\U0001F680", "!", "\u4E2D"}) {
    Article a = Valid();
    a.title = title;
    EXPECT_FALSE(Validate(a, {}).has_value()) << a.title;
  }
}

TEST(ValidationTest, RejectsOversizedFieldsNamingTheField) {
  Article a = Valid();
  a.title = std::string(5000, 'x');
  auto r = Validate(a, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, RejectReason::kTooLarge);
  EXPECT_EQ(r->message, "title is 5000 bytes (max 2048)");

  a = Valid();
  a.body = std::string(300 * 1024, 'y');
  r = Validate(a, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, RejectReason::kTooLarge);
}

TEST(ValidationTest, RejectsInvalidUtf8InAnyField) {
  Article a = Valid();
  a.source = "Caf\xC3";
  auto r = Validate(a, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, RejectReason::kInvalidUtf8);
  EXPECT_NE(r->message.find("source"), std::string::npos);
}

TEST(ValidationTest, RejectsEventTimesBefore1990ByDefault) {
  Article a = Valid();
  a.published_at_ms = 1772439300;  // epoch seconds of 2026-03-02 read as ms: January 1970
  ASSERT_TRUE(Validate(a, {}).has_value());
  EXPECT_EQ(Validate(a, {})->reason, RejectReason::kBadEventTime);
  a.published_at_ms = 631152000000;  // 1990-01-01T00:00:00Z
  EXPECT_FALSE(Validate(a, {}).has_value());
}

// The bound and the time are said as times, not as milliseconds, and an old stream is pointed to
// --min-event-time.
TEST(ValidationTest, AnEventTimeOutsideTheRangeIsNamedInRfc3339) {
  Article a = Valid();
  a.published_at_ms = 541671300000;  // 1987-03-02T08:15:00Z
  auto r = Validate(a, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->message,
            "published_at 1987-03-02T08:15:00Z is before 1990-01-01T00:00:00Z, the earliest event "
            "time accepted; for an older stream, lower --min-event-time on every stage that reads "
            "it");
  a.published_at_ms = -5;
  ASSERT_TRUE(Validate(a, {}).has_value());
  EXPECT_TRUE(
      Validate(a, {})->message.starts_with("published_at 1969-12-31T23:59:59.995Z is before "))
      << Validate(a, {})->message;
  a.published_at_ms = 32503680000000;  // year 3000
  ASSERT_TRUE(Validate(a, {}).has_value());
  EXPECT_EQ(Validate(a, {})->message,
            "published_at 3000-01-01T00:00:00Z is not before 2100-01-01T00:00:00Z, the end of "
            "the accepted event times");
  // The end itself is refused: the bound is excluded, as the numeric form's is.
  a.published_at_ms = 4102444800000;
  EXPECT_TRUE(Validate(a, {}).has_value());
  a.published_at_ms = 4102444799999;
  EXPECT_FALSE(Validate(a, {}).has_value());
  a.published_at_ms = INT64_MIN + 1;
  ASSERT_TRUE(Validate(a, {}).has_value());
  EXPECT_NE(Validate(a, {})->message.find(std::to_string(INT64_MIN + 1) + " ms"),
            std::string::npos);
}

// Year 0000 is one RFC 3339 writes: a time given so is shown as given, not in milliseconds.
TEST(ValidationTest, AnEventTimeInYearZeroIsShownAsRfc3339) {
  Article a = Valid();
  a.published_at_ms = -62167219200000;  // 0000-01-01T00:00:00Z: 719528 days before 1970
  ASSERT_TRUE(Validate(a, {}).has_value());
  EXPECT_TRUE(Validate(a, {})->message.starts_with(
      "published_at 0000-01-01T00:00:00Z is before 1990-01-01T00:00:00Z, "))
      << Validate(a, {})->message;
  a.published_at_ms = -62167219200001;  // before year 0000: RFC 3339 has no form for it
  ASSERT_TRUE(Validate(a, {}).has_value());
  EXPECT_TRUE(Validate(a, {})->message.starts_with("published_at -62167219200001 ms is before "))
      << Validate(a, {})->message;
}

TEST(ValidationTest, RejectsEventTimesOutsideTheRange) {
  Article a = Valid();
  a.published_at_ms = -5;
  ASSERT_TRUE(Validate(a, {}).has_value());
  EXPECT_EQ(Validate(a, {})->reason, RejectReason::kBadEventTime);
  a.published_at_ms = 32503680000000;  // year 3000
  ASSERT_TRUE(Validate(a, {}).has_value());
  ValidationOptions old_archives;
  old_archives.min_event_time_ms = -2208988800000;  // 1900
  a.published_at_ms = -5;
  EXPECT_FALSE(Validate(a, old_archives).has_value());
}

}  // namespace
}  // namespace headwire::core
