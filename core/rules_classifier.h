#pragma once
// RulesClassifier: multi-label topic classification of a headline and body by the weighted terms
// of a Taxonomy (scoring rules: docs/taxonomy.md). Every lookup structure is built once in the
// constructor; Classify and Explain are const, allocate little and may be called from many
// threads at once. Results depend only on the text and the taxonomy.
//
//   auto taxonomy = Taxonomy::FromFile("data/taxonomy.toml");
//   if (!taxonomy) return taxonomy.error();
//   RulesClassifier classifier(std::move(*taxonomy));
//   Classification c = classifier.Classify("SpaceX Insider Share Sale ...", body);
//   // c.topics == {"space", "business"}

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/taxonomy.h"

namespace headwire::core {

struct TopicScore {
  std::string topic;
  double score = 0.0;  // rounded to 3 decimals
};

struct Classification {
  std::vector<std::string> topics;  // assigned topics, in taxonomy order; empty = "other"
  std::vector<TopicScore> scores;   // one per taxonomy topic, in taxonomy order
};

enum class Field { kTitle, kBody };

// One reason behind a score: a term (or a veto phrase) of a topic found in the text.
struct Match {
  std::string topic;
  std::string term;     // as written in the taxonomy file ("launch*", "U.S.")
  std::string matched;  // the normalised tokens it matched ("launches")
  Field field = Field::kTitle;
  size_t token = 0;   // index of the first matched token in the field's token list
  size_t length = 0;  // number of tokens matched
  double weight = 0;  // the term's weight in the taxonomy; 0 for a veto
  // What the match added to the topic's score: weight x field weight (negative for a penalty
  // term, 0 for a zero-weight shield); 0 for a veto and for a repeat of a term already counted
  // in the same field.
  double contribution = 0;
  bool veto = false;  // a veto phrase: the topic is not assigned whatever its score
};

// A topic's rules verdict before thresholds: its score and whether a veto phrase is present.
struct RuleOutcome {
  double score = 0;  // rounded like TopicScore::score
  bool vetoed = false;
};

class RulesClassifier {
 public:
  explicit RulesClassifier(Taxonomy taxonomy);
  ~RulesClassifier();
  RulesClassifier(const RulesClassifier&);
  RulesClassifier(RulesClassifier&&) noexcept;
  RulesClassifier& operator=(const RulesClassifier&);
  RulesClassifier& operator=(RulesClassifier&&) noexcept;

  // Scores every topic on the title and body (either may be empty) and assigns those whose
  // score reaches their threshold and that no veto phrase blocks.
  Classification Classify(std::string_view title, std::string_view body) const;

  // One outcome per taxonomy topic, in taxonomy order. Unlike Classify, which stops looking for
  // vetoes once a topic's score is below its threshold, this always reports them: a combined
  // classifier needs the veto whatever the rules' own score.
  std::vector<RuleOutcome> Evaluate(std::string_view title, std::string_view body) const;

  // Evaluate for a title and body already in NormalizeForMatching form, looking for the vetoes
  // of topic i (taxonomy order) only when bit i of `veto_topics` is set or its score reaches
  // its threshold (topics past the 64th are always checked). Saves a second normalisation when
  // the caller has one.
  std::vector<RuleOutcome> EvaluateNormalized(std::string_view title, std::string_view body,
                                              uint64_t veto_topics) const;

  // The matches behind Classify's scores, grouped by topic in taxonomy order; within a topic the
  // term matches (title, then body, in token order) and then the veto matches. Shields
  // (weight <= 0) and repeats are included so that a reader can see why a word did not count.
  std::vector<Match> Explain(std::string_view title, std::string_view body) const;

  const Taxonomy& taxonomy() const { return taxonomy_; }

 private:
  struct TopicIndex;  // the per-topic lookup tables, defined in the .cc

  Taxonomy taxonomy_;
  std::vector<TopicIndex> indexes_;  // parallel to taxonomy_.topics()
};

}  // namespace headwire::core
