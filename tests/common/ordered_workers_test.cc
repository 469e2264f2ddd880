#include "common/ordered_workers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace headwire::common {
namespace {

struct Job {
  int input = 0;
  int result = 0;
  int runs = 0;  // how often the work ran on this item
  std::thread::id worker = {};
};

// Work whose length varies with the item, so that later items often finish first.
void Square(Job& job) {
  if (job.input % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  job.result = job.input * job.input;
  ++job.runs;
  job.worker = std::this_thread::get_id();
}

TEST(OrderedWorkersTest, ItemsComeBackInSubmissionOrderWithTheirWorkDoneOnce) {
  OrderedWorkers<Job> pool(3, 8, Square);
  std::vector<int> popped;
  for (int i = 0; i < 500; ++i) {
    if (pool.full()) {
      const Job job = pool.Pop();
      EXPECT_EQ(job.result, job.input * job.input);
      EXPECT_EQ(job.runs, 1);
      popped.push_back(job.input);
    }
    pool.Submit({.input = i});
    while (auto job = pool.TryPop()) {
      EXPECT_EQ(job->result, job->input * job->input);
      EXPECT_EQ(job->runs, 1);
      popped.push_back(job->input);
    }
  }
  while (pool.size() > 0) {
    const Job job = pool.Pop();
    EXPECT_EQ(job.runs, 1);
    popped.push_back(job.input);
  }
  ASSERT_EQ(popped.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(popped[static_cast<size_t>(i)], i);
}

TEST(OrderedWorkersTest, HoldsAtMostItsCapacity) {
  OrderedWorkers<Job> pool(2, 4, Square);
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(pool.full());
    pool.Submit({.input = i});
  }
  EXPECT_TRUE(pool.full());
  EXPECT_EQ(pool.size(), 4u);
  EXPECT_EQ(pool.Pop().input, 0);
  EXPECT_FALSE(pool.full());
  pool.Submit({.input = 4});
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(pool.Pop().input, i);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_FALSE(pool.TryPop().has_value());
}

TEST(OrderedWorkersTest, PopDoesTheWorkOfAnItemNoThreadStarted) {
  OrderedWorkers<Job> pool(0, 4, Square);  // no thread: every item waits for Pop
  for (int i = 0; i < 4; ++i) pool.Submit({.input = i});
  EXPECT_FALSE(pool.TryPop().has_value());
  for (int i = 0; i < 4; ++i) {
    const Job job = pool.Pop();
    EXPECT_EQ(job.input, i);
    EXPECT_EQ(job.result, i * i);
    EXPECT_EQ(job.runs, 1);
    EXPECT_EQ(job.worker, std::this_thread::get_id());
  }
}

}  // namespace
}  // namespace headwire::common
