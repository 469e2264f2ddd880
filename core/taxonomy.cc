#include "core/taxonomy.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "core/ascii.h"
#include "core/text.h"
#include "core/toml_document.h"

namespace headwire::core {
namespace {

constexpr double kDefaultThreshold = 1.0;  // title_weight and body_weight default in Taxonomy

int LineOf(const toml::source_region& region) { return static_cast<int>(region.begin.line); }

std::optional<double> AsNumber(const toml::node& node) {
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  return std::nullopt;
}

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string TermKey(std::string_view text) { return "terms.\"" + std::string(text) + "\""; }
std::string VetoKey(std::string_view text) { return "veto \"" + std::string(text) + "\""; }

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// Table entries in the order they appear in the file: toml::table is sorted by key, but topic
// order is part of the output contract and term order makes messages and explanations stable.
std::vector<std::pair<const toml::key*, const toml::node*>> InFileOrder(const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  entries.reserve(table.size());
  for (const auto& [key, node] : table) entries.emplace_back(&key, &node);
  std::ranges::stable_sort(entries, [](const auto& a, const auto& b) {
    return a.first->source().begin < b.first->source().begin;
  });
  return entries;
}

}  // namespace

bool IsValidTopicName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "all" || name == "other") return false;
  return std::ranges::all_of(
      name, [](char c) { return IsAsciiLower(c) || IsAsciiDigit(c) || c == '_' || c == '-'; });
}

// Builds a Taxonomy from a parsed document. Every check reports the first problem it finds with
// the file, line, topic and key, so an author can fix the file without reading this code.
class TaxonomyParser {
 public:
  explicit TaxonomyParser(std::string_view origin) : origin_(origin) {}

  Result<Taxonomy> Parse(const toml::table& root) {
    Taxonomy taxonomy;
    taxonomy.origin_ = origin_;
    if (auto s = CheckKeys(root, {}, "", {"name", "version", "defaults", "topics"}); !s.ok()) {
      return Err(s);
    }

    const toml::node* name = root.get("name");
    if (name == nullptr || !name->is_string() || name->as_string()->get().empty()) {
      return Err(
          Error(name ? LineOf(name->source()) : 0, {}, "name", "required, a non-empty string"));
    }
    taxonomy.name_ = name->as_string()->get();

    const toml::node* version = root.get("version");
    if (version == nullptr || !version->is_integer() || version->as_integer()->get() < 1 ||
        version->as_integer()->get() > std::numeric_limits<int>::max()) {
      return Err(Error(version ? LineOf(version->source()) : 0, {}, "version",
                       "required, an integer >= 1"));
    }
    taxonomy.version_ = static_cast<int>(version->as_integer()->get());

    double default_threshold = kDefaultThreshold;
    if (const toml::node* defaults = root.get("defaults")) {
      const toml::table* table = defaults->as_table();
      if (table == nullptr) {
        return Err(Error(LineOf(defaults->source()), {}, "defaults",
                         std::string("must be a table, not ") + std::string(TypeName(*defaults))));
      }
      if (auto s = CheckKeys(*table, {}, "defaults.", {"threshold", "title_weight", "body_weight"});
          !s.ok()) {
        return Err(s);
      }
      if (auto s = ReadPositive(*table, {}, "defaults.", "threshold", default_threshold); !s.ok()) {
        return Err(s);
      }
      if (auto s = ReadNonNegative(*table, "title_weight", taxonomy.title_weight_); !s.ok()) {
        return Err(s);
      }
      if (auto s = ReadNonNegative(*table, "body_weight", taxonomy.body_weight_); !s.ok()) {
        return Err(s);
      }
    }

    const toml::node* topics = root.get("topics");
    if (topics == nullptr || !topics->is_table() || topics->as_table()->empty()) {
      return Err(Error(topics ? LineOf(topics->source()) : 0, {}, "topics",
                       "required: at least one [topics.<name>] table"));
    }
    if (topics->as_table()->size() > kMaxTopics) {
      return Err(Error(LineOf(topics->source()), {}, "topics",
                       "at most " + std::to_string(kMaxTopics) + " topics are allowed"));
    }
    for (const auto& [key, node] : InFileOrder(*topics->as_table())) {
      auto topic = ParseTopic(*key, *node, default_threshold);
      if (!topic) return Err(topic.error());
      taxonomy.topic_names_.push_back(topic->name);
      taxonomy.topics_.push_back(std::move(*topic));
    }
    return taxonomy;
  }

 private:
  Status Error(int line, std::string_view topic, std::string_view key,
               std::string_view what) const {
    std::string message = origin_;
    if (line > 0) message += ":" + std::to_string(line);
    message += ": ";
    if (!topic.empty()) message += "topic '" + std::string(topic) + "', ";
    message += "key '" + std::string(key) + "': " + std::string(what);
    return Status::InvalidArgument(std::move(message));
  }

  // Rejects keys outside `allowed`: a misspelt key would otherwise be silently ignored.
  Status CheckKeys(const toml::table& table, std::string_view topic, std::string_view key_prefix,
                   std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : InFileOrder(table)) {
      if (std::ranges::find(allowed, key->str()) != allowed.end()) continue;
      std::string expected;
      for (std::string_view a : allowed) {
        if (!expected.empty()) expected += ", ";
        expected += a;
      }
      return Error(LineOf(key->source()), topic, std::string(key_prefix) + std::string(key->str()),
                   "unknown key (expected one of: " + expected + ")");
    }
    return Status::Ok();
  }

  // Reads an optional number that must be finite and > 0 into `out` (left unchanged if absent).
  Status ReadPositive(const toml::table& table, std::string_view topic, std::string_view key_prefix,
                      std::string_view key, double& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return Status::Ok();
    const auto value = AsNumber(*node);
    if (!value || !std::isfinite(*value) || *value <= 0) {
      return Error(LineOf(node->source()), topic, std::string(key_prefix) + std::string(key),
                   "must be a finite number > 0");
    }
    out = *value;
    return Status::Ok();
  }

  Status ReadNonNegative(const toml::table& defaults, std::string_view key, double& out) const {
    const toml::node* node = defaults.get(key);
    if (node == nullptr) return Status::Ok();
    const auto value = AsNumber(*node);
    if (!value || !std::isfinite(*value) || *value < 0) {
      return Error(LineOf(node->source()), {}, "defaults." + std::string(key),
                   "must be a finite number >= 0");
    }
    out = *value;
    return Status::Ok();
  }

  // Turns "Launch*" / "U.S. Army" into a Pattern, normalised exactly like article text.
  Result<Pattern> ParsePattern(std::string_view text, int line, std::string_view topic,
                               std::string_view key) const {
    Pattern pattern;
    pattern.text = std::string(text);
    pattern.line = line;
    std::string_view body = text;
    if (body.ends_with('*')) {
      pattern.prefix = true;
      body.remove_suffix(1);
    }
    if (body.find('*') != std::string_view::npos) {
      return Err(Error(line, topic, key, "'*' is allowed only once, at the end of a term"));
    }
    const std::string normalized = NormalizeForMatching(body);
    for (std::string_view token : Tokenize(normalized)) pattern.words.emplace_back(token);
    if (pattern.words.empty()) {
      return Err(Error(line, topic, key, "has no words left after normalisation"));
    }
    if (pattern.words.size() > Pattern::kMaxPatternWords) {
      return Err(Error(line, topic, key,
                       "phrase has " + std::to_string(pattern.words.size()) + " words; at most " +
                           std::to_string(Pattern::kMaxPatternWords) + " are allowed"));
    }
    if (pattern.prefix && pattern.words.size() == 1 &&
        pattern.words[0].size() < Pattern::kMinPrefixChars) {
      return Err(Error(line, topic, key,
                       "one-word prefix '" + pattern.words[0] + "*' is shorter than " +
                           std::to_string(Pattern::kMinPrefixChars) +
                           " characters and would match too many words"));
    }
    return pattern;
  }

  // Two entries that normalise alike ("U.S." and "us") would make the weight ambiguous.
  // `key_of` names an entry as the author wrote it, for the message.
  Status CheckDuplicates(const std::vector<const Pattern*>& patterns, std::string_view topic,
                         std::string (*key_of)(std::string_view)) const {
    std::unordered_map<std::string, const Pattern*> seen;
    for (const Pattern* p : patterns) {
      const std::string matched = JoinWords(p->words) + (p->prefix ? "*" : "");
      const auto [it, inserted] = seen.emplace(matched, p);
      if (inserted) continue;
      return Error(p->line, topic, key_of(p->text),
                   "duplicates '" + it->second->text + "' (line " +
                       std::to_string(it->second->line) + "): both match '" + matched + "'");
    }
    return Status::Ok();
  }

  Result<TopicDefinition> ParseTopic(const toml::key& key, const toml::node& node,
                                     double default_threshold) const {
    TopicDefinition topic;
    topic.name = std::string(key.str());
    const int topic_line = LineOf(key.source());
    if (!IsValidTopicName(topic.name)) {
      return Err(Error(topic_line, topic.name, "topics." + topic.name,
                       "topic names are 1-64 characters of a-z, 0-9, '_' and '-', and not "
                       "\"all\" or \"other\" (the queries' words for every topic and for none)"));
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Err(Error(topic_line, topic.name, "topics." + topic.name,
                       std::string("must be a table, not ") + std::string(TypeName(node))));
    }
    if (auto s = CheckKeys(*table, topic.name, "", {"description", "threshold", "veto", "terms"});
        !s.ok()) {
      return Err(s);
    }

    if (const toml::node* description = table->get("description")) {
      if (!description->is_string()) {
        return Err(
            Error(LineOf(description->source()), topic.name, "description", "must be a string"));
      }
      topic.description = description->as_string()->get();
    }

    topic.threshold = default_threshold;
    if (auto s = ReadPositive(*table, topic.name, "", "threshold", topic.threshold); !s.ok()) {
      return Err(s);
    }

    if (const toml::node* veto = table->get("veto")) {
      const toml::array* list = veto->as_array();
      if (list == nullptr) {
        return Err(
            Error(LineOf(veto->source()), topic.name, "veto", "must be an array of strings"));
      }
      for (const toml::node& item : *list) {
        if (!item.is_string()) {
          return Err(Error(
              LineOf(item.source()), topic.name, "veto",
              std::string("every entry must be a string, not ") + std::string(TypeName(item))));
        }
        auto pattern = ParsePattern(item.as_string()->get(), LineOf(item.source()), topic.name,
                                    VetoKey(item.as_string()->get()));
        if (!pattern) return Err(pattern.error());
        topic.vetoes.push_back(std::move(*pattern));
      }
      std::vector<const Pattern*> vetoes;
      for (const Pattern& p : topic.vetoes) vetoes.push_back(&p);
      if (auto s = CheckDuplicates(vetoes, topic.name, VetoKey); !s.ok()) return Err(s);
    }

    const toml::node* terms = table->get("terms");
    if (terms == nullptr || !terms->is_table()) {
      return Err(Error(terms ? LineOf(terms->source()) : topic_line, topic.name, "terms",
                       "required: a [topics." + topic.name + ".terms] table of \"term\" = weight"));
    }
    bool has_positive = false;
    for (const auto& [term_key, weight_node] : InFileOrder(*terms->as_table())) {
      const int line = LineOf(term_key->source());
      const std::string key_name = TermKey(term_key->str());
      const auto weight = AsNumber(*weight_node);
      if (!weight) {
        return Err(Error(
            line, topic.name, key_name,
            std::string("weight must be a number, not ") + std::string(TypeName(*weight_node))));
      }
      if (!std::isfinite(*weight)) {
        return Err(Error(line, topic.name, key_name, "weight must be finite"));
      }
      auto pattern = ParsePattern(term_key->str(), line, topic.name, key_name);
      if (!pattern) return Err(pattern.error());
      has_positive = has_positive || *weight > 0;
      topic.terms.push_back(WeightedTerm{std::move(*pattern), *weight});
    }
    std::vector<const Pattern*> patterns;
    for (const WeightedTerm& t : topic.terms) patterns.push_back(&t.pattern);
    if (auto s = CheckDuplicates(patterns, topic.name, TermKey); !s.ok()) return Err(s);
    if (!has_positive) {
      return Err(Error(LineOf(terms->source()), topic.name, "terms",
                       "needs at least one term with a positive weight, or the topic can never "
                       "be assigned"));
    }
    return topic;
  }

  std::string origin_;
};

Result<Taxonomy> Taxonomy::FromString(std::string_view toml_text, std::string_view origin) {
  auto root = ParseTomlDocument(toml_text, origin);
  if (!root) return Err(root.error());
  return TaxonomyParser(origin).Parse(*root);
}

Result<Taxonomy> Taxonomy::FromFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return Err(Status::NotFound(path + ": taxonomy file does not exist"));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return Err(Status::IoError(path + ": taxonomy path is not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.is_open() || in.bad()) {
    return Err(Status::IoError(path + ": cannot read taxonomy file"));
  }
  return FromString(text, path);
}

}  // namespace headwire::core
