#include "core/dateline.h"

#include <gtest/gtest.h>

#include <string>

namespace headwire::core {
namespace {

TEST(DatelineTest, WireDatelinesAndOutletTagsAreDropped) {
  EXPECT_EQ(BodyAfterDateline("ATHENS (Reuters) - Greek sprinters quit the Games."),
            "Greek sprinters quit the Games.");
  EXPECT_EQ(BodyAfterDateline("LONDON (Ledger Daily) -- Shares fell."), "Shares fell.");
  EXPECT_EQ(BodyAfterDateline("(Bloomberg) -- Oil rose."), "Oil rose.");
  EXPECT_EQ(BodyAfterDateline(" DENVER (Reuters) - Prosecutors asked."), "Prosecutors asked.");
  EXPECT_EQ(BodyAfterDateline("BEIJING, 5 OCT (Reuters) \xE2\x80\x94 China cut rates."),
            "China cut rates.");
  EXPECT_EQ(BodyAfterDateline("NEW YORK (AP) | Stocks fell. "), "Stocks fell.");
}

TEST(DatelineTest, AfterThePlaceADateMaySpellItsMonthAndAStateBeAbbreviated) {
  EXPECT_EQ(BodyAfterDateline("BEIJING, Oct 5 (Reuters) - China cut rates."), "China cut rates.");
  EXPECT_EQ(BodyAfterDateline("WASHINGTON, March 3, 2025 (AP) \xE2\x80\x94 The Senate voted."),
            "The Senate voted.");
  EXPECT_EQ(BodyAfterDateline("PARIS, Sept. 14 (AFP) - Strikes spread."), "Strikes spread.");
  EXPECT_EQ(BodyAfterDateline("CAPE CANAVERAL, Fla., May 3 (AP) - It flew."), "It flew.");
  EXPECT_EQ(BodyAfterDateline("ST. LOUIS, Mo. (AP) - Rain fell."), "Rain fell.");
  EXPECT_EQ(BodyAfterDateline("WASHINGTON, D.C. (AP) - Rain fell."), "Rain fell.");
  EXPECT_EQ(BodyAfterDateline("ROME, 5 OCT (ANSA) - Rain fell."), "Rain fell.");
  EXPECT_EQ(BodyAfterDateline("LONDON (Reuters) - "), "");
}

TEST(DatelineTest, OpeningsThatAreTheStoryAreKept) {
  for (const std::string_view body : {
           "A strong earthquake struck near Arequipa early on Monday.",
           "NASA - the agency said on Monday - will delay the launch.",
           "EU - UK trade talks resume in Brussels.",
           "Apple Inc (AAPL.O) - the iPhone maker said sales rose.",
           "Athens, Greece (Sports Network) - Tim Duncan led a rout.",
           "Shares (ordinary) fell - a lot.",
           "WASHINGTON \xE2\x80\x94 The Senate voted.",
           "LONDON (Reuters) Shares fell without a separator.",
           "Beijing, Oct 5 (Reuters) - China cut rates.",
           "LONDON, Octopus day (Reuters) - Shares fell.",
           "APPLE, Inc. (AAPL) - Apple said sales rose.",
           "UK, May (Conservative) - The prime minister said.",
           "CEO, Jr. (left) - shakes hands.",
           "Q3, est. (consensus) - Revenue beat.",
           "(Reuters) ",
           "",
       }) {
    EXPECT_EQ(BodyAfterDateline(body), body) << body;
  }
}

TEST(DatelineTest, OnlyTheBodysOpeningIsSearched) {
  // Built by appending: GCC 12's -Wrestrict misreads "literal" + std::string in Release.
  std::string late(60, 'X');
  late += " (Reuters) - text";
  EXPECT_EQ(BodyAfterDateline(late), late);
  std::string long_source = "LONDON (";
  long_source.append(45, 'R');
  long_source += ") - text";
  EXPECT_EQ(BodyAfterDateline(long_source), long_source);
}

}  // namespace
}  // namespace headwire::core
