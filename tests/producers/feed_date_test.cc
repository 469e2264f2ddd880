// Feed dates: the forms feeds write, read to the instant they name; the forms that would have to
// be guessed, refused. Expected instants are worked out by hand from the zone each text names.

#include "producers/feed_date.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace headwire::producers {
namespace {

int64_t Ms(std::string_view rfc3339) { return *common::ParseRfc3339(rfc3339); }

TEST(FeedDateTest, Rfc822AndRfc3339FormsFeedsUse) {
  EXPECT_EQ(*ParseFeedDate("Tue, 03 Jun 2003 09:39:21 GMT"), Ms("2003-06-03T09:39:21Z"));
  EXPECT_EQ(*ParseFeedDate("Tue, 21 Aug 2012 10:33:00 EST"), Ms("2012-08-21T15:33:00Z"));
  EXPECT_EQ(*ParseFeedDate("Sun, 10 Dec 17 13:01:36 -0800"), Ms("2017-12-10T21:01:36Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 99 08:15:00 GMT"), Ms("1999-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("03 Jun 2003 09:39:21 +0200"), Ms("2003-06-03T07:39:21Z"));
  EXPECT_EQ(*ParseFeedDate("Mon,02 Mar 2026 8:15:00 GMT"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("02 Mar 2026 08:15 GMT"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 +0100 (CET)"), Ms("2026-03-02T07:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("2005-11-20T01:11:49+00:00"), Ms("2005-11-20T01:11:49Z"));
  EXPECT_EQ(*ParseFeedDate(" 2018-11-19T21:45:04.398Z "), Ms("2018-11-19T21:45:04.398Z"));
  EXPECT_FALSE(ParseFeedDate("yesterday-ish"));
  EXPECT_FALSE(ParseFeedDate(""));
  // 0 is an item's "no date": the epoch written out is not read as one.
  EXPECT_FALSE(ParseFeedDate("1970-01-01T00:00:00Z"));
  EXPECT_FALSE(ParseFeedDate("Thu, 01 Jan 1970 00:00:00 GMT"));
}

// A 1970 placeholder is a date read and out of range, not an unreadable one.
TEST(FeedDateTest, TheEpochWrittenOutIsADateNotAnUnreadableText) {
  EXPECT_TRUE(IsUnixEpochDate("Thu, 01 Jan 1970 00:00:00 GMT"));
  EXPECT_TRUE(IsUnixEpochDate(" 1970-01-01T00:00:00Z "));
  EXPECT_TRUE(IsUnixEpochDate("1970-01-01T01:00:00+01:00"));
  EXPECT_FALSE(IsUnixEpochDate("Thu, 01 Jan 1970 00:00:01 GMT"));
  EXPECT_FALSE(IsUnixEpochDate("Tue, 31 Feb 2026 08:15:00 GMT"));
  EXPECT_FALSE(IsUnixEpochDate("yesterday-ish"));
  EXPECT_FALSE(IsUnixEpochDate(""));
  EXPECT_EQ(ParseFeedDate(" 1970-01-01T00:00:00Z ").error().message(),
            "the Unix epoch: \"1970-01-01T00:00:00Z\"");
}

TEST(FeedDateTest, W3cdtfPartialFormsOfRdfDcDateAreRead) {
  EXPECT_EQ(*ParseFeedDate("2026-03-02"), Ms("2026-03-02T00:00:00Z"));
  EXPECT_EQ(*ParseFeedDate("2026-03-02T08:15Z"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("2026-03-02T08:15+09:00"), Ms("2026-03-01T23:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("2026-03-02t08:15:00z"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("2026-03-02T08:15:00.123456+01:00"), Ms("2026-03-02T07:15:00.123Z"));
  EXPECT_EQ(*ParseFeedDate("20260302T081500Z"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_FALSE(ParseFeedDate("2026-03"));
  EXPECT_FALSE(ParseFeedDate("2026-03-02T08"));
}

TEST(FeedDateTest, OffsetsWithoutColonASpaceForTAndNoZoneAreRead) {
  EXPECT_EQ(*ParseFeedDate("2026-03-02T08:15:00+0100"), Ms("2026-03-02T07:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("2026-03-02 08:15:00 +0100"), Ms("2026-03-02T07:15:00Z"));
  // No zone: UTC, as RFC 822 readers take "Mon, 02 Mar 2026 08:15:00".
  EXPECT_EQ(*ParseFeedDate("2026-03-02 08:15:00"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("2026-03-02T08:15:00"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00"), Ms("2026-03-02T08:15:00Z"));
}

TEST(FeedDateTest, Rfc822WithColonOffsetsZoneNamesAndFullNames) {
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 +01:00"), Ms("2026-03-02T07:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 -00:00"), Ms("2026-03-02T08:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 MSK"), Ms("2026-03-02T05:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 IST"), Ms("2026-03-02T02:45:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 AEST"), Ms("2026-03-01T22:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 CEST"), Ms("2026-03-02T06:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Monday, 02 March 2026 08:15:00 GMT"), Ms("2026-03-02T08:15:00Z"));
}

TEST(FeedDateTest, AnOffsetAfterAZoneNameIsAppliedNotIgnored) {
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 GMT+1"), Ms("2026-03-02T07:15:00Z"));
  EXPECT_EQ(*ParseFeedDate("Mon, 02 Mar 2026 08:15:00 UTC-05:00"), Ms("2026-03-02T13:15:00Z"));
  EXPECT_FALSE(ParseFeedDate("Mon, 02 Mar 2026 08:15:00 EST+1"));
}

TEST(FeedDateTest, ImpossibleDatesAndGuessedZonesAreRefused) {
  EXPECT_FALSE(ParseFeedDate("Tue, 31 Feb 2026 08:15:00 GMT"));
  EXPECT_FALSE(ParseFeedDate("2026-02-31T08:15:00Z"));
  EXPECT_FALSE(ParseFeedDate("Mon, 02 Mar 2026 24:00:00 GMT"));
  EXPECT_FALSE(ParseFeedDate("Mon, 02 Mar 2026 08:61:00 GMT"));
  // RFC 822 wrote the military zones with the wrong sign: reading "A" would be a guess.
  EXPECT_FALSE(ParseFeedDate("Mon, 02 Mar 2026 08:15:00 A"));
  EXPECT_FALSE(ParseFeedDate("Mon, 02 Mar 2026 08:15:00 XYZ"));
  EXPECT_FALSE(ParseFeedDate("Mon, 02 Mar 2026 08:15:00 GMT and more"));
}

// C's asctime() form, as feeds generated by scripts write it: "Weekday Month Day Time Year", the
// day padded with a space, a zone before the year as date(1) writes it.
TEST(FeedDateTest, TheAsctimeFormIsReadWithOrWithoutAZone) {
  EXPECT_EQ(*ParseFeedDate("Tue Jun 10 04:00:00 2003"), Ms("2003-06-10T04:00:00Z"));
  EXPECT_EQ(*ParseFeedDate("Tue Jun  3 04:00:00 2003"), Ms("2003-06-03T04:00:00Z"));
  EXPECT_EQ(*ParseFeedDate("Tue Jun 10 04:00:00 PDT 2003"), Ms("2003-06-10T11:00:00Z"));
  EXPECT_EQ(*ParseFeedDate("Jun 10 04:00:00 2003"), Ms("2003-06-10T04:00:00Z"));
  EXPECT_FALSE(ParseFeedDate("Tue Jun 31 04:00:00 2003"));
  EXPECT_FALSE(ParseFeedDate("Tue Jun 10 04:00:00 03"));
  EXPECT_FALSE(ParseFeedDate("Tue Jun 10 04:00:00 XYZ 2003"));
}

}  // namespace
}  // namespace headwire::producers
