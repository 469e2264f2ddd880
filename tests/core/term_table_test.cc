#include "core/term_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <utility>
#include <vector>

namespace headwire::core {
namespace {

TermPosting PostingOf(uint64_t seq) { return {seq, 1.0f, static_cast<uint32_t>(seq)}; }

TEST(TermTableTest, FindsEveryCountedTermWithItsFrequencyAndNoErasedOne) {
  // Few distinct hashes over many steps: probe runs collide, grow, wrap and are cut by Erase.
  std::mt19937_64 rng(7);
  TermTable table;
  std::map<uint64_t, uint32_t> model;
  for (int step = 0; step < 200'000; ++step) {
    const uint64_t hash = rng() % 3'000 * 0x100000000ULL;  // zero included, low bits all equal
    if (rng() % 2 == 0) {
      bool created = false;
      TermTable::Term& term = table.Count(hash, created);
      EXPECT_EQ(created, model.count(hash) == 0);
      term.postings.PushBack(PostingOf(static_cast<uint64_t>(step)), 4);
      ++model[hash];
    } else if (TermTable::Term* term = table.Find(hash)) {
      ASSERT_TRUE(model.count(hash));
      if (--term->document_frequency == 0) table.Erase(*term);
      if (--model[hash] == 0) model.erase(hash);
    } else {
      EXPECT_EQ(model.count(hash), 0u);
    }
    if (step % 10'000 == 0 || step == 199'999) {
      ASSERT_EQ(table.size(), model.size());
      for (uint64_t h = 0; h < 3'000; ++h) {
        const uint64_t key = h * 0x100000000ULL;
        const TermTable::Term* term = std::as_const(table).Find(key);
        const auto it = model.find(key);
        ASSERT_EQ(term != nullptr, it != model.end()) << "step " << step << " term " << h;
        if (term != nullptr) {
          EXPECT_EQ(term->hash, key);
          EXPECT_EQ(term->document_frequency, it->second);
        }
      }
    }
  }
}

TEST(TermTableTest, ATermKeepsItsPostingsWhenOthersMoveAroundIt) {
  TermTable table;
  bool created = false;
  table.Count(42, created).postings.PushBack(PostingOf(1), 64);
  table.Count(42, created).postings.PushBack(PostingOf(2), 64);
  EXPECT_FALSE(created);
  // Enough other terms to grow the table several times, then erased again.
  for (uint64_t h = 1'000; h < 3'000; ++h) table.Count(h, created);
  for (uint64_t h = 1'000; h < 3'000; ++h) {
    TermTable::Term* term = table.Find(h);
    ASSERT_NE(term, nullptr);
    term->document_frequency = 0;
    table.Erase(*term);
  }
  const TermTable::Term* term = table.Find(42);
  ASSERT_NE(term, nullptr);
  EXPECT_EQ(term->document_frequency, 2u);
  std::vector<uint64_t> seqs;
  for (std::span<const TermPosting> run : term->postings.Runs()) {
    for (const TermPosting& p : run) seqs.push_back(p.weight_and_seq);
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(table.size(), 1u);
}

}  // namespace
}  // namespace headwire::core
