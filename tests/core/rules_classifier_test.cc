#include "core/rules_classifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/core/taxonomy_test_data.h"

namespace headwire::core {
namespace {

using Topics = std::vector<std::string>;

using testing::kShippedTaxonomy;

// Small, hand-checkable rules for the matching mechanics; the shipped file is tested below.
constexpr std::string_view kMechanics = R"(
name = "mechanics"
version = 1
[defaults]
threshold = 1.0
title_weight = 1.0
body_weight = 0.35

[topics.space]
veto = ["mars bar*"]
[topics.space.terms]
"rocket" = 1.0
"mars" = 1.0
"launch*" = 0.3
"launches" = 0.4
"product launch*" = -1.0
"stocks rocket" = 0
"robot*" = 0.2
"robotaxi*" = 0.9

[topics.geopolitics.terms]
"war" = 1.0
"price war" = 0
"trade war" = 1.5
"U.S." = 0.6
"alpha" = 0.7
"beta" = 0.2
"gamma" = 0.1
"third" = 0.33333

[topics.business]
threshold = 0.5
[topics.business.terms]
"shares" = 0.7
"price war" = 0.8
"mars bar*" = 0.5
)";

double ScoreOf(const Classification& c, std::string_view topic) {
  for (const TopicScore& s : c.scores) {
    if (s.topic == topic) return s.score;
  }
  ADD_FAILURE() << "no score for " << topic;
  return NAN;
}

bool Has(const Classification& c, std::string_view topic) {
  return std::ranges::find(c.topics, topic) != c.topics.end();
}

class RulesClassifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto taxonomy = Taxonomy::FromFile(kShippedTaxonomy);
    ASSERT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
    shipped_ = new RulesClassifier(std::move(*taxonomy));
  }
  static void TearDownTestSuite() {
    delete shipped_;
    shipped_ = nullptr;
  }

  static Topics Shipped(std::string_view title, std::string_view body = "") {
    return shipped_->Classify(title, body).topics;
  }

  const RulesClassifier mechanics_ = testing::RulesFromToml(kMechanics);

  static const RulesClassifier* shipped_;
};

const RulesClassifier* RulesClassifierTest::shipped_ = nullptr;

// --- Matching mechanics ------------------------------------------------------------------------

TEST_F(RulesClassifierTest, LongestMatchConsumesTheWordsInside) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Supermarket price war deepens", ""), "geopolitics"), 0);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("War in the north", ""), "geopolitics"), 1.0);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Trade war escalates", ""), "geopolitics"), 1.5);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Stocks rocket higher", ""), "space"), 0);
}

TEST_F(RulesClassifierTest, EachTopicMatchesIndependently) {
  // "price war" shields geopolitics but is itself a business signal.
  const auto c = mechanics_.Classify("Price war", "");
  EXPECT_EQ(ScoreOf(c, "geopolitics"), 0);
  EXPECT_EQ(ScoreOf(c, "business"), 0.8);
  EXPECT_EQ(c.topics, Topics{"business"});
}

TEST_F(RulesClassifierTest, PrefixMatchesWordStartsOnly) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Launched", ""), "space"), 0.3);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Launching", ""), "space"), 0.3);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Launch", ""), "space"), 0.3);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Relaunch of lunch", ""), "space"), 0);
}

TEST_F(RulesClassifierTest, ExactWordBeatsPrefixAndLongerPrefixBeatsShorter) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Launches", ""), "space"), 0.4);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Robotaxis", ""), "space"), 0.9);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Robotics", ""), "space"), 0.2);
}

TEST_F(RulesClassifierTest, PhraseMayEndInAPrefix) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Product launches", ""), "space"), -1.0);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Product launch delayed", ""), "space"), -1.0);
}

TEST_F(RulesClassifierTest, NegativeWeightOutweighsPositiveTerms) {
  const auto c = mechanics_.Classify("Rocket-themed product launch", "");
  EXPECT_EQ(ScoreOf(c, "space"), 0);
  EXPECT_FALSE(Has(c, "space"));
}

TEST_F(RulesClassifierTest, VetoBlocksTheTopicWhateverItsScore) {
  const auto c = mechanics_.Classify("Mars bars fly on a rocket", "");
  EXPECT_EQ(ScoreOf(c, "space"), 2.0);  // the score is still reported
  EXPECT_FALSE(Has(c, "space"));
}

TEST_F(RulesClassifierTest, VetoInTheBodyBlocksToo) {
  EXPECT_TRUE(Has(mechanics_.Classify("Mars rocket", "a red planet"), "space"));
  EXPECT_FALSE(Has(mechanics_.Classify("Mars rocket", "he ate a Mars bar"), "space"));
}

TEST_F(RulesClassifierTest, VetoBlocksOnlyItsOwnTopic) {
  const auto c = mechanics_.Classify("Mars bar maker shares rise", "");
  EXPECT_EQ(c.topics, Topics{"business"});
  EXPECT_EQ(ScoreOf(c, "business"), 1.2);
}

TEST_F(RulesClassifierTest, BodyMatchesCountAtBodyWeight) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("", "rocket"), "space"), 0.35);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("", "rocket to mars"), "space"), 0.7);
  EXPECT_FALSE(Has(mechanics_.Classify("", "rocket to mars"), "space"));
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Rocket", "mars"), "space"), 1.35);
}

TEST_F(RulesClassifierTest, TermCountsOncePerField) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("War, war, war", ""), "geopolitics"), 1.0);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("", "war war war war"), "geopolitics"), 0.35);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("War", "war"), "geopolitics"), 1.35);
}

TEST_F(RulesClassifierTest, PhrasesDoNotSpanTitleAndBody) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Trade", "war"), "geopolitics"), 0.35);
}

TEST_F(RulesClassifierTest, TermsAreNormalisedLikeTheText) {
  for (std::string_view title : {"US", "U.S.", "u.s", "the U.S.'s"}) {
    EXPECT_EQ(ScoreOf(mechanics_.Classify(title, ""), "geopolitics"), 0.6) << title;
  }
  EXPECT_EQ(ScoreOf(mechanics_.Classify("PRICE-WAR", ""), "business"), 0.8);
}

TEST_F(RulesClassifierTest, ScoreThatRoundsToTheThresholdIsAssigned) {
  // 0.7 + 0.2 + 0.1 is 0.9999999999999999 in binary floating point.
  const auto c = mechanics_.Classify("Alpha beta gamma", "");
  EXPECT_EQ(ScoreOf(c, "geopolitics"), 1.0);
  EXPECT_TRUE(Has(c, "geopolitics"));
}

TEST_F(RulesClassifierTest, ScoresAreRoundedToThreeDecimals) {
  EXPECT_EQ(ScoreOf(mechanics_.Classify("Third", ""), "geopolitics"), 0.333);
  EXPECT_EQ(ScoreOf(mechanics_.Classify("", "third"), "geopolitics"), 0.117);
}

TEST_F(RulesClassifierTest, TopicThresholdOverrideApplies) {
  EXPECT_EQ(mechanics_.Classify("Shares", "").topics, Topics{"business"});  // 0.7 >= 0.5
}

TEST_F(RulesClassifierTest, EmptyTextIsOtherWithEveryScoreZero) {
  const auto c = mechanics_.Classify("", "");
  EXPECT_TRUE(c.topics.empty());
  ASSERT_EQ(c.scores.size(), 3u);
  for (const auto& s : c.scores) EXPECT_EQ(s.score, 0) << s.topic;
}

TEST_F(RulesClassifierTest, TopicsAndScoresFollowTaxonomyOrder) {
  const auto c = mechanics_.Classify("Shares rise as trade war hits rocket makers", "");
  EXPECT_EQ(c.topics, (Topics{"space", "geopolitics", "business"}));
  ASSERT_EQ(c.scores.size(), 3u);
  EXPECT_EQ(c.scores[0].topic, "space");
  EXPECT_EQ(c.scores[1].topic, "geopolitics");
  EXPECT_EQ(c.scores[2].topic, "business");
}

TEST_F(RulesClassifierTest, ExplainShowsTermsShieldsRepeatsAndVetoes) {
  const auto matches = mechanics_.Explain("Price war: rocket, rocket", "a Mars bar");
  ASSERT_EQ(matches.size(), 7u);

  EXPECT_EQ(matches[0].topic, "space");
  EXPECT_EQ(matches[0].term, "rocket");
  EXPECT_EQ(matches[0].field, Field::kTitle);
  EXPECT_EQ(matches[0].token, 2u);
  EXPECT_DOUBLE_EQ(matches[0].contribution, 1.0);
  EXPECT_EQ(matches[1].term, "rocket");
  EXPECT_DOUBLE_EQ(matches[1].weight, 1.0);
  EXPECT_DOUBLE_EQ(matches[1].contribution, 0);  // a repeat in the same field
  EXPECT_EQ(matches[2].term, "mars");
  EXPECT_EQ(matches[2].field, Field::kBody);
  EXPECT_DOUBLE_EQ(matches[2].contribution, 0.35);
  EXPECT_TRUE(matches[3].veto);  // vetoes come after the term matches of their topic
  EXPECT_EQ(matches[3].term, "mars bar*");
  EXPECT_EQ(matches[3].matched, "mars bar");
  EXPECT_EQ(matches[3].field, Field::kBody);

  EXPECT_EQ(matches[4].topic, "geopolitics");
  EXPECT_EQ(matches[4].term, "price war");  // the shield that hid "war"
  EXPECT_EQ(matches[4].length, 2u);
  EXPECT_DOUBLE_EQ(matches[4].contribution, 0);

  EXPECT_EQ(matches[5].topic, "business");
  EXPECT_EQ(matches[5].term, "price war");
  EXPECT_DOUBLE_EQ(matches[5].contribution, 0.8);
  EXPECT_EQ(matches[6].term, "mars bar*");
  EXPECT_DOUBLE_EQ(matches[6].contribution, 0.5 * 0.35);
}

TEST_F(RulesClassifierTest, ExplainAgreesWithClassify) {
  const std::string_view title = "SpaceX Insider Share Sale Values Company Near $800 Billion";
  const std::string_view body = "The rocket maker's shares, the company said, rose. NASA agrees.";
  const auto c = shipped_->Classify(title, body);
  const auto matches = shipped_->Explain(title, body);
  for (const TopicScore& s : c.scores) {
    double sum = 0;
    for (const Match& m : matches) {
      if (m.topic == s.topic) sum += m.contribution;
    }
    EXPECT_NEAR(sum, s.score, 0.0005) << s.topic;
  }
}

TEST_F(RulesClassifierTest, FifthTopicNeedsNoCodeChange) {
  std::ifstream in(kShippedTaxonomy);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  text += R"(
[topics.climate]
description = "Climate change and the energy transition."
[topics.climate.terms]
"climate change" = 1.5
"global warming" = 1.5
"emission*" = 0.8
"carbon" = 0.5
"heatwave*" = 0.8
"cop30" = 1.5
)";
  const RulesClassifier classifier = testing::RulesFromToml(text);
  EXPECT_EQ(classifier.taxonomy().topic_names().back(), "climate");

  const auto c = classifier.Classify("EU Lawmakers Back Tougher Carbon Emissions Rules", "");
  EXPECT_EQ(c.topics, (Topics{"geopolitics", "climate"}));
  EXPECT_EQ(c.scores.size(), 5u);
  EXPECT_EQ(classifier.Classify("Heatwave Grips Europe as Global Warming Bites", "").topics,
            Topics{"climate"});
}

TEST_F(RulesClassifierTest, ClassifyIsSafeFromManyThreads) {
  const std::vector<std::string> titles = {
      "Mizuho Raises Broadcom Price Target to $450 on Surging AI Chip Demand",
      "Trump Signs Executive Order to Establish National AI Regulation Standard",
      "Rocket Lab Launches Electron With Ten Satellites",
      "Supermarket Price War Intensifies as Aldi Cuts Prices",
  };
  std::vector<Classification> expected;
  for (const auto& t : titles) expected.push_back(shipped_->Classify(t, t));

  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 500; ++i) {
        const size_t k = static_cast<size_t>(i + w) % titles.size();
        const auto c = shipped_->Classify(titles[k], titles[k]);
        if (c.topics != expected[k].topics) ++mismatches[static_cast<size_t>(w)];
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// --- The shipped taxonomy: PRODUCT.md's worked examples ----------------------------------------

TEST_F(RulesClassifierTest, PriceTargetOnAiChipDemandIsAiAndBusiness) {
  EXPECT_EQ(Shipped("Mizuho Raises Broadcom Price Target to $450 on Surging AI Chip Demand"),
            (Topics{"ai", "business"}));
}

TEST_F(RulesClassifierTest, SpaceXShareSaleIsSpaceAndBusiness) {
  EXPECT_EQ(
      Shipped("SpaceX Insider Share Sale Values Company Near $800 Billion Amid IPO Speculation"),
      (Topics{"space", "business"}));
}

TEST_F(RulesClassifierTest, ExecutiveOrderOnAiIsAiAndGeopolitics) {
  EXPECT_EQ(Shipped("Trump Signs Executive Order to Establish National AI Regulation Standard"),
            (Topics{"ai", "geopolitics"}));
}

TEST_F(RulesClassifierTest, PeaceTalksAreGeopoliticsOnly) {
  EXPECT_EQ(Shipped("Colombia's Clan del Golfo Peace Talks Signal Mandatory Prison Sentences "
                    "for Top Leaders"),
            Topics{"geopolitics"});
  // The same headline as feeds deliver it: typographic apostrophe, HTML entity.
  EXPECT_EQ(Shipped("Colombia\u2019s Clan del Golfo Peace Talks Signal Mandatory Prison "
                    "Sentences for Top Leaders"),
            Topics{"geopolitics"});
  EXPECT_EQ(Shipped("Colombia&#39;s Clan del Golfo Peace Talks Signal Mandatory Prison Sentences "
                    "for Top Leaders"),
            Topics{"geopolitics"});
}

// --- The shipped taxonomy: PRODUCT.md's hard cases, each with a control -----------------------

TEST_F(RulesClassifierTest, ProductLaunchIsNotSpace) {
  EXPECT_EQ(Shipped("Apple Sets September Product Launch Event for iPhone 17"), Topics{"business"});
  EXPECT_TRUE(Shipped("Nike Launches New Running Shoe Line").empty());
  EXPECT_EQ(Shipped("Samsung Launches Galaxy S25 With Satellite Messaging"), Topics{});
  EXPECT_EQ(Shipped("Rocket Lab Launches Electron With Ten Satellites"), Topics{"space"});
}

TEST_F(RulesClassifierTest, MarsConfectionerIsBusinessNotSpace) {
  EXPECT_EQ(Shipped("Mars Wrigley Raises Chocolate Prices as Cocoa Costs Soar"),
            Topics{"business"});
  EXPECT_EQ(Shipped("Mars Inc. Agrees to Buy Kellanova for $36 Billion"), Topics{"business"});
  EXPECT_EQ(Shipped("Mars to Buy Kellanova in $36 Billion Deal"), Topics{"business"});
  EXPECT_EQ(Shipped("Mars Rover Finds Ancient Lake Bed"), Topics{"space"});
}

TEST_F(RulesClassifierTest, StocksRocketIsNotSpace) {
  EXPECT_EQ(Shipped("Tech Stocks Rocket Higher After Strong Earnings"), Topics{"business"});
  EXPECT_EQ(Shipped("Nvidia Shares Rocket After Blowout Quarter"), Topics{"business"});
  EXPECT_EQ(Shipped("Rocket Explodes on Launch Pad in Texas"), Topics{"space"});
}

TEST_F(RulesClassifierTest, MilitaryRocketsAreNotSpace) {
  EXPECT_EQ(Shipped("Hamas Fires Rockets at Israel After Airstrike"), Topics{"geopolitics"});
  EXPECT_TRUE(Shipped("Houston Rockets Beat Lakers in Overtime").empty());
}

TEST_F(RulesClassifierTest, PriceWarIsNotGeopolitics) {
  EXPECT_EQ(Shipped("Supermarket Price War Intensifies as Aldi Cuts Prices"), Topics{"business"});
  EXPECT_EQ(Shipped("Streaming Price Wars Heat Up as Netflix and Disney Cut Fees"),
            Topics{"business"});
  for (std::string_view title : {"Bidding War Erupts for Warner Bros Discovery",
                                 "AI Talent War Heats Up Between Meta and OpenAI",
                                 "Console War Heats Up as Sony Cuts PS5 Price",
                                 "Carriers Escalate Smartphone Trade-In War"}) {
    const auto topics = Shipped(title);
    EXPECT_EQ(std::ranges::find(topics, "geopolitics"), topics.end()) << title;
  }
}

TEST_F(RulesClassifierTest, TradeWarIsGeopolitics) {
  EXPECT_EQ(Shipped("US-China Trade War Escalates With New Tariffs"), Topics{"geopolitics"});
  EXPECT_EQ(Shipped("Russia's War in Ukraine Enters Fourth Year"), Topics{"geopolitics"});
}

TEST_F(RulesClassifierTest, FashionModelIsNotAi) {
  EXPECT_TRUE(Shipped("Fashion Model Gigi Hadid Walks Runway at Paris Fashion Week").empty());
  EXPECT_TRUE(Shipped("Role Model: How One Teacher Changed a Town").empty());
  EXPECT_EQ(Shipped("Tesla Model Y Sales Slump in Europe"), Topics{"business"});
  EXPECT_EQ(Shipped("OpenAI Unveils New Reasoning Model"), Topics{"ai"});
}

TEST_F(RulesClassifierTest, FbiAgentIsNotAi) {
  for (std::string_view title : {"FBI Agent Charged With Leaking Classified Documents",
                                 "Real Estate Agent Commissions Fall After Settlement",
                                 "Free Agent Quarterback Signs With Jets",
                                 "Russia Accused of Using Nerve Agent on Defector"}) {
    const auto topics = Shipped(title);
    EXPECT_EQ(std::ranges::find(topics, "ai"), topics.end()) << title;
  }
  EXPECT_EQ(Shipped("Startups Race to Build Agentic Coding Tools"), Topics{"ai"});
}

TEST_F(RulesClassifierTest, AllenIversonIsNotAi) {
  EXPECT_TRUE(Shipped("Allen Iverson Says He Was Misunderstood").empty());
  EXPECT_TRUE(Shipped("AI Scores 40 as 76ers Beat Celtics").empty());
  EXPECT_TRUE(Shipped("AI Was the Best Crossover Artist", "Allen Iverson, who turns 50").empty());
  EXPECT_EQ(Shipped("AI Startups Raise Record Sums"), Topics{"ai"});
}

}  // namespace
}  // namespace headwire::core
