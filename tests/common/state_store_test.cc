#include "common/state_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace headwire::common {
namespace {

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("headwire-state-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  StateStoreOptions Processor() const {
    return {.path = dir_.string(), .kind = StateKind::kProcessor, .column_families = {"dedup"}};
  }
  StateStoreOptions Sink() const {
    return {.path = dir_.string(), .kind = StateKind::kSink, .column_families = {"articles"}};
  }

  std::filesystem::path dir_;
};

TEST_F(StateStoreTest, TheKindIsRecognisedByItsColumnFamilies) {
  EXPECT_EQ(*DetectStateKind(dir_.string()), std::nullopt);
  ASSERT_TRUE(StateStore::Open(Processor()).has_value());
  EXPECT_EQ(*DetectStateKind(dir_.string()), StateKind::kProcessor);
  std::filesystem::remove_all(dir_);
  ASSERT_TRUE(StateStore::Open(Sink()).has_value());
  EXPECT_EQ(*DetectStateKind(dir_.string()), StateKind::kSink);
}

TEST_F(StateStoreTest, OpeningAnotherKindsStateSaysWhatItIs) {
  ASSERT_TRUE(StateStore::Open(Processor()).has_value());
  for (auto open : {&StateStore::Open, &StateStore::OpenForQueries}) {
    auto store = open(Sink());
    ASSERT_FALSE(store.has_value());
    EXPECT_TRUE(store.error().IsInvalidArgument());
    EXPECT_EQ(store.error().message(), dir_.string() + " is a processor state, not a sink state");
  }
  // Nothing was added to it: it is still a processor state and opens as one.
  EXPECT_TRUE(StateStore::Open(Processor()).has_value());
}

}  // namespace
}  // namespace headwire::common
