#pragma once
// The synthetic headline stream of dedup_bench and dedup_verdicts, so that the verdicts checked
// for identity are those of the stream whose speed is measured: headlines of 7-12 content words
// drawn from a Zipf-distributed vocabulary of 50,000 words whose 300 most frequent ranks are left
// out (they stand for the stop words the pipeline removes), a number in a third of them. The
// same seed gives the same stream on every machine (std::mt19937_64 and the libstdc++
// distribution). The story IDF counts data/background/headlines.txt, as the binary's default
// does.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/article.h"
#include "core/background_frequencies.h"

namespace headwire::bench {

inline constexpr size_t kVocabulary = 50'000;
inline constexpr size_t kStopWordRanks = 300;
// Event times advance this much per article, so that 1 million articles span 42 hours (inside
// the default 72-hour retention).
inline constexpr int64_t kStepMs = 150;

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {
    std::vector<double> weights(kVocabulary - kStopWordRanks);
    for (size_t i = 0; i < weights.size(); ++i) {
      weights[i] = 1.0 / std::pow(double(kStopWordRanks + i + 1), 1.05);
    }
    zipf_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  }
  core::Article Next(int64_t time_ms, uint64_t n) {
    core::Article a;
    // Appended piece by piece: GCC 12's -Wrestrict misreads "literal" + std::string in Release.
    a.id = 'b';
    a.id += std::to_string(n);
    const size_t words = 7 + rng_() % 6;
    for (size_t i = 0; i < words; ++i) {
      if (i > 0) a.title += ' ';
      const size_t w = kStopWordRanks + zipf_(rng_);
      a.title += (i == 0 || w % 5 == 0) ? 'W' : 'w';
      a.title += std::to_string(w);
    }
    if (rng_() % 3 == 0) {
      a.title += ' ';
      a.title += std::to_string(rng_() % 1000);
    }
    a.published_at_ms = time_ms;
    return a;
  }

 private:
  std::mt19937_64 rng_;
  std::discrete_distribution<size_t> zipf_;
};

// The background corpus of the repository's data/ (HEADWIRE_SOURCE_DIR); exits when it is
// missing, since every figure would then measure a different IDF.
inline std::shared_ptr<const core::BackgroundFrequencies> Background() {
  const std::filesystem::path source_dir = HEADWIRE_SOURCE_DIR;
  auto background =
      core::BackgroundFrequencies::FromFile(source_dir / "data" / "background" / "headlines.txt");
  if (!background || background->documents() == 0) {
    std::fprintf(stderr, "no headlines in data/background/headlines.txt\n");
    std::exit(1);
  }
  // Copied, not moved: GCC 12 warns falsely (-Wfree-nonheap-object) on moving its hash map here.
  return std::make_shared<const core::BackgroundFrequencies>(*background);
}

}  // namespace headwire::bench
