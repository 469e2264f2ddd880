#include "core/rules_classifier.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>

#include "core/text.h"

namespace headwire::core {
namespace {

struct StringHash {
  using is_transparent = void;  // lets a string_view token look up a std::string key
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

using Tokens = std::span<const std::string_view>;

struct Hit {
  uint32_t id;    // position of the pattern in the list the index was built from
  size_t length;  // tokens consumed
};

// Finds the best pattern that starts at a token position: the longest one, and between equally
// long ones an exact last word before a prefix, then the longer prefix. Candidates are sorted
// in that order at construction, so a lookup takes the first that fits.
class PatternIndex {
 public:
  explicit PatternIndex(const std::vector<const Pattern*>& patterns) {
    entries_.reserve(patterns.size());
    for (const Pattern* p : patterns) entries_.push_back(Entry{p->words, p->prefix});
    for (uint32_t id = 0; id < entries_.size(); ++id) {
      const Entry& e = entries_[id];
      if (e.prefix && e.words.size() == 1) {
        stems_by_head_[e.words[0].substr(0, kHead)].push_back(id);
      } else {
        by_first_word_[e.words[0]].push_back(id);
      }
    }
    const auto better = [this](uint32_t a, uint32_t b) {
      const Entry& x = entries_[a];
      const Entry& y = entries_[b];
      if (x.words.size() != y.words.size()) return x.words.size() > y.words.size();
      if (x.prefix != y.prefix) return !x.prefix;
      return x.words.back().size() > y.words.back().size();
    };
    for (auto& [word, ids] : by_first_word_) std::ranges::stable_sort(ids, better);
    for (auto& [head, ids] : stems_by_head_) std::ranges::stable_sort(ids, better);
  }

  std::optional<Hit> LongestAt(Tokens tokens, size_t pos) const {
    const std::string_view token = tokens[pos];
    if (const auto it = by_first_word_.find(token); it != by_first_word_.end()) {
      for (uint32_t id : it->second) {
        if (MatchesAt(entries_[id], tokens, pos)) return Hit{id, entries_[id].words.size()};
      }
    }
    // Only one-word prefix patterns remain, and any exact or longer match has already won.
    if (token.size() < kHead) return std::nullopt;
    if (const auto it = stems_by_head_.find(token.substr(0, kHead)); it != stems_by_head_.end()) {
      for (uint32_t id : it->second) {
        if (token.starts_with(entries_[id].words[0])) return Hit{id, 1};
      }
    }
    return std::nullopt;
  }

 private:
  struct Entry {
    std::vector<std::string> words;
    bool prefix;
  };

  // The first word is known to be equal (it was the hash key).
  static bool MatchesAt(const Entry& e, Tokens tokens, size_t pos) {
    const size_t n = e.words.size();
    if (pos + n > tokens.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const std::string_view token = tokens[pos + k];
      const bool ok =
          (e.prefix && k + 1 == n) ? token.starts_with(e.words[k]) : token == e.words[k];
      if (!ok) return false;
    }
    return true;
  }

  // One-word prefixes are bucketed by their first kHead characters (every stem has at least
  // that many), so a token costs one hash lookup however many stem lengths there are.
  static constexpr size_t kHead = Pattern::kMinPrefixChars;

  std::vector<Entry> entries_;
  StringMap<std::vector<uint32_t>> by_first_word_;  // every pattern but one-word prefixes
  StringMap<std::vector<uint32_t>> stems_by_head_;  // one-word prefixes, longest stem first
};

struct FieldText {
  Field field;
  Tokens tokens;
  double weight;
};

// An article's title and body in matching form. Not copyable: the tokens point into the
// strings it owns (or, for text given already normalised, into the caller's strings).
class PreparedText {
 public:
  PreparedText(std::string_view title, std::string_view body, const Taxonomy& taxonomy)
      : title_(NormalizeForMatching(title)),
        body_(NormalizeForMatching(body)),
        title_tokens_(Tokenize(title_)),
        body_tokens_(Tokenize(body_)),
        title_weight_(taxonomy.title_weight()),
        body_weight_(taxonomy.body_weight()) {}
  struct Normalized {};
  PreparedText(Normalized, std::string_view title, std::string_view body, const Taxonomy& taxonomy)
      : title_tokens_(Tokenize(title)),
        body_tokens_(Tokenize(body)),
        title_weight_(taxonomy.title_weight()),
        body_weight_(taxonomy.body_weight()) {}
  PreparedText(const PreparedText&) = delete;
  PreparedText& operator=(const PreparedText&) = delete;

  std::array<FieldText, 2> fields() const {
    return {FieldText{Field::kTitle, title_tokens_, title_weight_},
            FieldText{Field::kBody, body_tokens_, body_weight_}};
  }

 private:
  std::string title_;
  std::string body_;
  std::vector<std::string_view> title_tokens_;
  std::vector<std::string_view> body_tokens_;
  double title_weight_;
  double body_weight_;
};

std::string JoinTokens(Tokens tokens) {
  std::string out;
  for (std::string_view t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

// Scores are compared and reported at this precision, so that a sum such as 0.7 + 0.2 + 0.1,
// which lands a hair under 1.0 in binary floating point, still reaches a threshold of 1.0.
double RoundScore(double score) {
  const double rounded = std::round(score * 1000.0) / 1000.0;
  return rounded == 0.0 ? 0.0 : rounded;  // no "-0" in output
}

}  // namespace

struct RulesClassifier::TopicIndex {
  PatternIndex terms;
  PatternIndex vetoes;

  struct Outcome {
    double score = 0;  // rounded
    bool vetoed = false;
  };

  // The one scoring routine behind Classify and Explain, so that the two never disagree.
  // `counted` is scratch space reused across calls; `explain`, when given, receives every match.
  // Vetoes are only looked for when they could change the verdict, unless explaining or
  // `all_vetoes` asks for them.
  Outcome Score(const TopicDefinition& topic, std::span<const FieldText> fields,
                std::vector<uint32_t>& counted, std::vector<Match>* explain,
                bool all_vetoes = false) const {
    Outcome outcome;
    double sum = 0;
    for (const FieldText& f : fields) {
      // A term counts once per field: a body that repeats one weak word must not add up to a
      // topic on its own.
      counted.clear();
      for (size_t pos = 0; pos < f.tokens.size();) {
        const auto hit = terms.LongestAt(f.tokens, pos);
        if (!hit) {
          ++pos;
          continue;
        }
        const bool repeat = std::ranges::find(counted, hit->id) != counted.end();
        const WeightedTerm& term = topic.terms[hit->id];
        const double contribution = repeat ? 0.0 : term.weight * f.weight;
        if (!repeat) counted.push_back(hit->id);
        sum += contribution;
        if (explain != nullptr) {
          explain->push_back(Match{topic.name, term.pattern.text,
                                   JoinTokens(f.tokens.subspan(pos, hit->length)), f.field, pos,
                                   hit->length, term.weight, contribution, false});
        }
        pos += hit->length;
      }
    }
    outcome.score = RoundScore(sum);
    if (outcome.score < topic.threshold && explain == nullptr && !all_vetoes) return outcome;

    for (const FieldText& f : fields) {
      for (size_t pos = 0; pos < f.tokens.size(); ++pos) {
        const auto hit = vetoes.LongestAt(f.tokens, pos);
        if (!hit) continue;
        outcome.vetoed = true;
        if (explain == nullptr) return outcome;
        explain->push_back(Match{topic.name, topic.vetoes[hit->id].text,
                                 JoinTokens(f.tokens.subspan(pos, hit->length)), f.field, pos,
                                 hit->length, 0.0, 0.0, true});
      }
    }
    return outcome;
  }
};

RulesClassifier::RulesClassifier(Taxonomy taxonomy) : taxonomy_(std::move(taxonomy)) {
  indexes_.reserve(taxonomy_.topics().size());
  for (const TopicDefinition& topic : taxonomy_.topics()) {
    std::vector<const Pattern*> terms;
    terms.reserve(topic.terms.size());
    for (const WeightedTerm& t : topic.terms) terms.push_back(&t.pattern);
    std::vector<const Pattern*> vetoes;
    vetoes.reserve(topic.vetoes.size());
    for (const Pattern& v : topic.vetoes) vetoes.push_back(&v);
    indexes_.push_back(TopicIndex{PatternIndex(terms), PatternIndex(vetoes)});
  }
}

RulesClassifier::~RulesClassifier() = default;
RulesClassifier::RulesClassifier(const RulesClassifier&) = default;
RulesClassifier::RulesClassifier(RulesClassifier&&) noexcept = default;
RulesClassifier& RulesClassifier::operator=(const RulesClassifier&) = default;
RulesClassifier& RulesClassifier::operator=(RulesClassifier&&) noexcept = default;

Classification RulesClassifier::Classify(std::string_view title, std::string_view body) const {
  const PreparedText text(title, body, taxonomy_);
  const auto fields = text.fields();

  Classification out;
  const auto& topics = taxonomy_.topics();
  out.scores.reserve(topics.size());
  std::vector<uint32_t> counted;
  for (size_t i = 0; i < topics.size(); ++i) {
    const auto outcome = indexes_[i].Score(topics[i], fields, counted, nullptr);
    out.scores.push_back(TopicScore{topics[i].name, outcome.score});
    if (outcome.score >= topics[i].threshold && !outcome.vetoed) {
      out.topics.push_back(topics[i].name);
    }
  }
  return out;
}

std::vector<RuleOutcome> RulesClassifier::Evaluate(std::string_view title,
                                                   std::string_view body) const {
  return EvaluateNormalized(NormalizeForMatching(title), NormalizeForMatching(body), ~uint64_t{0});
}

std::vector<RuleOutcome> RulesClassifier::EvaluateNormalized(std::string_view title,
                                                             std::string_view body,
                                                             uint64_t veto_topics) const {
  const PreparedText text(PreparedText::Normalized{}, title, body, taxonomy_);
  const auto fields = text.fields();
  std::vector<RuleOutcome> out;
  const auto& topics = taxonomy_.topics();
  out.reserve(topics.size());
  std::vector<uint32_t> counted;
  for (size_t i = 0; i < topics.size(); ++i) {
    const bool all_vetoes = i >= 64 || (veto_topics >> i & 1) != 0;
    const auto outcome = indexes_[i].Score(topics[i], fields, counted, nullptr, all_vetoes);
    out.push_back(RuleOutcome{outcome.score, outcome.vetoed});
  }
  return out;
}

std::vector<Match> RulesClassifier::Explain(std::string_view title, std::string_view body) const {
  const PreparedText text(title, body, taxonomy_);
  const auto fields = text.fields();

  std::vector<Match> matches;
  std::vector<uint32_t> counted;
  const auto& topics = taxonomy_.topics();
  for (size_t i = 0; i < topics.size(); ++i) {
    indexes_[i].Score(topics[i], fields, counted, &matches);
  }
  return matches;
}

}  // namespace headwire::core
