#include "sinks/record_applier.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "tests/common/test_dir.h"

namespace headwire::sinks {
namespace {

std::string ProcessedBytes(const std::string& id, int64_t t,
                           std::initializer_list<const char*> topics = {"ai"}) {
  v1::ProcessedArticle a;
  a.mutable_article()->set_id(id);
  a.mutable_article()->set_title("Title " + id);
  a.mutable_article()->set_published_at_ms(t);
  for (const char* topic : topics) a.add_topics(topic);
  a.set_story_id(id);
  return a.SerializeAsString();
}

common::ConsumedRecord Record(const std::string& bytes, int64_t offset) {
  return {.topic = "headwire.articles.processed",
          .partition = 0,
          .offset = offset,
          .key = "k",
          .value = bytes,
          .type = "headwire.v1.ProcessedArticle",
          .schema_version = "1"};
}

class RecordApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ArticleStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  const testing::TestDir dir_{"headwire-applier-test"};
  std::unique_ptr<ArticleStore> store_;
};

TEST_F(RecordApplierTest, ProcessedArticleIsAppliedOnceAndRedeliveryChangesNothing) {
  RecordApplier applier(*store_, {});
  const std::string bytes = ProcessedBytes("a1", 1000);
  ArticleStore::Batch batch;
  EXPECT_EQ(applier.Apply(batch, Record(bytes, 0))->outcome, ApplyOutcome::kApplied);
  ASSERT_TRUE(store_->Commit(batch, {{{"headwire.articles.processed", 0}, 1}}).ok());
  ArticleStore::Batch again;
  EXPECT_EQ(applier.Apply(again, Record(bytes, 0))->outcome, ApplyOutcome::kRedelivery);
  EXPECT_EQ(store_->Counts()->articles, 1u);
}

TEST_F(RecordApplierTest, UnknownSchemaVersionIsRejectedWithTheVersion) {
  RecordApplier applier(*store_, {});
  const std::string bytes = ProcessedBytes("a1", 1000);
  auto record = Record(bytes, 3);
  record.schema_version = "2";
  ArticleStore::Batch batch;
  auto applied = applier.Apply(batch, record);
  ASSERT_TRUE(applied.has_value());
  EXPECT_EQ(applied->outcome, ApplyOutcome::kRejected);
  EXPECT_NE(applied->reason.find("schema version \"2\""), std::string::npos) << applied->reason;
  ASSERT_TRUE(store_->Commit(batch, {{{"headwire.articles.processed", 0}, 4}}).ok());
  EXPECT_EQ(store_->Counts()->articles, 0u);
  EXPECT_EQ(store_->Counts()->rejects, 1u);
}

TEST_F(RecordApplierTest, WrongTypeIsRejected) {
  RecordApplier applier(*store_, {});
  const std::string bytes = ProcessedBytes("a1", 1000);
  auto record = Record(bytes, 0);
  record.type = "headwire.v1.RawArticle";
  ArticleStore::Batch batch;
  EXPECT_EQ(applier.Apply(batch, record)->outcome, ApplyOutcome::kRejected);
}

TEST_F(RecordApplierTest, LateRecordComesBackAsDeadLetterUnderDeadLetterPolicy) {
  RecordApplier applier(*store_, {.late_policy = LatePolicy::kDeadLetter, .dlq_topic = "dlq"});
  const int64_t day = 24 * 3600 * 1000LL;
  const std::string fresh = ProcessedBytes("new", 10 * day);
  const std::string old = ProcessedBytes("old", day);
  ArticleStore::Batch batch;
  ASSERT_EQ(applier.Apply(batch, Record(fresh, 0))->outcome, ApplyOutcome::kApplied);
  ASSERT_TRUE(store_->Commit(batch, {{{"headwire.articles.processed", 0}, 1}}).ok());
  ArticleStore::Batch next;
  auto applied = applier.Apply(next, Record(old, 1));
  ASSERT_TRUE(applied.has_value());
  EXPECT_EQ(applied->outcome, ApplyOutcome::kLate);
  ASSERT_TRUE(applied->dead_letter.has_value());
  EXPECT_EQ(applied->dead_letter->topic, "dlq");
  v1::DeadLetter letter;
  ASSERT_TRUE(letter.ParseFromString(applied->dead_letter->value));
  EXPECT_EQ(letter.reason(), v1::DEAD_LETTER_REASON_LATE);
  EXPECT_EQ(letter.source().offset(), 1);
  // Times as people read them: the record's, and the watermark it fell behind (day 10 minus
  // the default 10 minutes of out-of-orderness).
  EXPECT_EQ(letter.message(),
            "event time 1970-01-02T00:00:00Z is more than the allowed lateness (--grace-s, 3600 "
            "s) behind its partition's watermark 1970-01-10T23:50:00Z (the newest event time of "
            "the partition minus --max-out-of-order-s)");
}

// A sink that keeps some topics only (RecordApplierOptions::topics).
TEST_F(RecordApplierTest, ArticlesOfOtherTopicsAreSkippedAndKeptOnesLoseTheirOtherTopics) {
  RecordApplier applier(*store_, {.topics = {"space", "ai"}});
  ArticleStore::Batch batch;
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("b", 1000, {"business"}), 0))->outcome,
            ApplyOutcome::kOtherTopic);
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("o", 1000, {}), 1))->outcome,
            ApplyOutcome::kOtherTopic);
  EXPECT_EQ(
      applier.Apply(batch, Record(ProcessedBytes("s", 1000, {"space", "business"}), 2))->outcome,
      ApplyOutcome::kApplied);
  ASSERT_TRUE(store_->Commit(batch, {{{"headwire.articles.processed", 0}, 3}}).ok());
  EXPECT_EQ(store_->Counts()->articles, 1u);
  auto topics = store_->TopicCounts();
  ASSERT_TRUE(topics.has_value());
  EXPECT_EQ(topics->count("business"), 0u);
  EXPECT_EQ(topics->at("space"), 1u);
}

TEST(RecordApplierCheckTopicsTest, AnEmptyTopicNameIsNotATopicOfTheTaxonomy) {
  const std::set<std::string> taxonomy = {"ai", "space"};
  EXPECT_TRUE(RecordApplier::CheckTopics({"space"}, taxonomy).ok());
  const auto empty = RecordApplier::CheckTopics({""}, taxonomy);
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument) << empty.ToString();
  EXPECT_EQ(RecordApplier::CheckTopics({"", "space"}, taxonomy).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(RecordApplierTest, NoTopicsKeepsEverything) {
  RecordApplier applier(*store_, {});
  ArticleStore::Batch batch;
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("b", 1000, {"business"}), 0))->outcome,
            ApplyOutcome::kApplied);
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("o", 1000, {}), 1))->outcome,
            ApplyOutcome::kApplied);
  ASSERT_TRUE(store_->Commit(batch, {{{"headwire.articles.processed", 0}, 2}}).ok());
  EXPECT_EQ(store_->Counts()->articles, 2u);
}

}  // namespace
}  // namespace headwire::sinks
