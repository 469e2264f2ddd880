#include "core/terms.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/text.h"

namespace headwire::core {
namespace {

constexpr size_t kMinNameWords = 2;
constexpr size_t kMaxNameWords = 4;
constexpr size_t kMinTermBytes = 3;

// Function words plus headline verbs of attribution that carry no topic.
constexpr std::array<std::string_view, 96> kStopWords = {
    "a",       "about", "after",  "against", "ahead", "all",   "also",  "amid",   "an",    "and",
    "any",     "are",   "as",     "at",      "back",  "be",    "been",  "before", "being", "but",
    "by",      "can",   "could",  "did",     "do",    "does",  "down",  "during", "each",  "for",
    "from",    "had",   "has",    "have",    "he",    "her",   "his",   "how",    "if",    "in",
    "into",    "is",    "it",     "its",     "just",  "may",   "more",  "most",   "new",   "no",
    "not",     "now",   "of",     "off",     "on",    "once",  "one",   "or",     "other", "our",
    "out",     "over",  "report", "s",       "said",  "say",   "says",  "she",    "so",    "than",
    "that",    "the",   "their",  "them",    "then",  "there", "these", "they",   "this",  "those",
    "through", "to",    "under",  "up",      "us",    "via",   "was",   "we",     "were",  "what",
    "when",    "which", "while",  "who",     "will",  "with"};

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

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

bool IsStopWord(std::string_view normalized_word) {
  return std::find(kStopWords.begin(), kStopWords.end(), normalized_word) != kStopWords.end();
}

std::string Stem(std::string_view word) {
  std::string w(word);
  if (w.size() <= 4) return w;
  auto ends = [&w](std::string_view suffix) { return w.ends_with(suffix); };
  if (ends("ies")) return w.substr(0, w.size() - 3) + "y";
  if (ends("sses")) return w.substr(0, w.size() - 2);
  if (ends("ches") || ends("shes") || ends("xes")) return w.substr(0, w.size() - 2);
  if (ends("ing") || ends("ed")) {
    const size_t cut = ends("ing") ? 3 : 2;
    std::string base = w.substr(0, w.size() - cut);
    const bool has_vowel = std::any_of(base.begin(), base.end(), IsVowel);
    if (base.size() >= 3 && has_vowel) {
      // "planned" -> "plann" -> "plan": undo the doubled final consonant.
      const size_t n = base.size();
      if (base[n - 1] == base[n - 2] && !IsVowel(base[n - 1]) && base[n - 1] != 'l' &&
          base[n - 1] != 's' && base[n - 1] != 'z') {
        base.pop_back();
      }
      return base;
    }
    return w;
  }
  if (ends("s") && !ends("ss") && !ends("us") && !ends("is")) return w.substr(0, w.size() - 1);
  return w;
}

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
