#include "processors/article_decider.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/proto_convert.h"
#include "tests/common/test_dir.h"
#include "tests/processors/raw_inputs.h"

namespace headwire::processors {
namespace {

using test_support::kEventTime;
using test_support::RawArticleBytes;
using test_support::RulesOnly;

// A raw article whose URL follows from its id.
std::string RawBytes(const std::string& id, const std::string& title, int64_t t) {
  return RawArticleBytes(id, title, "https://example.com/" + id, t);
}

class ArticleDeciderTest : public ::testing::Test {
 protected:
  std::unique_ptr<ArticleDecider> Open() {
    auto decider = ArticleDecider::Open(dir_.string(), {}, classifier_);
    EXPECT_TRUE(decider.has_value()) << decider.error().ToString();
    return decider ? std::move(*decider) : nullptr;
  }

  static common::ConsumedRecord Record(std::string_view bytes, int64_t offset) {
    return test_support::RawRecord(bytes, 0, offset);
  }

  const testing::TestDir dir_{"headwire-decider-test"};
  core::TopicClassifier classifier_ = RulesOnly();
};

TEST_F(ArticleDeciderTest, UniqueArticleGoesToProcessedTopicThenEachTopicStream) {
  auto decider = Open();
  const std::string bytes =
      RawBytes("a1", "NASA launches new Mars rover on Atlas V rocket", kEventTime);
  auto decision = decider->Decide(Record(bytes, 0));
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->kind, DecisionKind::kUnique);
  ASSERT_FALSE(decision->topics.empty());
  ASSERT_EQ(decision->outputs.size(), 1 + decision->topics.size());
  EXPECT_EQ(decision->outputs[0].topic, "headwire.articles.processed");
  EXPECT_EQ(decision->outputs[0].key, "a1");
  EXPECT_EQ(decision->outputs[1].topic, "headwire.topic." + decision->topics[0]);
  EXPECT_EQ(decision->outputs[1].value, decision->outputs[0].value);
  v1::ProcessedArticle processed;
  ASSERT_TRUE(processed.ParseFromString(decision->outputs[0].value));
  EXPECT_EQ(processed.article().id(), "a1");
  EXPECT_EQ(processed.processing().source().offset(), 0);
}

// The sink judges lateness per processed partition: each raw partition's records must reach one
// processed partition, in decision order, whatever partition their key would hash to.
TEST_F(ArticleDeciderTest, AProcessedRecordGoesToItsRawPartitionModTheProcessedCountStreamsByKey) {
  ArticleDeciderOptions options;
  options.processed_partitions = 4;
  auto decider = ArticleDecider::Open(dir_.string(), options, classifier_);
  ASSERT_TRUE(decider.has_value()) << decider.error().ToString();
  const std::vector<std::pair<int32_t, int32_t>> raw_to_processed = {{0, 0}, {3, 3}, {6, 2}};
  for (size_t i = 0; i < raw_to_processed.size(); ++i) {
    const auto [raw, processed] = raw_to_processed[i];
    const std::string id = "p" + std::to_string(raw);
    auto decision = (*decider)->Decide(test_support::RawRecord(
        RawBytes(id, "NASA launches rover " + id + " on Atlas V rocket", kEventTime), raw,
        static_cast<int64_t>(i)));
    ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
    ASSERT_GE(decision->outputs.size(), 2u);
    EXPECT_EQ(decision->outputs[0].partition, processed) << "raw partition " << raw;
    for (size_t s = 1; s < decision->outputs.size(); ++s) {
      EXPECT_EQ(decision->outputs[s].partition, std::nullopt) << decision->outputs[s].topic;
    }
  }
  // Without the count, the processed topic is partitioned by key too.
  decider->reset();
  auto by_key = Open();
  auto decision = by_key->Decide(Record(RawBytes("k", "NASA launches Atlas V", kEventTime), 0));
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->outputs.at(0).partition, std::nullopt);
}

// A record dated years past the time its producer read it has a wrong date, even first on its
// partition, where the window has nothing to find it far ahead of.
TEST_F(ArticleDeciderTest, AnEventTimeFarPastItsIngestionIsABadEventTimeDeadLetter) {
  auto decider = Open();
  v1::RawArticle raw;
  raw.set_id("typo");
  raw.set_title("NASA launches new Mars rover on Atlas V rocket");
  raw.set_published_at_ms(4'076'122'500'000);  // 2099-03-02T08:15:00Z
  raw.set_ingested_at_ms(kEventTime);
  const std::string typo = raw.SerializeAsString();
  auto decision = decider->Decide(Record(typo, 0));
  ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
  EXPECT_EQ(decision->kind, DecisionKind::kDeadLetter);
  EXPECT_EQ(decision->reason, v1::DEAD_LETTER_REASON_BAD_EVENT_TIME);
  EXPECT_NE(decision->why.find("after the record was read"), std::string::npos) << decision->why;
  EXPECT_EQ(decider->window_size().articles, 0u);
  // Without an ingestion time there is nothing to judge it by: the stream's own bound decides.
  raw.set_ingested_at_ms(0);
  const std::string unknown = raw.SerializeAsString();
  decision = decider->Decide(Record(unknown, 1));
  ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
  EXPECT_EQ(decision->kind, DecisionKind::kUnique);
}

// 0 is how an article says "no event time"; a raw record claiming a real (not estimated) time of
// 0 cannot be placed in event time, so it is dead-lettered with the reason, not decided.
TEST_F(ArticleDeciderTest, AnUnestimatedEventTimeOfZeroIsABadEventTimeDeadLetter) {
  auto decider = Open();
  v1::RawArticle raw;
  raw.ParseFromString(RawBytes("t0", "Council approves new tram line", kEventTime));
  raw.set_published_at_ms(0);
  raw.set_event_time_estimated(false);
  auto decision = decider->Decide(Record(raw.SerializeAsString(), 0));
  ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
  EXPECT_EQ(decision->kind, DecisionKind::kDeadLetter);
  EXPECT_EQ(decision->reason, v1::DEAD_LETTER_REASON_BAD_EVENT_TIME);
  // Flagged estimated, a producer's own clock stands in and the record is decided.
  raw.set_published_at_ms(kEventTime);
  raw.set_event_time_estimated(true);
  auto estimated = decider->Decide(Record(raw.SerializeAsString(), 1));
  ASSERT_TRUE(estimated.has_value());
  EXPECT_NE(estimated->kind, DecisionKind::kDeadLetter);
}

// A raw record within every field limit whose processed record would not fit the producer
// (unknown fields travel along) is a TOO_LARGE dead letter, itself cut to fit, never an error
// that stops the processor.
TEST_F(ArticleDeciderTest, OutputOverTheProducersLimitIsDeadLetteredAndFits) {
  ArticleDeciderOptions options;
  options.max_message_bytes = 20'000;
  auto decider = ArticleDecider::Open(dir_.string(), options, classifier_);
  ASSERT_TRUE(decider.has_value()) << decider.error().ToString();
  v1::RawArticle raw;
  raw.ParseFromString(
      RawBytes("big", "NASA launches new Mars rover on Atlas V rocket", kEventTime));
  raw.GetReflection()->MutableUnknownFields(&raw)->AddLengthDelimited(1023,
                                                                      std::string(30'000, 'z'));
  const std::string bytes = raw.SerializeAsString();
  auto decision = (*decider)->Decide(Record(bytes, 0));
  ASSERT_TRUE(decision.has_value()) << decision.error().ToString();
  EXPECT_EQ(decision->kind, DecisionKind::kDeadLetter);
  EXPECT_EQ(decision->reason, v1::DEAD_LETTER_REASON_TOO_LARGE);
  ASSERT_EQ(decision->outputs.size(), 1u);
  const common::OutputRecord& out = decision->outputs[0];
  EXPECT_LE(common::MessageBytes(out.key, out.value, out.headers), 20'000u);
  v1::DeadLetter letter;
  ASSERT_TRUE(letter.ParseFromString(out.value));
  EXPECT_EQ(letter.original_size(), bytes.size());
  EXPECT_TRUE(common::IsTruncated(letter));
  // A small article still passes.
  auto small = (*decider)->Decide(
      Record(RawBytes("small", "Storm closes mountain pass for a week", kEventTime), 1));
  ASSERT_TRUE(small.has_value());
  EXPECT_NE(small->kind, DecisionKind::kDeadLetter);
}

// The raw bytes of `id` with an unknown field of `padding` bytes: within every field limit, but
// its processed record carries the padding along.
std::string PaddedRawBytes(const std::string& id, const std::string& title, size_t padding) {
  return RawArticleBytes(id, title, "https://example.com/" + id, kEventTime, padding);
}

// An article dead-lettered as TOO_LARGE was never seen by a reader: a later copy of it (same
// URL, same title) is decided as if the first had never come, unique and a story of its own.
TEST_F(ArticleDeciderTest, OversizedArticleLeavesNoTraceInDedupOrStories) {
  ArticleDeciderOptions options;
  options.max_message_bytes = 20'000;
  auto decider = ArticleDecider::Open(dir_.string(), options, classifier_);
  ASSERT_TRUE(decider.has_value()) << decider.error().ToString();
  const std::string title = "NASA launches new Mars rover on Atlas V rocket";
  auto big = (*decider)->Decide(Record(PaddedRawBytes("big", title, 30'000), 0));
  ASSERT_TRUE(big.has_value()) << big.error().ToString();
  ASSERT_EQ(big->reason, v1::DEAD_LETTER_REASON_TOO_LARGE);
  EXPECT_EQ((*decider)->window_size().articles, 0u);
  // The same id, URL and title again, now small enough.
  auto copy = (*decider)->Decide(Record(RawBytes("big", title, kEventTime), 1));
  ASSERT_TRUE(copy.has_value()) << copy.error().ToString();
  EXPECT_EQ(copy->kind, DecisionKind::kUnique);
  v1::ProcessedArticle processed;
  ASSERT_TRUE(processed.ParseFromString(copy->outputs.at(0).value));
  EXPECT_EQ(processed.duplicate_of(), "");
  EXPECT_EQ(processed.story_id(), "big");
  // A near copy under another id is a near duplicate of the copy, the one readers saw.
  auto near = (*decider)->Decide(
      Record(RawBytes("near", "NASA launches new Mars rover on an Atlas V rocket", kEventTime), 2));
  ASSERT_TRUE(near.has_value()) << near.error().ToString();
  ASSERT_TRUE(processed.ParseFromString(near->outputs.at(0).value));
  EXPECT_EQ(near->kind, DecisionKind::kDuplicate);
  EXPECT_EQ(processed.duplicate_of(), "big");
}

// A fail-over catch-up (Emit::kNo) decides an oversized article as the owner did: a dead letter
// leaving no trace, so that the rebuilt state gives the same verdicts.
TEST_F(ArticleDeciderTest, OversizedArticleDecidedWithoutEmitLeavesNoTraceEither) {
  ArticleDeciderOptions options;
  options.max_message_bytes = 20'000;
  auto decider = ArticleDecider::Open(dir_.string(), options, classifier_);
  ASSERT_TRUE(decider.has_value()) << decider.error().ToString();
  const std::string title = "Storm closes mountain pass for a week";
  auto big = (*decider)->Decide(Record(PaddedRawBytes("big", title, 30'000), 0),
                                ArticleDecider::Emit::kNo);
  ASSERT_TRUE(big.has_value()) << big.error().ToString();
  EXPECT_EQ(big->kind, DecisionKind::kDeadLetter);
  EXPECT_EQ(big->reason, v1::DEAD_LETTER_REASON_TOO_LARGE);
  EXPECT_TRUE(big->outputs.empty());
  EXPECT_EQ((*decider)->window_size().articles, 0u);
  auto copy = (*decider)->Decide(Record(RawBytes("copy", title, kEventTime), 1));
  ASSERT_TRUE(copy.has_value()) << copy.error().ToString();
  EXPECT_EQ(copy->kind, DecisionKind::kUnique);
}

TEST_F(ArticleDeciderTest, OutputTopicsNameEveryTopicDecideCanProduceTo) {
  auto decider = Open();
  std::vector<std::string> expected{"headwire.articles.processed", "headwire.dlq"};
  for (const auto& topic : classifier_.topics()) expected.push_back("headwire.topic." + topic);
  EXPECT_EQ(decider->OutputTopics(), expected);
  auto decision = decider->Decide(
      Record(RawBytes("a1", "NASA launches new Mars rover on Atlas V rocket", kEventTime), 0));
  ASSERT_TRUE(decision.has_value());
  ASSERT_GT(decision->outputs.size(), 1u);
  for (const auto& output : decision->outputs) {
    EXPECT_NE(std::find(expected.begin(), expected.end(), output.topic), expected.end())
        << output.topic;
  }
}

TEST_F(ArticleDeciderTest, SealedBatchIsSeenByLaterDecisionsAndWrittenOnlyByItsWrite) {
  const std::string bytes = RawBytes("a1", "Fed holds interest rates steady again", kEventTime);
  {
    auto decider = Open();
    ASSERT_TRUE(decider->Decide(Record(bytes, 0)).has_value());
    auto write = decider->Seal({{{"headwire.articles.raw", 0}, 1}});
    // Deciding the same record again before the write: a duplicate of the sealed one.
    auto again = decider->Decide(Record(bytes, 1));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->kind, DecisionKind::kDuplicate);
    EXPECT_FALSE(decider->StoredOffset({"headwire.articles.raw", 0}).has_value());
    ASSERT_TRUE(write().ok());
    EXPECT_EQ(decider->StoredOffset({"headwire.articles.raw", 0}), 1);
  }
  auto decider = Open();
  auto after = decider->Decide(Record(bytes, 1));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->kind, DecisionKind::kDuplicate);
}

TEST_F(ArticleDeciderTest, UnknownSchemaVersionIsDeadLettered) {
  auto decider = Open();
  const std::string bytes = RawBytes("a1", "Some headline", kEventTime);
  auto record = Record(bytes, 7);
  record.schema_version = "2";
  auto decision = decider->Decide(record);
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->kind, DecisionKind::kDeadLetter);
  EXPECT_EQ(decision->reason, v1::DEAD_LETTER_REASON_UNKNOWN_SCHEMA);
  ASSERT_EQ(decision->outputs.size(), 1u);
  EXPECT_EQ(decision->outputs[0].topic, "headwire.dlq");
  v1::DeadLetter letter;
  ASSERT_TRUE(letter.ParseFromString(decision->outputs[0].value));
  EXPECT_EQ(letter.source().offset(), 7);
  EXPECT_EQ(letter.original_value(), bytes);
}

TEST_F(ArticleDeciderTest, UndecodableValueIsDeadLettered) {
  auto decider = Open();
  auto decision = decider->Decide(Record("\xff\xff not protobuf", 0));
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->kind, DecisionKind::kDeadLetter);
  EXPECT_EQ(decision->reason, v1::DEAD_LETTER_REASON_UNDECODABLE);
  EXPECT_EQ(decision->why, "value is not a headwire.v1.RawArticle (15 bytes)");
}

TEST_F(ArticleDeciderTest, TextFieldsThatAreNotUtf8AreInvalidUtf8NotUndecodable) {
  auto decider = Open();
  // A RawArticle whose title (field 2) is then set to \xff\xfe, protobuf's last value winning:
  // the bytes kcat would send for a title that is not UTF-8.
  const std::string title = RawBytes("a1", "Fed holds rates", kEventTime) + "\x12\x02\xff\xfe";
  auto decision = decider->Decide(Record(title, 3));
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->kind, DecisionKind::kDeadLetter);
  EXPECT_EQ(decision->reason, v1::DEAD_LETTER_REASON_INVALID_UTF8);
  EXPECT_EQ(decision->why, "field title is not valid UTF-8");
  ASSERT_EQ(decision->outputs.size(), 1u);
  v1::DeadLetter letter;
  ASSERT_TRUE(letter.ParseFromString(decision->outputs[0].value));
  EXPECT_EQ(letter.reason(), v1::DEAD_LETTER_REASON_INVALID_UTF8);
  EXPECT_EQ(letter.original_value(), title);

  // body (field 3) \xc3\x28 and producer.host (field 10, its field 3) as well.
  const std::string several = RawBytes("a2", "Fed holds rates", kEventTime) + "\x1a\x02\xc3\x28" +
                              "\x52\x04\x1a\x02\xc3\x28";
  decision = decider->Decide(Record(several, 4));
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->reason, v1::DEAD_LETTER_REASON_INVALID_UTF8);
  EXPECT_EQ(decision->why, "fields body and producer.host are not valid UTF-8");
  // Like an undecodable record, it is no article of its domain.
  EXPECT_EQ(decider->window_size().domains, 0u);
}

TEST_F(ArticleDeciderTest, CommittedStateAndOffsetsSurviveReopening) {
  const std::string bytes = RawBytes("a1", "Fed holds rates steady", kEventTime);
  {
    auto decider = Open();
    ASSERT_EQ(decider->Decide(Record(bytes, 0))->kind, DecisionKind::kUnique);
    ASSERT_TRUE(decider->Commit({{{"headwire.articles.raw", 0}, 1}}).ok());
  }
  auto decider = Open();
  EXPECT_EQ(decider->StoredOffset({"headwire.articles.raw", 0}), 1);
  auto again = decider->Decide(Record(bytes, 1));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->kind, DecisionKind::kDuplicate);
  EXPECT_EQ(again->duplicate_kind, core::DuplicateKind::kSameId);
  EXPECT_EQ(again->outputs.size(), 1u);  // processed topic only
}

TEST_F(ArticleDeciderTest, EmitNoDecidesWithoutOutputs) {
  auto decider = Open();
  const std::string bytes = RawBytes("a1", "Fed holds rates steady", kEventTime);
  auto first = decider->Decide(Record(bytes, 0), ArticleDecider::Emit::kNo);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->outputs.empty());
  EXPECT_EQ(decider->Decide(Record(bytes, 1))->kind, DecisionKind::kDuplicate);
}

TEST_F(ArticleDeciderTest, SameRecordsGiveSameBytesAfterDiscard) {
  const std::string bytes = RawBytes("a1", "Fed holds rates steady", kEventTime);
  std::string first;
  {
    auto decider = Open();
    first = decider->Decide(Record(bytes, 0))->outputs[0].value;
    decider->Discard();
  }
  auto decider = Open();
  EXPECT_EQ(decider->Decide(Record(bytes, 0))->outputs[0].value, first);
}

}  // namespace
}  // namespace headwire::processors
