#include "core/recent_ring.h"

#include <gtest/gtest.h>

#include <random>
#include <span>
#include <vector>

namespace headwire::core {
namespace {

std::vector<int> Values(const RecentRing<int>& ring) {
  std::vector<int> values;
  for (std::span<const int> run : ring.Runs()) values.insert(values.end(), run.begin(), run.end());
  return values;
}

// The list the ring stands for: append after dropping the first when full, erase the first.
void PushBackCapped(std::vector<int>& list, int value, size_t limit) {
  if (list.size() >= limit) list.erase(list.begin());
  list.push_back(value);
}

TEST(RecentRingTest, HoldsTheSameValuesInTheSameOrderAsACappedVector) {
  for (size_t limit : {1, 2, 3, 64}) {
    std::mt19937 rng(static_cast<unsigned>(limit));
    RecentRing<int> ring;
    std::vector<int> list;
    for (int step = 0; step < 20'000; ++step) {
      // More appends than drops, so that the ring fills, wraps, and empties now and then.
      if (!list.empty() && rng() % 3 == 0) {
        ASSERT_EQ(ring.front(), list.front());
        ring.PopFront();
        list.erase(list.begin());
      } else {
        ring.PushBack(step, limit);
        PushBackCapped(list, step, limit);
      }
      ASSERT_EQ(ring.size(), list.size());
      ASSERT_EQ(Values(ring), list) << "limit " << limit << " step " << step;
    }
  }
}

TEST(RecentRingTest, AFullRingDropsItsOldestOnAppend) {
  RecentRing<int> ring;
  for (int v = 1; v <= 5; ++v) ring.PushBack(v, 3);
  EXPECT_EQ(Values(ring), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(ring.front(), 3);
}

TEST(RecentRingTest, AppendingAfterADropKeepsTheOrder) {
  RecentRing<int> ring;
  for (int v = 1; v <= 4; ++v) ring.PushBack(v, 3);  // wrapped: holds 2, 3, 4
  ring.PopFront();
  ring.PushBack(5, 3);
  EXPECT_EQ(Values(ring), (std::vector<int>{3, 4, 5}));
  ring.PopFront();
  ring.PopFront();
  ring.PopFront();
  EXPECT_TRUE(ring.empty());
  ring.PushBack(6, 3);
  EXPECT_EQ(Values(ring), (std::vector<int>{6}));
}

}  // namespace
}  // namespace headwire::core
