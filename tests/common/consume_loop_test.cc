#include "common/consume_loop.h"

#include <gtest/gtest.h>

#include "tests/common/input_topic.h"

namespace headwire::common {
namespace {

// One partition with five records, a consumer reading it from the start, and a loop that ends
// once the input is read to its end; persist records how many records each batch ended with.
class ConsumeLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(input_.Start());
    ASSERT_NO_FATAL_FAILURE(input_.Produce(0, 5));
    ConsumerCallbacks callbacks;
    callbacks.stored_offset = [](const TopicPartition&, const GroupOffset&) {
      return std::optional<int64_t>(kOffsetBeginning);
    };
    auto consumer = KafkaConsumer::Create(input_.kafka, "g", {"in"}, std::move(callbacks));
    ASSERT_TRUE(consumer.has_value()) << consumer.error().ToString();
    consumer_ = std::move(*consumer);
  }

  // Runs the loop with a linger no test reaches, so that only the end of the input or a full
  // batch can end a batch.
  Status Run(std::function<bool()> may_end_early) {
    const ConsumeLoopOptions options{
        .max_batch = 100, .linger = std::chrono::milliseconds(60000), .exit_at_end = true};
    return RunConsumeLoop(*consumer_, options,
                          {.handle =
                               [&](const Message&) {
                                 ++handled_;
                                 return Status::Ok();
                               },
                           .persist =
                               [&] {
                                 batches_.push_back(handled_);
                                 return Status::Ok();
                               },
                           .may_end_early = std::move(may_end_early)});
  }

  test_support::InputTopic input_;
  std::unique_ptr<KafkaConsumer> consumer_;
  size_t handled_ = 0;
  std::vector<size_t> batches_;
};

TEST_F(ConsumeLoopTest, ACaughtUpBatchEndsAtOnceWhenTheDaemonIsReady) {
  const Status status = Run([] { return true; });

  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(batches_, std::vector<size_t>{5});
}

TEST_F(ConsumeLoopTest,
       ACaughtUpBatchStaysOpenWhileTheDaemonIsNotReadyAndTakesTheRecordsThatArrive) {
  size_t asked = 0;
  // Not ready until the five records produced while the first five waited are in the batch.
  const Status status = Run([&] {
    if (asked++ == 0) input_.Produce(5, 5);
    return handled_ == 10;
  });

  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_GE(asked, 2u);
  EXPECT_EQ(batches_, std::vector<size_t>{10});
}

}  // namespace
}  // namespace headwire::common
