#include "core/hashed_features.h"

#include <xxhash.h>

#include <algorithm>

#include "core/text.h"

namespace headwire::core {
namespace {

// Each kind of feature hashes with its own seed, so that the word "ai" and the character
// n-gram "<ai>" or a bigram never share an id by construction.
constexpr uint64_t kWordSeed = 0x68776f7264000001ULL;
constexpr uint64_t kBigramSeed = 0x6877626967720002ULL;
constexpr uint64_t kCharSeed = 0x6877636861720003ULL;

// Words longer than this contribute character n-grams of their first kMaxPaddedWord - 2 bytes
// only; such tokens are URLs or garbage, not morphology.
constexpr size_t kMaxPaddedWord = 64;

uint64_t HashWord(std::string_view word) {
  return XXH3_64bits_withSeed(word.data(), word.size(), kWordSeed);
}

uint64_t HashPair(uint64_t left, uint64_t right) {
  const uint64_t pair[2] = {left, right};
  return XXH3_64bits_withSeed(pair, sizeof(pair), kBigramSeed);
}

}  // namespace

Status FeatureOptions::Validate() const {
  if (bucket_bits < 8 || bucket_bits > 26) {
    return Status::InvalidArgument("bucket_bits must be within 8..26, got " +
                                   std::to_string(bucket_bits));
  }
  if (min_char_ngram < 0 || max_char_ngram < 0 || min_char_ngram > 8 || max_char_ngram > 8) {
    return Status::InvalidArgument("character n-gram lengths must be within 0..8");
  }
  if (min_char_ngram > max_char_ngram) {
    return Status::InvalidArgument("min_char_ngram must not exceed max_char_ngram");
  }
  if (max_body_words < 0 || max_body_words > 65535) {
    return Status::InvalidArgument("max_body_words must be within 0..65535, got " +
                                   std::to_string(max_body_words));
  }
  return Status::Ok();
}

// `emit(hash, kind, tokens, first, count, char_begin, char_length)` receives every feature; the
// named and unnamed extractions share this walk so that they cannot disagree.
template <class Emit>
void FeatureExtractor::ExtractField(std::string_view text, size_t max_words,
                                    std::string& normalized, FeatureBuffer& buffer,
                                    Emit&& emit) const {
  normalized.clear();
  if (text.empty()) return;
  normalized = NormalizeForMatching(text);
  TokenizeInto(normalized, buffer.tokens);
  const bool chars = options_.min_char_ngram > 0 && options_.max_char_ngram > 0;
  const size_t min_n = static_cast<size_t>(options_.min_char_ngram);
  const size_t max_n = static_cast<size_t>(options_.max_char_ngram);
  uint64_t previous = 0;
  const size_t words =
      max_words > 0 ? std::min(max_words, buffer.tokens.size()) : buffer.tokens.size();
  for (size_t i = 0; i < words; ++i) {
    const std::string_view token = buffer.tokens[i];
    const uint64_t word = HashWord(token);
    emit(word, buffer.tokens, i, 1, std::string_view());
    if (options_.word_bigrams && i > 0) {
      emit(HashPair(previous, word), buffer.tokens, i - 1, 2, std::string_view());
    }
    previous = word;
    if (!chars) continue;
    buffer.padded.clear();
    buffer.padded += '<';
    buffer.padded.append(token.substr(0, kMaxPaddedWord - 2));
    buffer.padded += '>';
    const std::string_view padded = buffer.padded;
    for (size_t n = min_n; n <= max_n && n <= padded.size(); ++n) {
      for (size_t pos = 0; pos + n <= padded.size(); ++pos) {
        // The whole "<word>" is the word feature already.
        if (n == padded.size()) continue;
        const std::string_view gram = padded.substr(pos, n);
        emit(XXH3_64bits_withSeed(gram.data(), gram.size(), kCharSeed), buffer.tokens, i, 0, gram);
      }
    }
  }
}

void FeatureExtractor::Extract(std::string_view title, std::string_view body,
                               FeatureBuffer& buffer) const {
  buffer.ids.clear();
  const uint64_t mask = bucket_count() - 1;
  const auto emit = [&](uint64_t hash, const std::vector<std::string_view>&, size_t, size_t,
                        std::string_view) {
    buffer.ids.push_back(static_cast<uint32_t>(hash & mask));
  };
  ExtractField(title, 0, buffer.title, buffer, emit);
  buffer.body.clear();
  if (options_.use_body) {
    ExtractField(body, static_cast<size_t>(options_.max_body_words), buffer.body, buffer, emit);
  }
}

std::vector<NamedFeature> FeatureExtractor::ExtractNamed(std::string_view title,
                                                         std::string_view body) const {
  std::vector<NamedFeature> out;
  FeatureBuffer buffer;
  const uint64_t mask = bucket_count() - 1;
  const auto emit = [&](uint64_t hash, const std::vector<std::string_view>& tokens, size_t first,
                        size_t count, std::string_view gram) {
    std::string name;
    if (count == 0) {
      // A character n-gram counts bytes, so it can cut a letter of a non-Latin script in two.
      name = RepairUtf8(gram);
    } else {
      for (size_t k = 0; k < count; ++k) {
        if (k > 0) name += ' ';
        name += tokens[first + k];
      }
    }
    out.push_back(NamedFeature{static_cast<uint32_t>(hash & mask), std::move(name)});
  };
  ExtractField(title, 0, buffer.title, buffer, emit);
  buffer.body.clear();
  if (options_.use_body) {
    ExtractField(body, static_cast<size_t>(options_.max_body_words), buffer.body, buffer, emit);
  }
  return out;
}

}  // namespace headwire::core
