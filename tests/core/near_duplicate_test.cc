// Near-duplicate rules and look-alike vetoes, one test per variation PRODUCT.md lists.

#include "core/near_duplicate.h"

#include <gtest/gtest.h>

#include "core/headline_features.h"

namespace headwire::core {
namespace {

NearDuplicateMatch MatchHeadlines(std::string_view title_a, std::string_view title_b,
                                  std::string_view body_a = "", std::string_view body_b = "") {
  return MatchNearDuplicate(ExtractHeadlineFeatures(title_a, body_a),
                            ExtractHeadlineFeatures(title_b, body_b));
}

bool Twins(std::string_view title_a, std::string_view title_b, std::string_view body_a = "",
           std::string_view body_b = "") {
  return AreConflictingTwins(ExtractHeadlineFeatures(title_a, body_a),
                             ExtractHeadlineFeatures(title_b, body_b));
}

constexpr std::string_view kTitle = "SpaceX tender offer values company at $900 billion";
constexpr std::string_view kLede =
    "Employees and early investors will be able to sell shares at a price that values the rocket "
    "maker above its last round, people familiar with the matter said.";

TEST(NearDuplicateTest, WirePrefixesAndOutletSuffixesAreDecorations) {
  EXPECT_EQ(MatchHeadlines(kTitle, "UPDATE 2-SpaceX tender offer values company at $900 billion"),
            NearDuplicateMatch::kTitle);
  EXPECT_EQ(MatchHeadlines(kTitle, "EXCLUSIVE-SpaceX tender offer values company at $900 billion"),
            NearDuplicateMatch::kTitle);
  EXPECT_EQ(MatchHeadlines(kTitle, "BREAKING: SpaceX tender offer values company at $900 billion"),
            NearDuplicateMatch::kTitle);
  EXPECT_EQ(
      MatchHeadlines(kTitle, "SpaceX tender offer values company at $900 billion - Orbital Wire"),
      NearDuplicateMatch::kTitle);
  EXPECT_EQ(
      MatchHeadlines(kTitle, "SpaceX tender offer values company at $900 billion | Capitol Post"),
      NearDuplicateMatch::kTitle);
}

TEST(NearDuplicateTest, CaseQuotesEntitiesAndSpellingDoNotMatter) {
  EXPECT_EQ(MatchHeadlines(kTitle, "SPACEX TENDER OFFER VALUES COMPANY AT $900 BILLION"),
            NearDuplicateMatch::kTitle);
  EXPECT_EQ(MatchHeadlines("Crowd chants \xE2\x80\x9CMVP\xE2\x80\x9D as Iverson returns",
                           "Crowd chants \"MVP\" as Iverson returns"),
            NearDuplicateMatch::kTitle);
  EXPECT_EQ(MatchHeadlines("Harlan & Webb rolls out contract review",
                           "Harlan &amp; Webb rolls out contract review"),
            NearDuplicateMatch::kTitle);
  EXPECT_EQ(MatchHeadlines("NATO defence ministers agree plan to boost air defences",
                           "NATO defense ministers agree plan to boost air defenses"),
            NearDuplicateMatch::kTitle);
  EXPECT_EQ(MatchHeadlines("Atlas Bancorp agrees to buy Pinecrest for $14 billion",
                           "Atlas Bancorp agrees to buy Pinecrest for $14 bln"),
            NearDuplicateMatch::kTitle);
}

TEST(NearDuplicateTest, TruncatedTitleIsAPrefix) {
  EXPECT_EQ(
      MatchHeadlines("Ukraine, Russia delegations meet in Geneva for first direct talks in months",
                     "Ukraine, Russia delegations meet in Geneva for first direct talks..."),
      NearDuplicateMatch::kTitle);
  EXPECT_EQ(MatchHeadlines("Magnitude 6.4 earthquake strikes southern Peru",
                           "Magnitude 6.4 earthquake strikes\xE2\x80\xA6"),
            NearDuplicateMatch::kTitle);
  // Too little left to be sure.
  EXPECT_EQ(MatchHeadlines("Magnitude 6.4 earthquake strikes southern Peru", "Magnitude 6.4..."),
            NearDuplicateMatch::kNone);
}

TEST(NearDuplicateTest, SameBodyUnderARewrittenHeadline) {
  EXPECT_EQ(MatchHeadlines(kTitle, "Rocket maker's share sale puts it near a trillion", kLede,
                           std::string("(Ledger Daily) -- ") + std::string(kLede)),
            NearDuplicateMatch::kBody);
}

TEST(NearDuplicateTest, BoilerplateUnderUnrelatedTitlesIsNotOneArticle) {
  for (std::string_view boilerplate :
       {"Read more.", "Comments", "Photo: Getty Images",
        "Click here for the full story and video coverage from our correspondents.",
        "Subscribe to read the full article. Already a subscriber? Sign in to continue reading."}) {
    EXPECT_EQ(MatchHeadlines("NASA delays Artemis II crew launch to April",
                             "Fed holds interest rates steady in March", boilerplate, boilerplate),
              NearDuplicateMatch::kNone)
        << boilerplate;
  }
}

TEST(NearDuplicateTest, TheSameBodyAboutNeitherTitleIsBoilerplate) {
  const auto features = [](std::string_view title, std::string_view body) {
    return ExtractHeadlineFeatures(title, body);
  };
  constexpr std::string_view kPaywall =
      "Subscribe to read the full article. Already a subscriber? Sign in to continue reading.";
  EXPECT_TRUE(
      ShareBoilerplateBody(features("NASA delays Artemis II crew launch to April", kPaywall),
                           features("Fed holds interest rates steady in March", kPaywall)));
  // A lede about its title is the article's own text, even when a partner prints it too.
  constexpr std::string_view kLede = "The Fed held interest rates steady on Wednesday.";
  EXPECT_FALSE(ShareBoilerplateBody(features("Fed holds interest rates steady", kLede),
                                    features("Markets shrug as policy makers wait", kLede)));
  // Two boilerplate bodies that are not the same text.
  EXPECT_FALSE(ShareBoilerplateBody(features("Fed holds interest rates steady", kPaywall),
                                    features("NASA delays Artemis II crew launch", "Read more.")));
  EXPECT_FALSE(ShareBoilerplateBody(features("Fed holds interest rates steady", ""),
                                    features("NASA delays Artemis II crew launch", "")));
}

TEST(NearDuplicateTest, SameBodyEchoingOnlyOneOfTheTitlesIsADuplicate) {
  constexpr std::string_view kContinuation =
      "Nonfarm payrolls came in below forecasts of 160,000 and March was revised lower, the "
      "Labor Department said on Friday.";
  EXPECT_EQ(MatchHeadlines("US employers add 142,000 jobs in April as unemployment rises to 4.5%",
                           "Payroll growth slows in April as jobless rate rises", kContinuation,
                           kContinuation),
            NearDuplicateMatch::kBody);
}

TEST(NearDuplicateTest, BoilerplateUnderLookAlikeTitlesIsNotOneArticle) {
  for (const auto& [a, b] :
       {std::pair{"Fed holds rates steady", "Fed cuts rates"},
        std::pair{"Apple shares rise after earnings", "Apple shares fall after earnings"},
        std::pair{"Watch: Biden speaks in Ohio", "Watch: Biden speaks in Texas"}}) {
    EXPECT_EQ(MatchHeadlines(a, b, "Read more.", "Read more."), NearDuplicateMatch::kNone) << a;
  }
}

TEST(NearDuplicateTest, SameTitleOverDifferentBodiesIsNotADuplicate) {
  EXPECT_EQ(
      MatchHeadlines("Central bank holds rates steady as inflation eases",
                     "Central bank holds rates steady as inflation eases",
                     "The Reserve Bank of Australia kept its cash rate at 3.60% on Tuesday.",
                     "The Bank of Canada left its overnight rate at 2.25% on Wednesday, citing a "
                     "softer labour market and slower growth."),
      NearDuplicateMatch::kNone);
}

TEST(NearDuplicateTest, NumbersThatDifferVetoAMatch) {
  EXPECT_EQ(MatchHeadlines("Drone strike kills 12 in eastern Ukraine",
                           "Drone strike kills 7 in eastern Ukraine"),
            NearDuplicateMatch::kNone);
  EXPECT_EQ(MatchHeadlines("Magnitude 6.1 earthquake strikes off Japan",
                           "Magnitude 5.4 earthquake strikes off Japan"),
            NearDuplicateMatch::kNone);
  EXPECT_EQ(MatchHeadlines("Two killed in Lagos building collapse",
                           "Three killed in Lagos building collapse"),
            NearDuplicateMatch::kNone);
}

TEST(NearDuplicateTest, AnotherActorIsAnotherTitle) {
  EXPECT_EQ(
      MatchHeadlines("Nvidia shares jump 5% after earnings", "AMD shares jump 5% after earnings"),
      NearDuplicateMatch::kNone);
}

TEST(NearDuplicateTest, LookAlikesOfDifferentEventsAreConflictingTwins) {
  EXPECT_TRUE(Twins("Nvidia shares jump 5% after earnings", "AMD shares jump 5% after earnings"));
  EXPECT_TRUE(
      Twins("Drone strike kills 12 in eastern Ukraine", "Drone strike kills 7 in eastern Ukraine"));
  EXPECT_TRUE(Twins("Magnitude 6.4 earthquake strikes off Vanuatu",
                    "Magnitude 6.4 earthquake strikes southern Peru"));
  EXPECT_TRUE(Twins("Finland to raise defence spending to 3.5% of GDP by 2029",
                    "Denmark to raise defence spending to 3.5% of GDP by 2030"));
  EXPECT_TRUE(Twins("Oil prices rise 2% on supply concerns",
                    "Oil prices rise 2% on supply concerns",
                    "Brent crude climbed above $78 a barrel on Monday.",
                    "Brent rose to $81 on Thursday after producers signalled cuts."));
}

TEST(NearDuplicateTest, DifferentWordingsOfOneEventAreNotTwins) {
  EXPECT_FALSE(Twins("NASA pushes Artemis III moon landing to mid-2028",
                     "NASA delays first crewed Moon landing of Artemis era by a year"));
  EXPECT_FALSE(Twins("Fed holds rates steady", "Fed holds rates steady"));
}

TEST(NearDuplicateTest, TitleCaseLookAlikesAreTwinsOnlyByANumberOrASentenceCaseName) {
  // Every word of a Title Case headline is capitalised, so a changed word is not a changed name.
  EXPECT_FALSE(Twins("Titanfall Review Roundup", "Titanfall Review: My Buddy"));
  EXPECT_TRUE(
      Twins("Drone Strike Kills 12 In Eastern Ukraine", "Drone Strike Kills 7 In Eastern Ukraine"));
  // The sentence-case title still says that Nvidia is a name.
  EXPECT_TRUE(Twins("Nvidia shares jump 5% after earnings", "AMD Shares Jump 5% After Earnings"));
}

TEST(NearDuplicateTest, CountriesThatDifferDisagree) {
  auto a = ExtractHeadlineFeatures("Bank of Thailand holds rate", "");
  auto b = ExtractHeadlineFeatures("Polish central bank holds rate", "");
  auto c = ExtractHeadlineFeatures("Warsaw keeps borrowing costs unchanged", "");
  EXPECT_TRUE(CountriesDisagree(a, b));
  EXPECT_FALSE(CountriesDisagree(b, c));  // "Polish" and "Warsaw" both name Poland
}

}  // namespace
}  // namespace headwire::core
