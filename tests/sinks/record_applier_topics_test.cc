// RecordApplier with RecordApplierOptions::topics: a sink that keeps some topics only.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "sinks/record_applier.h"

namespace headwire::sinks {
namespace {

std::string ProcessedBytes(const std::string& id, std::initializer_list<const char*> topics) {
  v1::ProcessedArticle a;
  a.mutable_article()->set_id(id);
  a.mutable_article()->set_title("Title " + id);
  a.mutable_article()->set_published_at_ms(1000);
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

class RecordApplierTopicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("headwire-applier-topics-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = ArticleStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<ArticleStore> store_;
};

TEST_F(RecordApplierTopicsTest, ArticlesOfOtherTopicsAreSkippedAndKeptOnesLoseTheirOtherTopics) {
  RecordApplier applier(*store_, {.topics = {"space", "ai"}});
  ArticleStore::Batch batch;
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("b", {"business"}), 0))->outcome,
            ApplyOutcome::kOtherTopic);
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("o", {}), 1))->outcome,
            ApplyOutcome::kOtherTopic);
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("s", {"space", "business"}), 2))->outcome,
            ApplyOutcome::kApplied);
  ASSERT_TRUE(store_->Commit(batch, {{{"headwire.articles.processed", 0}, 3}}).ok());
  EXPECT_EQ(store_->Counts()->articles, 1u);
  auto topics = store_->TopicCounts();
  ASSERT_TRUE(topics.has_value());
  EXPECT_EQ(topics->count("business"), 0u);
  EXPECT_EQ(topics->at("space"), 1u);
}

TEST_F(RecordApplierTopicsTest, NoTopicsKeepsEverything) {
  RecordApplier applier(*store_, {});
  ArticleStore::Batch batch;
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("b", {"business"}), 0))->outcome,
            ApplyOutcome::kApplied);
  EXPECT_EQ(applier.Apply(batch, Record(ProcessedBytes("o", {}), 1))->outcome,
            ApplyOutcome::kApplied);
  ASSERT_TRUE(store_->Commit(batch, {{{"headwire.articles.processed", 0}, 2}}).ok());
  EXPECT_EQ(store_->Counts()->articles, 2u);
}

}  // namespace
}  // namespace headwire::sinks
