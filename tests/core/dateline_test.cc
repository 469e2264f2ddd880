#include "core/dateline.h"

#include <gtest/gtest.h>

namespace headwire::core {
namespace {

TEST(DatelineTest, AgencyDatelinesAreDropped) {
  EXPECT_EQ(BodyAfterDateline("ATHENS (Reuters) - Greek sprinters quit the Games."),
            "Greek sprinters quit the Games.");
  EXPECT_EQ(BodyAfterDateline("Athens, Greece (Sports Network) - Tim Duncan led a rout."),
            "Tim Duncan led a rout.");
  EXPECT_EQ(BodyAfterDateline("BEIJING, Oct 5 (Reuters) \xE2\x80\x94 China cut rates."),
            "China cut rates.");
  EXPECT_EQ(BodyAfterDateline("NEW YORK (AP) -- Stocks fell."), "Stocks fell.");
}

TEST(DatelineTest, CapitalisedPlaceWithoutSourceIsADateline) {
  EXPECT_EQ(BodyAfterDateline("WASHINGTON \xE2\x80\x94 The Senate voted."), "The Senate voted.");
  EXPECT_EQ(BodyAfterDateline("S\xC3\x83O PAULO - Shares rose."), "Shares rose.");
}

TEST(DatelineTest, OrdinaryOpeningsAreKept) {
  for (const std::string_view body : {
           "A strong earthquake struck near Arequipa early on Monday.",
           "Apple - the company said on Monday - will sell the phone.",
           "The UN envoy - who arrived late - met both sides.",
           "Fort-de-France was quiet on Monday.",
           "Prices rose 3% - the most in a year - as demand grew.",
           "WASHINGTON",
           "",
           "(Reuters) - no place before the source.",
       }) {
    EXPECT_EQ(BodyAfterDateline(body), body) << body;
  }
}

TEST(DatelineTest, OnlyTheBodysOpeningIsSearched) {
  const std::string late = std::string(70, 'x') + " LONDON (Reuters) - text";
  EXPECT_EQ(BodyAfterDateline(late), late);
  EXPECT_EQ(BodyAfterDateline("ONE TWO THREE FOUR FIVE SIX - text"),
            "ONE TWO THREE FOUR FIVE SIX - text");
}

}  // namespace
}  // namespace headwire::core
