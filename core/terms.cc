#include "core/terms.h"

#include <algorithm>
#include <array>
#include <span>

#include "core/ascii.h"
#include "core/english_stemmer.h"
#include "core/text.h"
#include "core/word_forms.h"
#include "core/word_table.h"

namespace headwire::core {
namespace {

constexpr size_t kMinNameWords = 2;
constexpr size_t kMaxNameWords = 4;
constexpr size_t kMinTermBytes = 3;
constexpr char kSurfaceSeparator = '\x1f';

// Month and day names (and their unambiguous abbreviations) and relative days: when, not what.
bool IsDateWord(std::string_view token) {
  static const WordTable kDates(std::vector<std::string_view>{
      "january",   "february", "march",     "april",    "june",      "july",     "august",
      "september", "october",  "november",  "december", "jan",       "feb",      "apr",
      "jun",       "jul",      "aug",       "sept",     "oct",       "nov",      "dec",
      "monday",    "tuesday",  "wednesday", "thursday", "friday",    "saturday", "sunday",
      "tues",      "thurs",    "today",     "tonight",  "yesterday", "tomorrow", "weekend",
  });
  return kDates.Contains(token);
}

// Verbs that headlines use for any story, newsroom labels and generic time nouns and ordinals,
// listed in one form and compared by stem, so that every inflection ("adds", "added", "adding")
// is left out.
bool IsGenericStem(std::string_view stem) {
  static const std::vector<std::string> kStems = [] {
    constexpr std::array kWords = {
        "add",   "adding",  "complete",  "announce", "ask",    "become",    "became",   "begin",
        "began", "begun",   "bring",     "brought",  "call",   "come",      "came",     "continue",
        "eye",   "face",    "find",      "found",    "get",    "got",       "give",     "gave",
        "given", "go",      "went",      "gone",     "hit",    "hold",      "held",     "keep",
        "kept",  "know",    "leave",     "left",     "let",    "look",      "make",     "made",
        "mark",  "move",    "need",      "plan",     "put",    "reach",     "remain",   "reveal",
        "roll",  "see",     "saw",       "seen",     "seek",   "sought",    "set",      "show",
        "shown", "start",   "take",      "took",     "taken",  "tell",      "told",     "try",
        "turn",  "unveil",  "use",       "want",     "update", "exclusive", "breaking", "live",
        "watch", "factbox", "explainer", "refile",   "day",    "week",      "month",    "year",
        "first", "second",
    };
    std::vector<std::string> stems;
    for (const char* word : kWords) stems.push_back(SnowballStem(word));
    return stems;
  }();
  static const WordTable kTable(std::vector<std::string_view>(kStems.begin(), kStems.end()));
  return kTable.Contains(stem);
}

// Stop words, dates and generic words; `stem` receives the token's stem.
bool IsFiller(std::string_view token, std::string& stem) {
  SnowballStemInto(token, stem);
  return IsStopWord(token) || IsDateWord(token) || IsGenericStem(stem);
}

bool IsLeftOut(std::string_view token, std::string& stem) {
  if (token.size() < kMinTermBytes || (token[0] >= '0' && token[0] <= '9')) return true;
  return IsFiller(token, stem);
}

bool StartsCapitalised(std::string_view raw_word) {
  for (const char c : raw_word) {
    if (IsAsciiUpper(c)) return true;
    if (IsAsciiAlnum(c)) return false;
  }
  return false;
}

// Typographic quotes, which news copy puts around words: ‘ ’ “ ”.
constexpr std::array<std::string_view, 4> kQuotes = {"\u2018", "\u2019", "\u201c", "\u201d"};

// `raw_word` without edge punctuation, quotes and a possessive "'s".
std::string_view TrimWord(std::string_view word) {
  bool changed = true;
  while (changed && !word.empty()) {
    changed = false;
    if (!IsAsciiAlnum(word.front()) && static_cast<unsigned char>(word.front()) < 0x80) {
      word.remove_prefix(1);
      changed = true;
    } else if (!IsAsciiAlnum(word.back()) && static_cast<unsigned char>(word.back()) < 0x80) {
      word.remove_suffix(1);
      changed = true;
    } else if (word.ends_with("'s") || word.ends_with("\u2019s")) {
      word.remove_suffix(word.ends_with("'s") ? 2 : 4);
      changed = true;
    }
    for (const std::string_view quote : kQuotes) {
      if (word.starts_with(quote)) {
        word.remove_prefix(quote.size());
        changed = true;
      }
      if (word.ends_with(quote)) {
        word.remove_suffix(quote.size());
        changed = true;
      }
    }
  }
  return word;
}

bool HasControlByte(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// The parts of a written word between ASCII punctuation ("1-SpaceX" -> "1", "SpaceX").
std::vector<std::string_view> WrittenParts(std::string_view written) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= written.size(); ++i) {
    const bool split = i == written.size() ||
                       (static_cast<unsigned char>(written[i]) < 0x80 && !IsAsciiAlnum(written[i]));
    if (!split) continue;
    if (i > start) parts.push_back(written.substr(start, i - start));
    start = i + 1;
  }
  return parts;
}

// The surface forms of a word's tokens: each token as written when the word's parts match its
// tokens one to one, else the token itself.
std::vector<std::string> WordSurfaces(std::string_view raw_word,
                                      const std::vector<std::string_view>& tokens) {
  const std::string_view written = TrimWord(raw_word);
  std::vector<std::string> surfaces(tokens.begin(), tokens.end());
  if (HasControlByte(written)) return surfaces;
  const std::vector<std::string_view> parts =
      tokens.size() == 1 ? std::vector<std::string_view>{written} : WrittenParts(written);
  if (parts.size() != tokens.size()) return surfaces;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (NormalizeForMatching(parts[i]) != tokens[i]) return surfaces;
  }
  return {parts.begin(), parts.end()};
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

// True when a capitalised word may be part of a name.
bool MayJoinName(std::string_view raw_word) {
  if (!StartsCapitalised(raw_word)) return false;
  const std::string normalized = NormalizeForMatching(raw_word);
  std::string stem;
  return !normalized.empty() &&
         (normalized.find(' ') != std::string::npos || !IsFiller(normalized, stem));
}

void AddWordTerms(std::string_view raw_word, std::map<std::string, std::string>& terms) {
  const std::string normalized = NormalizeForMatching(raw_word);
  const std::vector<std::string_view> tokens = Tokenize(normalized);
  const std::vector<std::string> surfaces = WordSurfaces(raw_word, tokens);
  std::string stem;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!IsLeftOut(tokens[i], stem)) terms.emplace(stem, surfaces[i]);
  }
}

void AddName(std::span<const std::string_view> words, std::map<std::string, std::string>& terms) {
  std::string surface;
  for (const std::string_view word : words) {
    const std::string_view written = TrimWord(word);
    if (written.empty() || HasControlByte(written)) continue;
    if (!surface.empty()) surface += ' ';
    surface += written;
  }
  std::string key = NormalizeForMatching(surface);
  if (!key.empty()) terms.emplace(std::move(key), std::move(surface));
}

}  // namespace

std::vector<Term> ExtractTerms(std::string_view title) {
  // A tag spans words ("<img src=x onerror=alert(1)>"): it goes before the title is split.
  const std::string text = MarkupToPlainText(title);
  const std::vector<std::string_view> words = SplitWhitespace(text);
  std::map<std::string, std::string> terms;
  size_t i = 0;
  while (i < words.size()) {
    size_t end = i;
    while (end < words.size() && MayJoinName(words[end])) ++end;
    const size_t run = end - i;
    if (run >= kMinNameWords && run <= kMaxNameWords) {
      AddName(std::span(words).subspan(i, run), terms);
      i = end;
      continue;
    }
    const size_t stop = std::max(end, i + 1);
    for (size_t k = i; k < stop; ++k) AddWordTerms(words[k], terms);
    i = stop;
  }
  std::vector<Term> out;
  out.reserve(terms.size());
  for (auto& [key, surface] : terms) out.push_back({key, std::move(surface)});
  return out;
}

std::string TermName(const Term& term) {
  std::string name = TermNamePrefix(term.key);
  name += term.surface;
  return name;
}

std::string TermNamePrefix(std::string_view key) {
  std::string prefix(key);
  prefix += kSurfaceSeparator;
  return prefix;
}

Term ParseTermName(std::string_view name) {
  const size_t separator = name.find(kSurfaceSeparator);
  if (separator == std::string_view::npos) return {std::string(name), std::string(name)};
  return {std::string(name.substr(0, separator)), std::string(name.substr(separator + 1))};
}

void TermFormTally::Add(const Term& term, uint64_t count) {
  auto it = forms_.find(term.key);
  if (it == forms_.end()) it = forms_.emplace(term.key, std::map<std::string, uint64_t>{}).first;
  it->second[term.surface] += count;
}

namespace {

// The display form among one key's surface forms (see the header).
std::string MostCommonForm(const std::map<std::string, uint64_t>& forms) {
  std::map<std::string, uint64_t> spellings;  // by ASCII-lower-cased spelling
  for (const auto& [surface, count] : forms) spellings[AsciiLowercase(surface)] += count;
  const auto spelling = std::max_element(  // the first of equal maxima: the smallest spelling
      spellings.begin(), spellings.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  if (forms.contains(spelling->first)) return spelling->first;
  std::string best;
  uint64_t best_count = 0;
  for (const auto& [surface, count] : forms) {
    if (count > best_count && AsciiLowercase(surface) == spelling->first) {
      best = surface;
      best_count = count;
    }
  }
  return best;
}

}  // namespace

std::vector<TermFormTally::Total> TermFormTally::Totals() const {
  std::vector<Total> out;
  out.reserve(forms_.size());
  for (const auto& [key, forms] : forms_) {
    Total total{key, MostCommonForm(forms), 0};
    for (const auto& [surface, count] : forms) total.count += count;
    out.push_back(std::move(total));
  }
  return out;
}

}  // namespace headwire::core
