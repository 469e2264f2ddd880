#include "core/candidate_buckets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <vector>

namespace headwire::core {
namespace {

std::vector<uint64_t> SeqsOf(const CandidateBuckets& buckets, uint64_t key) {
  std::vector<uint64_t> seqs;
  buckets.AppendSeqs(key, seqs);
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

using Seqs = std::vector<uint64_t>;

TEST(CandidateBucketsTest, KeepsTheMostRecentSeqsOfEachKey) {
  CandidateBuckets buckets;
  EXPECT_EQ(SeqsOf(buckets, 7), Seqs{});
  for (uint64_t seq = 0; seq < 5; ++seq) buckets.Add(7, seq, 3);
  buckets.Add(9, 2, 3);
  EXPECT_EQ(SeqsOf(buckets, 7), (Seqs{2, 3, 4}));
  EXPECT_EQ(SeqsOf(buckets, 9), (Seqs{2}));
  EXPECT_EQ(SeqsOf(buckets, 8), Seqs{});
  EXPECT_EQ(buckets.size(), 4u);
}

TEST(CandidateBucketsTest, RemovesOnePairOnly) {
  CandidateBuckets buckets;
  buckets.Add(1, 10, 16);
  buckets.Add(1, 11, 16);
  buckets.Add(2, 10, 16);
  buckets.Remove(1, 10);
  EXPECT_EQ(SeqsOf(buckets, 1), (Seqs{11}));
  EXPECT_EQ(SeqsOf(buckets, 2), (Seqs{10}));
  buckets.Remove(1, 99);  // absent: nothing happens
  buckets.Remove(3, 10);
  EXPECT_EQ(buckets.size(), 2u);
  buckets.Remove(1, 11);
  buckets.Remove(2, 10);
  EXPECT_EQ(buckets.size(), 0u);
  EXPECT_EQ(SeqsOf(buckets, 1), Seqs{});
}

TEST(CandidateBucketsTest, AgreesWithAMapOfListsThroughGrowthAndDeletions) {
  // The window's use: seqs arrive in order, each with a few keys drawn from a small set (so that
  // keys share probe runs and lists fill up), and leave oldest first. The model is the map of
  // capped lists the index replaces.
  constexpr size_t kLimit = 4;
  CandidateBuckets buckets;
  std::map<uint64_t, std::deque<uint64_t>> model;
  std::map<uint64_t, std::vector<uint64_t>> keys_of;
  std::mt19937_64 rng(5);
  uint64_t oldest = 0;
  for (uint64_t seq = 0; seq < 20'000; ++seq) {
    std::vector<uint64_t> keys;
    for (int k = 0; k < 3; ++k) keys.push_back(rng() % 500);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (uint64_t key : keys) {
      buckets.Add(key, seq, kLimit);
      auto& list = model[key];
      if (list.size() >= kLimit) list.pop_front();
      list.push_back(seq);
    }
    keys_of[seq] = keys;
    while (seq - oldest > 3'000) {
      for (uint64_t key : keys_of[oldest]) {
        buckets.Remove(key, oldest);
        auto& list = model[key];
        if (!list.empty() && list.front() == oldest) list.pop_front();
      }
      keys_of.erase(oldest++);
    }
    if (seq % 997 == 0) {
      size_t pairs = 0;
      for (const auto& [key, list] : model) {
        ASSERT_EQ(SeqsOf(buckets, key), Seqs(list.begin(), list.end())) << key;
        pairs += list.size();
      }
      ASSERT_EQ(buckets.size(), pairs);
    }
  }
}

}  // namespace
}  // namespace headwire::core
