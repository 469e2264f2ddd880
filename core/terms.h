#pragma once
// Terms of a headline for trending, as a reader would name a trend: each term has a key that
// groups its spellings and the surface form it was written in. Pure and deterministic.
//
// The title is read as plain text first (MarkupToPlainText: HTML tags dropped, character
// references decoded), so markup adds no term and "AT&amp;T" is written "AT&T".
// Words: normalised (core/text.h) and grouped by their Snowball stem (core/english_stemmer.h), so
// "hiring", "hires" and "hired" are one term. Left out: stop words (IsStopWord of
// core/word_forms.h), words of fewer than 3 letters, numbers and anything starting with a digit
// ("2026", "6.1", "12th", "1930s"), month and day names, and generic headline verbs and labels
// ("adds", "gets", "reaches", "update"), whichever inflection they take.
// A word's surface form is the word as written, without edge punctuation or a possessive "'s"
// ("SpaceX", "Hiring", "hiring"); a token of a joined word is its part as written ("1-SpaceX"
// gives "SpaceX"), or the normalised token when the parts do not match the tokens one to one.
//
// Names: a run of 2 to 4 consecutive words that start with an ASCII capital letter and are none
// of the words left out above is one term ("Elon Musk", "European Central Bank"): its key is the
// normalised run ("elon musk") and its surface form the run as written, without edge punctuation
// or a possessive "'s". A longer run is a Title-Case headline, not a name, and its words are
// treated one by one. A title's first word joins a name only when the next word is capitalised.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::core {

struct Term {
  std::string key;      // groups spellings: a stem, or a normalised name
  std::string surface;  // as written in this title
  bool operator==(const Term&) const = default;
};

// The distinct terms of `title` (one per key; the first spelling wins), sorted by key.
std::vector<Term> ExtractTerms(std::string_view title);

// The name under which the sink stores a term's count: key, a unit separator (0x1F), surface.
// Keys and surfaces never contain the separator. All names of one key share TermNamePrefix(key).
std::string TermName(const Term& term);
std::string TermNamePrefix(std::string_view key);
// The term of a stored name; a name without separator is its own key and surface.
Term ParseTermName(std::string_view name);

// Adds up the counts of a term's surface forms, in any order.
class TermFormTally {
 public:
  struct Total {
    std::string key;
    // The display form: among the key's spellings compared without ASCII case ("hiring",
    // "hires"), the most common (on a tie the smallest); written in lower case when it was
    // written so at least once (a capital then only marks a title's first word), else in its
    // most common capitalisation (on a tie the smallest in byte order).
    std::string surface;
    uint64_t count = 0;  // all forms
  };

  void Add(const Term& term, uint64_t count);
  // One total per key, sorted by key.
  std::vector<Total> Totals() const;

 private:
  std::map<std::string, std::map<std::string, uint64_t>, std::less<>> forms_;
};

}  // namespace headwire::core
