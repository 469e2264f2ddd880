#include "core/terms.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/story_terms.h"
#include "core/text.h"
#include "core/word_forms.h"

namespace headwire::core {
namespace {

constexpr size_t kMinNameWords = 2;
constexpr size_t kMaxNameWords = 4;
constexpr size_t kMinTermBytes = 3;

bool IsNumber(std::string_view word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool StartsCapitalised(std::string_view raw_word) {
  for (const char c : raw_word) {
    if (c >= 'A' && c <= 'Z') return true;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return false;
  }
  return false;
}

std::vector<std::string_view> SplitWhitespace(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

void AddWordTerms(std::string_view raw_word, std::set<std::string>& terms) {
  const std::string normalized = NormalizeForMatching(raw_word);
  for (const auto token : Tokenize(normalized)) {
    if (token.size() < kMinTermBytes || IsNumber(token) || IsStopWord(token)) continue;
    terms.insert(Stem(token));
  }
}

}  // namespace

std::vector<std::string> ExtractTerms(std::string_view title) {
  const std::vector<std::string_view> words = SplitWhitespace(title);
  std::set<std::string> terms;
  size_t i = 0;
  while (i < words.size()) {
    size_t end = i;
    while (end < words.size() && StartsCapitalised(words[end]) &&
           !IsStopWord(NormalizeForMatching(words[end]))) {
      ++end;
    }
    const size_t run = end - i;
    if (run >= kMinNameWords && run <= kMaxNameWords) {
      std::string joined;
      for (size_t k = i; k < end; ++k) {
        if (!joined.empty()) joined += ' ';
        joined += words[k];
      }
      terms.insert(NormalizeForMatching(joined));
      i = end;
      continue;
    }
    const size_t stop = std::max(end, i + 1);
    for (size_t k = i; k < stop; ++k) AddWordTerms(words[k], terms);
    i = stop;
  }
  return {terms.begin(), terms.end()};
}

}  // namespace headwire::core
