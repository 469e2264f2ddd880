#include "core/headline_features.h"

#include <xxhash.h>

#include <algorithm>
#include <array>

#include "core/ascii.h"
#include "core/dateline.h"
#include "core/similarity_hash.h"
#include "core/story_terms.h"
#include "core/text.h"
#include "core/word_forms.h"

namespace headwire::core {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLower(text[i]) != AsciiLower(prefix[i])) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Removes one leading wire tag ("UPDATE 2-", "EXCLUSIVE-", "BREAKING:"); false when none.
bool StripLeadingTag(std::string_view& title) {
  static constexpr std::array<std::string_view, 22> kTags = {
      "BREAKING NEWS", "BREAKING", "UPDATE",  "UPDATED",  "EXCLUSIVE", "CORRECTED",
      "CORRECTION",    "REFILE",   "RPT",     "REPEAT",   "URGENT",    "FLASH",
      "ALERT",         "WRAPUP",   "FACTBOX", "ANALYSIS", "INSIGHT",   "EXPLAINER",
      "JUST IN",       "LIVE",     "WATCH",   "VIDEO"};
  for (std::string_view tag : kTags) {
    if (!StartsWithNoCase(title, tag)) continue;
    std::string_view rest = title.substr(tag.size());
    if (!rest.empty() && IsAsciiAlnum(rest.front()) && !IsAsciiDigit(rest.front())) continue;
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    while (!rest.empty() && IsAsciiDigit(rest.front())) rest.remove_prefix(1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const size_t separator = WireSeparatorLength(rest);
    if (separator == 0) continue;
    rest = TrimSpaces(rest.substr(separator));
    if (rest.empty()) continue;
    title = rest;
    return true;
  }
  return false;
}

// True when `suffix` reads like an outlet's name: 1 to 5 words, each capitalised, a digit, "&" or
// a short joining word ("of", "the").
bool LooksLikeOutlet(std::string_view suffix) {
  if (suffix.empty() || suffix.size() > 40) return false;
  size_t words = 0;
  size_t start = 0;
  while (start < suffix.size()) {
    size_t end = suffix.find(' ', start);
    if (end == std::string_view::npos) end = suffix.size();
    const std::string_view word = suffix.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    ++words;
    const bool joining = word == "of" || word == "the" || word == "&" || word == "and";
    if (!joining && !IsAsciiUpper(word.front()) && !IsAsciiDigit(word.front())) return false;
  }
  return words >= 1 && words <= 5;
}

// Removes a trailing " - Outlet" / " | Outlet" / " — Outlet"; false when none.
bool StripTrailingOutlet(std::string_view& title) {
  static constexpr std::array<std::string_view, 4> kSeparators = {" - ", " | ", " \xE2\x80\x94 ",
                                                                  " \xE2\x80\x93 "};
  // The last separator of any kind: one backward scan that stops only at a space followed by
  // a separator's second byte, instead of one rfind per kind.
  size_t best = std::string_view::npos;
  size_t best_length = 0;
  for (size_t at = title.size(); best == std::string_view::npos && at-- > 0;) {
    if (title[at] != ' ' || at + 1 >= title.size()) continue;
    const char next = title[at + 1];
    if (next != '-' && next != '|' && next != '\xE2') continue;
    for (std::string_view separator : kSeparators) {
      if (title.substr(at).starts_with(separator)) {
        best = at;
        best_length = separator.size();
        break;
      }
    }
  }
  if (best == std::string_view::npos) return false;
  const std::string_view head = TrimSpaces(title.substr(0, best));
  const std::string_view suffix = TrimSpaces(title.substr(best + best_length));
  if (std::count(head.begin(), head.end(), ' ') < 2 || !LooksLikeOutlet(suffix)) return false;
  title = head;
  return true;
}

bool StripEllipsis(std::string_view& title) {
  bool stripped = false;
  for (;;) {
    title = TrimSpaces(title);
    if (title.ends_with("...")) {
      title.remove_suffix(3);
    } else if (title.ends_with("\xE2\x80\xA6")) {
      title.remove_suffix(3);
    } else {
      return stripped;
    }
    while (!title.empty() && title.back() == '.') title.remove_suffix(1);
    stripped = true;
  }
}

// Lower-cased words of the title that are capitalised mid-sentence or are acronyms, and whether
// the capitals of this title carry any information at all.
struct NameEvidence {
  std::vector<uint64_t> names;  // TokenHash of the lower-cased word
  bool every_word = false;      // Title Case or ALL CAPS: the capitals name nothing
};

NameEvidence CollectNames(std::string_view title) {
  NameEvidence evidence;
  size_t letters = 0, upper = 0, long_words = 0, long_capitalised = 0, index = 0;
  std::string lower;
  size_t i = 0;
  while (i < title.size()) {
    while (i < title.size() && !IsAsciiAlnum(title[i]) &&
           static_cast<unsigned char>(title[i]) < 0x80) {
      ++i;
    }
    const size_t start = i;
    while (i < title.size() &&
           (IsAsciiAlnum(title[i]) || static_cast<unsigned char>(title[i]) >= 0x80)) {
      ++i;
    }
    if (i == start) continue;
    const std::string_view word = title.substr(start, i - start);
    size_t word_upper = 0, word_letters = 0;
    for (char c : word) {
      if (IsAsciiUpper(c)) ++word_upper;
      if (IsAsciiAlpha(c)) ++word_letters;
    }
    letters += word_letters;
    upper += word_upper;
    const bool capitalised = IsAsciiUpper(word.front());
    const bool acronym = word_letters >= 2 && word_upper == word_letters;
    if (index > 0 && word.size() >= 4 && word_letters == word.size()) {
      ++long_words;
      if (capitalised) ++long_capitalised;
    }
    // A capitalised first word is usually a name in headlines ("Nvidia shares jump").
    if (capitalised || acronym) {
      lower.assign(word);
      for (char& c : lower) c = AsciiLower(c);
      evidence.names.push_back(TokenHash(lower));
    }
    ++index;
  }
  const bool all_caps = letters >= 8 && upper * 10 >= letters * 8;
  const bool title_case = long_words >= 2 && long_capitalised * 10 >= long_words * 8;
  evidence.every_word = all_caps || title_case;
  std::sort(evidence.names.begin(), evidence.names.end());
  return evidence;
}

bool IsNumberToken(std::string_view token) { return !token.empty() && IsAsciiDigit(token.front()); }

// Appends the story concept of `token`, and of the pair it ends when that pair names something
// of its own ("federal reserve"), to `terms`; the countries they name, or whose institution they
// are, to `countries`. `previous` becomes `token`. Returns whether `token` names a country.
bool AddStoryTerms(std::string& previous, std::string_view token, std::string& scratch,
                   std::vector<uint64_t>& terms, std::vector<uint64_t>& countries) {
  const auto country = CountryOf(token);
  const std::string_view concept_ = StoryConcept(token, country, scratch);
  terms.push_back(TokenHash(concept_));
  if (country) {
    countries.push_back(TokenHash(*country));
  } else if (auto jurisdiction = JurisdictionOf(concept_)) {
    countries.push_back(TokenHash(*jurisdiction));
  }
  if (!previous.empty()) {
    if (auto phrase = StoryPhrase(previous, token)) {
      terms.push_back(TokenHash(*phrase));
      if (auto jurisdiction = JurisdictionOf(*phrase)) {
        countries.push_back(TokenHash(*jurisdiction));
      }
    }
  }
  previous.assign(token);
  return country.has_value();
}

void SortUnique(std::vector<uint64_t>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

uint64_t TokenHash(std::string_view token) { return XXH3_64bits(token.data(), token.size()); }

bool SortedShareAValue(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    a[i] < b[j] ? ++i : ++j;
  }
  return false;
}

std::string StripTitleDecorations(std::string_view title, bool& truncated) {
  const std::string decoded = MarkupToPlainText(title);
  std::string_view view = decoded;
  while (StripLeadingTag(view)) {
  }
  truncated = StripEllipsis(view);
  StripTrailingOutlet(view);
  if (!truncated) truncated = StripEllipsis(view);
  return std::string(view);
}

HeadlineFeatures ExtractHeadlineFeatures(std::string_view title, std::string_view body,
                                         const HeadlineFeatureOptions& options) {
  HeadlineFeatures features;
  const std::string cleaned = StripTitleDecorations(title, features.truncated);
  const NameEvidence names = CollectNames(cleaned);
  std::string scratch, concept_scratch;

  const std::string title_norm = NormalizeForMatching(cleaned);
  std::vector<bool> is_number;
  std::vector<uint64_t> story_title, story_lede;
  std::string previous;  // the content token before, for two-word concepts
  // Each word's stem is looked up in a 4 MB cache, a cache miss per word: asked for all at once,
  // before the first is needed, the misses overlap. Most words are stemmed as they come (a
  // country, a concept or a respelling is stemmed in another form, whose lookup then waits).
  const std::vector<std::string_view> title_words = Tokenize(title_norm);
  for (std::string_view token : title_words) PrefetchStem(token);
  for (std::string_view token : title_words) {
    const std::string_view canonical = CanonicalWordForm(token, scratch);
    if (IsStopWord(canonical)) continue;
    const bool number = IsNumberToken(canonical);
    features.title_tokens.push_back(TokenHash(canonical));
    const bool country =
        AddStoryTerms(previous, canonical, concept_scratch, story_title, features.countries);
    is_number.push_back(number);
    const bool name = std::binary_search(names.names.begin(), names.names.end(), TokenHash(token));
    features.title_slots.push_back(number || (name && !names.every_word));
    if (name && !number && !names.every_word && !country) {
      features.title_names.push_back(story_title.back());
    }
  }
  SortUnique(features.title_names);
  for (size_t i = 0; i < features.title_tokens.size(); ++i) {
    if (is_number[i]) features.title_numbers.push_back(features.title_tokens[i]);
  }
  SortUnique(features.title_numbers);

  previous.clear();
  size_t lede_words = 0;
  const std::string body_norm = NormalizeForMatching(BodyAfterDateline(body));
  std::vector<uint64_t> body_tokens;
  const std::vector<std::string_view> body_words = Tokenize(body_norm);
  // Only the lede's words are stemmed.
  for (size_t i = 0; i < body_words.size() && i < options.lede_tokens; ++i) {
    PrefetchStem(body_words[i]);
  }
  for (std::string_view token : body_words) {
    const std::string_view canonical = CanonicalWordForm(token, scratch);
    if (IsStopWord(canonical)) continue;
    const uint64_t hash = TokenHash(canonical);
    body_tokens.push_back(hash);
    if (lede_words < options.lede_tokens) {
      ++lede_words;
      AddStoryTerms(previous, canonical, concept_scratch, story_lede, features.countries);
    }
    if (IsNumberToken(canonical)) features.body_numbers.push_back(hash);
  }
  features.has_body = !body_tokens.empty();
  if (features.has_body) {
    std::vector<uint64_t> shingles;
    shingles.reserve(body_tokens.size());
    if (body_tokens.size() == 1) shingles.push_back(body_tokens[0]);
    for (size_t i = 0; i + 1 < body_tokens.size(); ++i) {
      shingles.push_back(Mix64(body_tokens[i] * 0x9e3779b97f4a7c15ULL) ^ body_tokens[i + 1]);
    }
    features.body_simhash = ComputeSimHash(shingles);
  }
  SortUnique(features.body_numbers);
  SortUnique(features.countries);
  SortUnique(story_title);
  SortUnique(story_lede);
  features.body_about_title = SortedShareAValue(story_title, story_lede);

  // Both lists are sorted and unique: merged by hash, a term of both keeps the larger weight and
  // counts as the title's.
  features.terms.reserve(story_title.size() + story_lede.size());
  size_t t = 0;
  size_t l = 0;
  while (t < story_title.size() || l < story_lede.size()) {
    if (l == story_lede.size() || (t < story_title.size() && story_title[t] < story_lede[l])) {
      features.terms.push_back({story_title[t++], options.title_weight, false});
    } else if (t == story_title.size() || story_lede[l] < story_title[t]) {
      features.terms.push_back({story_lede[l++], options.lede_weight, true});
    } else {
      features.terms.push_back(
          {story_title[t++], std::max(options.title_weight, options.lede_weight), false});
      ++l;
    }
  }
  return features;
}

}  // namespace headwire::core
