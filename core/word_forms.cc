#include "core/word_forms.h"

#include <array>
#include <utility>

#include "core/word_table.h"

namespace headwire::core {
namespace {

// Words whose British and American forms differ in ways the suffix rules below do not cover, wire
// abbreviations, and number words up to twenty.
const WordTable& Exceptions() {
  static const WordTable table = {
      {"programme", "program"},
      {"programmes", "programs"},
      {"defence", "defense"},
      {"defences", "defenses"},
      {"offence", "offense"},
      {"offences", "offenses"},
      {"licence", "license"},
      {"licences", "licenses"},
      {"pretence", "pretense"},
      {"aluminium", "aluminum"},
      {"grey", "gray"},
      {"sceptic", "skeptic"},
      {"sceptical", "skeptical"},
      {"manoeuvre", "maneuver"},
      {"manoeuvres", "maneuvers"},
      {"ageing", "aging"},
      {"judgement", "judgment"},
      {"enrolment", "enrollment"},
      {"fulfil", "fulfill"},
      {"mould", "mold"},
      {"plough", "plow"},
      {"whilst", "while"},
      {"amongst", "among"},
      {"travelled", "traveled"},
      {"travelling", "traveling"},
      {"traveller", "traveler"},
      {"travellers", "travelers"},
      {"cancelled", "canceled"},
      {"cancelling", "canceling"},
      {"modelled", "modeled"},
      {"modelling", "modeling"},
      {"labelled", "labeled"},
      {"labelling", "labeling"},
      {"fuelled", "fueled"},
      {"fuelling", "fueling"},
      {"signalled", "signaled"},
      {"signalling", "signaling"},
      {"channelled", "channeled"},
      {"levelled", "leveled"},
      {"totalled", "totaled"},
      {"counselling", "counseling"},
      {"jewellery", "jewelry"},
      {"marvellous", "marvelous"},
      {"tonne", "ton"},
      {"tonnes", "tons"},
      {"storey", "story"},
      {"paediatric", "pediatric"},
      {"anaesthetic", "anesthetic"},
      {"oestrogen", "estrogen"},
      {"foetus", "fetus"},
      {"diarrhoea", "diarrhea"},
      {"cheque", "check"},
      {"cheques", "checks"},
      {"kerb", "curb"},
      {"bln", "billion"},
      {"bn", "billion"},
      {"mln", "million"},
      {"mn", "million"},
      {"trln", "trillion"},
      {"tn", "trillion"},
      {"govt", "government"},
      {"intl", "international"},
      {"one", "1"},
      {"two", "2"},
      {"three", "3"},
      {"four", "4"},
      {"five", "5"},
      {"six", "6"},
      {"seven", "7"},
      {"eight", "8"},
      {"nine", "9"},
      {"ten", "10"},
      {"eleven", "11"},
      {"twelve", "12"},
      {"thirteen", "13"},
      {"fourteen", "14"},
      {"fifteen", "15"},
      {"sixteen", "16"},
      {"seventeen", "17"},
      {"eighteen", "18"},
      {"nineteen", "19"},
      {"twenty", "20"},
      {"dozen", "12"},
  };
  return table;
}

// -ise/-isation -> -ize/-ization, -yse -> -yze, -our -> -or, -tre/-bre -> -ter/-ber,
// -ogue -> -og. Each rule needs a minimum stem so that short words ("rise", "four", "acre")
// stay as they are.
bool RewriteSuffix(std::string_view token, std::string& out) {
  struct Rule {
    std::string_view from;
    std::string_view to;
    size_t min_length;
  };
  static constexpr std::array<Rule, 18> kRules = {{
      {"isations", "izations", 9},
      {"isation", "ization", 8},
      {"ising", "izing", 7},
      {"ised", "ized", 6},
      {"ises", "izes", 6},
      {"ise", "ize", 6},
      {"yses", "yzes", 6},
      {"ysed", "yzed", 6},
      {"ysing", "yzing", 7},
      {"yse", "yze", 6},
      {"ours", "ors", 6},
      {"our", "or", 5},
      {"oured", "ored", 7},
      {"ouring", "oring", 8},
      {"tres", "ters", 6},
      {"tre", "ter", 5},
      {"bre", "ber", 5},
      {"ogue", "og", 7},
  }};
  for (const Rule& rule : kRules) {
    // The last byte first: most tokens match no rule and leave after one comparison.
    if (token.size() >= rule.min_length && token.back() == rule.from.back() &&
        token.ends_with(rule.from)) {
      out.assign(token.substr(0, token.size() - rule.from.size()));
      out.append(rule.to);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view CanonicalWordForm(std::string_view token, std::string& scratch) {
  if (const std::string_view* exception = Exceptions().Find(token)) return *exception;
  if (token.empty() || (token[0] >= '0' && token[0] <= '9')) return token;
  if (RewriteSuffix(token, scratch)) return scratch;
  return token;
}

bool IsStopWord(std::string_view token) {
  static const WordTable kStopWords(std::vector<std::string_view>{
      "a",       "an",      "the",      "and",    "or",      "but",     "nor",      "of",
      "in",      "on",      "at",       "to",     "for",     "from",    "by",       "with",
      "as",      "into",    "onto",     "over",   "under",   "after",   "before",   "amid",
      "about",   "against", "between",  "during", "through", "than",    "then",     "via",
      "per",     "is",      "are",      "was",    "were",    "be",      "been",     "being",
      "am",      "has",     "have",     "had",    "having",  "do",      "does",     "did",
      "it",      "its",     "this",     "that",   "these",   "those",   "there",    "their",
      "they",    "them",    "he",       "she",    "his",     "her",     "we",       "our",
      "you",     "your",    "i",        "my",     "me",      "who",     "whom",     "whose",
      "which",   "what",    "when",     "where",  "why",     "how",     "will",     "would",
      "could",   "should",  "can",      "may",    "might",   "must",    "shall",    "not",
      "no",      "so",      "if",       "up",     "out",     "off",     "just",     "also",
      "says",    "said",    "say",      "saying", "report",  "reports", "reported", "according",
      "percent", "pct",     "per-cent", "cent",   "s",       "t",       "vs",       "v",
      "more",    "most",    "very",     "all",    "any",     "some",    "new",      "now",
  });
  return kStopWords.Contains(token);
}

}  // namespace headwire::core
