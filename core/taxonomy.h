#pragma once
// Taxonomy: the topics a RulesClassifier assigns and the weighted terms that signal each one,
// loaded from a TOML file (format: docs/taxonomy.md; shipped default: data/taxonomy.toml).
// Loading validates everything and normalises every term with NormalizeForMatching, so a loaded
// Taxonomy is always usable. It is an immutable value: safe to copy and to share between threads.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace headwire::core {

// A term, shield or veto as the matcher sees it: one to kMaxPatternWords normalised words. When
// `prefix` is set the last word matches any token that starts with it ("launch*").
struct Pattern {
  static constexpr size_t kMaxPatternWords = 4;
  // A one-word prefix shorter than this would match too many unrelated words. In a phrase the
  // earlier words anchor the prefix, so "galaxy s*" may be short.
  static constexpr size_t kMinPrefixChars = 3;

  std::string text;                // as written in the file, for messages and explanations
  std::vector<std::string> words;  // NormalizeForMatching tokens; never empty
  bool prefix = false;
  int line = 0;  // 1-based line in the file; 0 when unknown
};

struct WeightedTerm {
  Pattern pattern;
  // Finite. 0 makes the term a shield that only consumes its words; < 0 is a penalty.
  double weight = 0.0;
};

struct TopicDefinition {
  std::string name;  // lowercase [a-z0-9_-]; also names the Kafka topic headwire.topic.<name>
  std::string description;
  double threshold = 1.0;           // assigned when score >= threshold; always > 0
  std::vector<WeightedTerm> terms;  // in file order; at least one has a positive weight
  std::vector<Pattern> vetoes;      // any one present anywhere: the topic is never assigned
};

// The most topics a taxonomy may define, and so the most one article can carry: the topic model
// holds at most as many labels.
inline constexpr size_t kMaxTopics = 256;

// Whether `name` can name a topic: 1-64 characters of a-z, 0-9, '_' and '-' (topic names become
// Kafka topic suffixes and JSON keys), and neither "all" nor "other", which the queries reserve
// for every topic and for articles without one.
bool IsValidTopicName(std::string_view name);

class Taxonomy {
 public:
  // Reads and validates the taxonomy at `path`. Returns NotFound when the file does not exist,
  // IoError when it cannot be read and InvalidArgument (naming file, line, topic and key) when
  // its content is not a valid taxonomy.
  static Result<Taxonomy> FromFile(const std::string& path);

  // Same as FromFile for text already in memory; `origin` names it in error messages.
  static Result<Taxonomy> FromString(std::string_view toml_text, std::string_view origin);

  const std::string& name() const { return name_; }
  // The author's revision number of the file (>= 1), recorded with results for traceability.
  int version() const { return version_; }
  const std::string& origin() const { return origin_; }
  // Multipliers applied to term weights for matches in the title and in the body (>= 0).
  double title_weight() const { return title_weight_; }
  double body_weight() const { return body_weight_; }
  // In the order the topics first appear in the file; never empty.
  const std::vector<TopicDefinition>& topics() const { return topics_; }
  const std::vector<std::string>& topic_names() const { return topic_names_; }

 private:
  Taxonomy() = default;

  std::string name_;
  int version_ = 0;
  std::string origin_;
  // The defaults when the file's [defaults] table leaves them out.
  double title_weight_ = 1.0;
  double body_weight_ = 0.35;
  std::vector<TopicDefinition> topics_;
  std::vector<std::string> topic_names_;

  friend class TaxonomyParser;
};

}  // namespace headwire::core
