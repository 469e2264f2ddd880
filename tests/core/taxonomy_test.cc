#include "core/taxonomy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>

#include "tests/core/taxonomy_test_data.h"

namespace headwire::core {
namespace {

using testing::kShippedTaxonomy;

// A valid two-topic taxonomy; error tests append to it or replace parts of it.
constexpr std::string_view kValid = R"(
name = "test"
version = 3
[defaults]
threshold = 2.0
title_weight = 1.5
body_weight = 0.5
[topics.zeta]
description = "the last letter first"
veto = ["Mars bar*"]
[topics.zeta.terms]
"rocket" = 1.0
"U.S. Army" = 0.5
"launch*" = 0.25
"price war" = 0
[topics.alpha]
threshold = 0.5
[topics.alpha.terms]
"shares" = 2
)";

// Parses `text` and expects an InvalidArgument whose message contains every one of `parts`.
void ExpectInvalid(std::string_view text, std::initializer_list<std::string_view> parts) {
  const auto taxonomy = Taxonomy::FromString(text, "test.toml");
  ASSERT_FALSE(taxonomy.has_value()) << "accepted:\n" << text;
  EXPECT_TRUE(taxonomy.error().IsInvalidArgument()) << taxonomy.error().ToString();
  for (std::string_view part : parts) {
    EXPECT_NE(taxonomy.error().message().find(part), std::string::npos)
        << "'" << part << "' missing from: " << taxonomy.error().message();
  }
}

// A one-topic taxonomy whose [topics.t.terms] table is `terms`.
std::string WithTerms(std::string_view terms) {
  return std::string("name = \"t\"\nversion = 1\n[topics.space.terms]\n") + std::string(terms);
}

TEST(TaxonomyTest, ParsesNameVersionDefaultsAndTopics) {
  const auto taxonomy = Taxonomy::FromString(kValid, "test.toml");
  ASSERT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
  EXPECT_EQ(taxonomy->name(), "test");
  EXPECT_EQ(taxonomy->version(), 3);
  EXPECT_EQ(taxonomy->origin(), "test.toml");
  EXPECT_DOUBLE_EQ(taxonomy->title_weight(), 1.5);
  EXPECT_DOUBLE_EQ(taxonomy->body_weight(), 0.5);

  const auto& zeta = taxonomy->topics()[0];
  EXPECT_EQ(zeta.description, "the last letter first");
  EXPECT_DOUBLE_EQ(zeta.threshold, 2.0);  // inherited from [defaults]
  ASSERT_EQ(zeta.terms.size(), 4u);
  EXPECT_EQ(zeta.terms[1].pattern.text, "U.S. Army");
  EXPECT_EQ(zeta.terms[1].pattern.words, (std::vector<std::string>{"us", "army"}));
  EXPECT_FALSE(zeta.terms[1].pattern.prefix);
  EXPECT_EQ(zeta.terms[2].pattern.words, std::vector<std::string>{"launch"});
  EXPECT_TRUE(zeta.terms[2].pattern.prefix);
  EXPECT_DOUBLE_EQ(zeta.terms[2].weight, 0.25);
  ASSERT_EQ(zeta.vetoes.size(), 1u);
  EXPECT_EQ(zeta.vetoes[0].words, (std::vector<std::string>{"mars", "bar"}));
  EXPECT_TRUE(zeta.vetoes[0].prefix);

  const auto& alpha = taxonomy->topics()[1];
  EXPECT_DOUBLE_EQ(alpha.threshold, 0.5);        // topic override
  EXPECT_DOUBLE_EQ(alpha.terms[0].weight, 2.0);  // an integer weight is accepted
}

TEST(TaxonomyTest, TopicsKeepTheOrderOfTheFile) {
  const auto taxonomy = Taxonomy::FromString(kValid, "test.toml");
  ASSERT_TRUE(taxonomy.has_value());
  EXPECT_EQ(taxonomy->topic_names(), (std::vector<std::string>{"zeta", "alpha"}));
}

TEST(TaxonomyTest, DefaultsApplyWhenTheTableIsOmitted) {
  const auto taxonomy = Taxonomy::FromString(WithTerms("\"rocket\" = 1\n"), "test.toml");
  ASSERT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
  EXPECT_DOUBLE_EQ(taxonomy->title_weight(), 1.0);
  EXPECT_DOUBLE_EQ(taxonomy->body_weight(), 0.35);
  EXPECT_DOUBLE_EQ(taxonomy->topics()[0].threshold, 1.0);
  EXPECT_EQ(taxonomy->topics()[0].description, "");
  EXPECT_TRUE(taxonomy->topics()[0].vetoes.empty());
}

TEST(TaxonomyTest, ShippedTaxonomyLoadsWithTheFourTopics) {
  const auto taxonomy = Taxonomy::FromFile(kShippedTaxonomy);
  ASSERT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
  EXPECT_EQ(taxonomy->name(), "headwire-default");
  EXPECT_GE(taxonomy->version(), 1);
  EXPECT_EQ(taxonomy->topic_names(),
            (std::vector<std::string>{"space", "ai", "geopolitics", "business"}));
  for (const auto& topic : taxonomy->topics()) {
    EXPECT_FALSE(topic.description.empty()) << topic.name;
    EXPECT_GE(topic.terms.size(), 150u) << topic.name;
  }
}

TEST(TaxonomyTest, MissingFileIsNotFound) {
  const auto taxonomy = Taxonomy::FromFile("/nonexistent/headwire/taxonomy.toml");
  ASSERT_FALSE(taxonomy.has_value());
  EXPECT_TRUE(taxonomy.error().IsNotFound()) << taxonomy.error().ToString();
}

TEST(TaxonomyTest, ErrorsFromAFileNameTheFile) {
  const std::string path = ::testing::TempDir() + "taxonomy_test_missing_terms.toml";
  std::ofstream(path) << "name = \"x\"\nversion = 1\n[topics.space]\nthreshold = 1\n";
  const auto taxonomy = Taxonomy::FromFile(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(taxonomy.has_value());
  EXPECT_TRUE(taxonomy.error().IsInvalidArgument());
  EXPECT_NE(taxonomy.error().message().find(path + ":3: topic 'space', key 'terms'"),
            std::string::npos)
      << taxonomy.error().message();
}

TEST(TaxonomyTest, BadTomlIsInvalidArgumentWithPosition) {
  ExpectInvalid("name = \"x\"\nversion = 1\n[topics.space.terms\n",
                {"test.toml:3:", "not valid TOML"});
  ExpectInvalid(WithTerms("\"rocket\" = 1\n\"rocket\" = 2\n"), {"test.toml:5:", "not valid TOML"});
}

TEST(TaxonomyTest, UnknownKeysAreRejected) {
  ExpectInvalid(std::string(kValid) + "[extra]\n", {"key 'extra'", "unknown key", "topics"});
  ExpectInvalid(R"(
name = "x"
version = 1
[defaults]
treshold = 1.0
[topics.space.terms]
"rocket" = 1
)",
                {"test.toml:5:", "key 'defaults.treshold'", "unknown key"});
  ExpectInvalid(R"(
name = "x"
version = 1
[topics.space]
vetos = ["mars bar"]
[topics.space.terms]
"rocket" = 1
)",
                {"test.toml:5:", "topic 'space'", "key 'vetos'", "unknown key", "veto"});
}

TEST(TaxonomyTest, WrongTypesAreRejected) {
  ExpectInvalid(WithTerms("\"rocket\" = \"high\"\n"),
                {"topic 'space'", "key 'terms.\"rocket\"'", "must be a number, not a string"});
  ExpectInvalid(WithTerms("\"rocket\" = true\n"), {"terms.\"rocket\"", "not a boolean"});
  ExpectInvalid("name = 1\nversion = 1\n[topics.space.terms]\n\"rocket\" = 1\n",
                {"key 'name'", "string"});
  ExpectInvalid("name = \"x\"\nversion = \"one\"\n[topics.space.terms]\n\"rocket\" = 1\n",
                {"key 'version'", "integer"});
  ExpectInvalid("name = \"x\"\nversion = 1\ndefaults = 3\n[topics.space.terms]\n\"rocket\" = 1\n",
                {"key 'defaults'", "must be a table"});
  ExpectInvalid(R"(
name = "x"
version = 1
[topics.space]
veto = "mars bar"
[topics.space.terms]
"rocket" = 1
)",
                {"topic 'space'", "key 'veto'", "array of strings"});
  ExpectInvalid(R"(
name = "x"
version = 1
[topics.space]
veto = ["mars bar", 7]
[topics.space.terms]
"rocket" = 1
)",
                {"topic 'space'", "key 'veto'", "not an integer"});
  ExpectInvalid(R"(
name = "x"
version = 1
[topics.space]
description = ["spaceflight"]
[topics.space.terms]
"rocket" = 1
)",
                {"topic 'space'", "key 'description'", "string"});
  ExpectInvalid("name = \"x\"\nversion = 1\n[topics]\nspace = 1\n",
                {"topic 'space'", "must be a table, not an integer"});
}

TEST(TaxonomyTest, RequiredKeysMustBePresent) {
  ExpectInvalid("version = 1\n[topics.space.terms]\n\"rocket\" = 1\n", {"key 'name'", "required"});
  ExpectInvalid("name = \"x\"\n[topics.space.terms]\n\"rocket\" = 1\n",
                {"key 'version'", "required"});
  ExpectInvalid("name = \"x\"\nversion = 0\n[topics.space.terms]\n\"rocket\" = 1\n",
                {"key 'version'", ">= 1"});
  ExpectInvalid("name = \"x\"\nversion = 1\n[topics.space]\ndescription = \"s\"\n",
                {"topic 'space'", "key 'terms'", "required"});
}

TEST(TaxonomyTest, WeightsAndThresholdsMustBeFinite) {
  ExpectInvalid(WithTerms("\"rocket\" = nan\n"), {"terms.\"rocket\"", "finite"});
  ExpectInvalid(WithTerms("\"rocket\" = inf\n\"launch\" = 1\n"), {"terms.\"rocket\"", "finite"});
  ExpectInvalid(WithTerms("\"rocket\" = -inf\n\"launch\" = 1\n"), {"terms.\"rocket\"", "finite"});
  ExpectInvalid(R"(
name = "x"
version = 1
[defaults]
body_weight = nan
[topics.space.terms]
"rocket" = 1
)",
                {"key 'defaults.body_weight'", "finite"});
  ExpectInvalid(R"(
name = "x"
version = 1
[defaults]
threshold = 0
[topics.space.terms]
"rocket" = 1
)",
                {"key 'defaults.threshold'", "> 0"});
  ExpectInvalid(R"(
name = "x"
version = 1
[topics.space]
threshold = -1.0
[topics.space.terms]
"rocket" = 1
)",
                {"topic 'space'", "key 'threshold'", "> 0"});
}

TEST(TaxonomyTest, EmptyTopicListIsRejected) {
  ExpectInvalid("name = \"x\"\nversion = 1\n", {"key 'topics'", "at least one"});
  ExpectInvalid("name = \"x\"\nversion = 1\n[topics]\n", {"key 'topics'", "at least one"});
}

TEST(TaxonomyTest, TopicWithoutPositiveTermIsRejected) {
  ExpectInvalid(WithTerms("\"price war\" = 0\n\"product launch\" = -1\n"),
                {"topic 'space'", "key 'terms'", "positive weight"});
  ExpectInvalid(WithTerms(""), {"topic 'space'", "key 'terms'", "positive weight"});
}

TEST(TaxonomyTest, DuplicateTermsAfterNormalisationAreRejected) {
  ExpectInvalid(
      WithTerms("\"us\" = 0.3\n\"U.S.\" = 0.5\n"),
      {"test.toml:5:", "topic 'space'", "key 'terms.\"U.S.\"'", "duplicates 'us'", "line 4"});
  ExpectInvalid(WithTerms("\"Launch*\" = 0.3\n\"launch*\" = 0.5\n"),
                {"duplicates 'Launch*'", "'launch*'"});
  ExpectInvalid(R"(
name = "x"
version = 1
[topics.space]
veto = ["Mars Bar", "mars bar"]
[topics.space.terms]
"rocket" = 1
)",
                {"topic 'space'", "key 'veto \"mars bar\"'", "duplicates 'Mars Bar'"});
}

TEST(TaxonomyTest, ExactAndPrefixFormsOfAWordAreDistinct) {
  const auto taxonomy =
      Taxonomy::FromString(WithTerms("\"launch\" = 0.5\n\"launch*\" = 0.3\n"), "test.toml");
  EXPECT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
}

TEST(TaxonomyTest, PhraseLongerThanFourWordsIsRejected) {
  ExpectInvalid(WithTerms("\"far side of the moon\" = 1\n"),
                {"test.toml:4:", "topic 'space'", "key 'terms.\"far side of the moon\"'", "5 words",
                 "at most 4"});
  ExpectInvalid(R"(
name = "x"
version = 1
[topics.space]
veto = ["one two three four five"]
[topics.space.terms]
"rocket" = 1
)",
                {"key 'veto \"one two three four five\"'", "5 words"});
}

TEST(TaxonomyTest, FourWordPhraseIsAccepted) {
  const auto taxonomy =
      Taxonomy::FromString(WithTerms("\"guardians of the galaxy\" = 0\n\"rocket\" = 1\n"), "t");
  EXPECT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
}

TEST(TaxonomyTest, MalformedPatternsAreRejected) {
  ExpectInvalid(WithTerms("\"launch*es\" = 1\n"), {"terms.\"launch*es\"", "only once, at the end"});
  ExpectInvalid(WithTerms("\"launch**\" = 1\n"), {"terms.\"launch**\"", "only once"});
  ExpectInvalid(WithTerms("\"la*\" = 1\n\"rocket\" = 1\n"), {"terms.\"la*\"", "shorter than 3"});
  ExpectInvalid(WithTerms("\"*\" = 1\n"), {"terms.\"*\"", "no words"});
  ExpectInvalid(WithTerms("\"!!!\" = 1\n"), {"terms.\"!!!\"", "no words"});
}

TEST(TaxonomyTest, ShortPrefixAnchoredByAPhraseIsAccepted) {
  const auto taxonomy = Taxonomy::FromString(WithTerms("\"galaxy s*\" = 0\n\"rocket\" = 1\n"), "t");
  EXPECT_TRUE(taxonomy.has_value()) << taxonomy.error().ToString();
}

TEST(TaxonomyTest, TopicNamesAreKafkaSafe) {
  ExpectInvalid("name = \"x\"\nversion = 1\n[topics.\"Space X\".terms]\n\"rocket\" = 1\n",
                {"topic 'Space X'", "a-z"});
  const auto ok = Taxonomy::FromString(
      "name = \"x\"\nversion = 1\n[topics.climate_2-0.terms]\n\"rocket\" = 1\n", "t");
  EXPECT_TRUE(ok.has_value()) << ok.error().ToString();
}

// "all" and "other" are the queries' words for every topic and for articles without one: a topic
// of either name could not be asked for on its own.
TEST(TaxonomyTest, AllAndOtherAreNotTopicNames) {
  ExpectInvalid("name = \"x\"\nversion = 1\n[topics.all.terms]\n\"rocket\" = 1\n",
                {"topic 'all'", "not \"all\" or \"other\""});
  ExpectInvalid("name = \"x\"\nversion = 1\n[topics.other.terms]\n\"rocket\" = 1\n",
                {"topic 'other'", "not \"all\" or \"other\""});
  EXPECT_FALSE(IsValidTopicName("all"));
  EXPECT_TRUE(IsValidTopicName("others"));
}

TEST(TaxonomyTest, AtMostMaxTopicsTopics) {
  std::string toml = "name = \"x\"\nversion = 1\n";
  for (size_t i = 0; i <= kMaxTopics; ++i) {
    toml += "[topics.t" + std::to_string(i) + ".terms]\n\"rocket\" = 1\n";
  }
  ExpectInvalid(toml, {"at most 256 topics"});
}

}  // namespace
}  // namespace headwire::core
