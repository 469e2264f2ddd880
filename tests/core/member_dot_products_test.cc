#include "core/member_dot_products.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <tuple>
#include <vector>

namespace headwire::core {
namespace {

struct Partial {
  uint64_t seq;
  double dot;
};

// The sums as the story search formed them before MemberDotProducts: every partial sorted by
// (seq, product), then added up per seq from 0.
std::map<uint64_t, double> SortedSums(std::vector<Partial> partials) {
  std::sort(partials.begin(), partials.end(), [](const Partial& a, const Partial& b) {
    return std::tie(a.seq, a.dot) < std::tie(b.seq, b.dot);
  });
  std::map<uint64_t, double> sums;
  for (size_t i = 0; i < partials.size();) {
    const uint64_t seq = partials[i].seq;
    double dot = 0;
    for (; i < partials.size() && partials[i].seq == seq; ++i) dot += partials[i].dot;
    sums[seq] = dot;
  }
  return sums;
}

std::map<uint64_t, double> Sums(MemberDotProducts& dots, const std::vector<Partial>& partials) {
  dots.Reset(partials.size());
  for (const Partial& p : partials) dots.Add(p.seq, p.dot, 1.5f, static_cast<uint32_t>(p.seq * 3));
  dots.Finish();
  std::map<uint64_t, double> sums;
  for (const MemberDotProducts::Member& member : dots.members()) {
    EXPECT_TRUE(sums.emplace(member.seq, member.dot).second) << "seq " << member.seq << " twice";
    EXPECT_EQ(member.norm, 1.5f);
    EXPECT_EQ(member.story_tag, static_cast<uint32_t>(member.seq * 3));
  }
  return sums;
}

TEST(MemberDotProductsTest, SumsEqualTheSortedSumsBitForBit) {
  // Products of very different sizes, many seqs found through several terms: an addition in
  // another order would round differently somewhere.
  std::mt19937_64 rng(14);
  std::uniform_real_distribution<double> exponent(-12.0, 4.0);
  MemberDotProducts dots;  // reused, as Decide reuses it
  for (int round = 0; round < 300; ++round) {
    const size_t terms = 1 + rng() % 24;
    const uint64_t first_seq = rng() % 1'000'000;
    const uint64_t span = 1 + rng() % 400;
    std::vector<Partial> partials;
    for (size_t t = 0; t < terms; ++t) {
      const size_t postings = rng() % 65;
      for (size_t p = 0; p < postings; ++p) {
        partials.push_back({first_seq + rng() % span, std::exp2(exponent(rng))});
      }
    }
    const std::map<uint64_t, double> expected = SortedSums(partials);
    const std::map<uint64_t, double> sums = Sums(dots, partials);
    ASSERT_EQ(sums.size(), expected.size()) << "round " << round;
    for (const auto& [seq, dot] : expected) {
      EXPECT_EQ(std::bit_cast<uint64_t>(sums.at(seq)), std::bit_cast<uint64_t>(dot))
          << "round " << round << " seq " << seq;
    }
  }
}

TEST(MemberDotProductsTest, ResetForgetsThePreviousMembers) {
  MemberDotProducts dots;
  EXPECT_EQ(Sums(dots, {{7, 0.5}, {7, 0.25}, {9, 1.0}}),
            (std::map<uint64_t, double>{{7, 0.75}, {9, 1.0}}));
  EXPECT_EQ(Sums(dots, {{8, 2.0}}), (std::map<uint64_t, double>{{8, 2.0}}));
  EXPECT_EQ(Sums(dots, {}), (std::map<uint64_t, double>{}));
}

}  // namespace
}  // namespace headwire::core
