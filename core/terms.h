#pragma once
// Terms of a headline for trending: multi-word capitalised names kept as one term, other words
// normalised (core/text.h), stop words and numbers removed, and reduced by a light English
// stemmer (IsStopWord of core/word_forms.h, Stem of core/story_terms.h, shared with story
// clustering). Pure and deterministic.
//
// Name rule: a run of 2 to 4 consecutive words that start with an ASCII capital letter and are
// not stop words is one name ("Elon Musk", "European Central Bank"); its term is the normalised
// run ("elon musk"), not stemmed. A longer run is a Title-Case headline, not a name, and its
// words are treated one by one. A title's first word joins a name only when the next word is
// capitalised too.

#include <string>
#include <string_view>
#include <vector>

namespace headwire::core {

// The distinct terms of `title`, sorted.
std::vector<std::string> ExtractTerms(std::string_view title);

}  // namespace headwire::core
