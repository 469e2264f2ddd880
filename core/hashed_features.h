#pragma once
// HashedFeatures: turns a title and body into the sparse feature ids of the topic model: word
// unigrams, word bigrams and character n-grams of the NormalizeForMatching tokens, each hashed
// with XXH3 into 2^bucket_bits buckets. The text buffers live in a caller-owned FeatureBuffer that
// is reused from call to call, so a warm extraction allocates nothing per token (only when a
// text is longer than any seen before). Pure, deterministic on every machine and thread-safe
// (each thread uses its own FeatureBuffer).
//
//   FeatureBuffer buffer;
//   extractor.Extract("SpaceX launches 24 Starlink satellites", "", buffer);
//   for (uint32_t id : buffer.ids) ...

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace headwire::core {

struct FeatureOptions {
  // log2 of the number of hash buckets; every id is < 2^bucket_bits. Default: 20 (1,048,576).
  int bucket_bits = 20;
  // Adds a feature for each pair of adjacent words of a field. Default: true.
  bool word_bigrams = true;
  // Character n-grams of "<word>" with min_char_ngram <= n <= max_char_ngram (bytes); 0 in
  // either turns them off. They let "launches" share evidence with "launched". Default: 3..5.
  int min_char_ngram = 3;
  int max_char_ngram = 5;
  // Also extract features from the body (with the same ids as the same words in a title).
  // Default: true.
  bool use_body = true;
  // With use_body, only the body's first max_body_words words (after NormalizeForMatching) give
  // features; 0: the whole body. A headline says what an article is about, and with the whole of
  // a lede its words weigh less (each feature has the value 1/sqrt(n)); the first words of a lede
  // (who did what) add to it without drowning it. Default: 0, as in models trained before the
  // option (the shipped model's value: scripts/train-default-model.sh).
  int max_body_words = 0;

  // Returns InvalidArgument when a value is out of range (bucket_bits 8..26, n-grams 0..8 and
  // min <= max, max_body_words 0..65535).
  Status Validate() const;
};

// Scratch space of one extraction; reuse it across calls. `ids` holds the result: one id per
// feature occurrence, in text order (title, then body), duplicates kept; `title` and `body` the
// NormalizeForMatching form of the fields (body only when options.use_body).
struct FeatureBuffer {
  std::vector<uint32_t> ids;
  std::string title;
  std::string body;
  std::vector<std::string_view> tokens;  // views into `normalized`
  std::string padded;                    // "<word>" for character n-grams
};

// A feature with a readable name, for explanations.
struct NamedFeature {
  uint32_t id = 0;
  std::string name;  // "launches", "spacex launches" (bigram) or "<lau" (character n-gram)
};

class FeatureExtractor {
 public:
  // `options` must be valid (Validate()).
  explicit FeatureExtractor(const FeatureOptions& options) : options_(options) {}

  // Replaces buffer.ids with the features of the text. Either field may be empty.
  void Extract(std::string_view title, std::string_view body, FeatureBuffer& buffer) const;

  // The same features as Extract, in the same order, with names. Allocates; for explanations.
  std::vector<NamedFeature> ExtractNamed(std::string_view title, std::string_view body) const;

  uint32_t bucket_count() const { return uint32_t{1} << options_.bucket_bits; }
  const FeatureOptions& options() const { return options_; }

 private:
  // `max_words` > 0: only the field's first max_words words give features.
  template <class Emit>
  void ExtractField(std::string_view text, size_t max_words, std::string& normalized,
                    FeatureBuffer& buffer, Emit&& emit) const;

  FeatureOptions options_;
};

}  // namespace headwire::core
