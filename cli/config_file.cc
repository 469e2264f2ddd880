#include "cli/config_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <sstream>

#include "common/kafka_config.h"
#include "core/bounded_read.h"

namespace headwire::cli {
namespace {

// The long name of librdkafka's pass-through option (-X, --kafka) and of its tables.
constexpr std::string_view kKafka = "kafka";
constexpr size_t kMaxConfigBytes = size_t{4} << 20;

// What a TOML value must be to fill an option.
enum class ValueKind { kFlag, kInteger, kUnsigned, kNumber, kText };

ValueKind KindOf(const CLI::Option& option) {
  if (option.get_expected_min() == 0) return ValueKind::kFlag;
  const std::string type = option.get_type_name();
  if (type.starts_with("UINT")) return ValueKind::kUnsigned;
  if (type.starts_with("INT")) return ValueKind::kInteger;
  if (type.starts_with("FLOAT")) return ValueKind::kNumber;
  return ValueKind::kText;
}

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kFlag:
      return "true or false";
    case ValueKind::kInteger:
      return "an integer";
    case ValueKind::kUnsigned:
      return "a non-negative integer";
    case ValueKind::kNumber:
      return "a number";
    case ValueKind::kText:
      return "a string";
  }
  return "a value";
}

// The key an option has in the file: its first long name, or a positional's name.
std::string KeyOf(const CLI::Option& option) {
  return option.get_lnames().empty() ? option.get_name(true) : option.get_lnames().front();
}

bool IsFileKey(const CLI::Option& option) {
  if (!option.get_configurable()) return false;
  const std::string key = KeyOf(option);
  return !key.empty() && key != "help" && key != "help-all" && key != "version" && key != "config";
}

std::vector<CLI::App*> Subcommands(CLI::App& app) {
  return app.get_subcommands([](CLI::App*) { return true; });
}

std::vector<const CLI::App*> Subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

CLI::App* FindSubcommand(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : Subcommands(app)) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

CLI::Option* FindOption(CLI::App& app, const std::string& key) {
  for (CLI::Option* option : app.get_options()) {
    if (IsFileKey(*option) && KeyOf(*option) == key) return option;
  }
  return nullptr;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean \"x\"?)" for the closest of `known` within a third of the key's length.
std::string Suggestion(const std::string& key, const std::vector<std::string>& known) {
  const std::string* best = nullptr;
  size_t best_distance = key.size() / 3 + 2;
  for (const auto& candidate : known) {
    const size_t d = EditDistance(key, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = &candidate;
    }
  }
  return best ? " (did you mean \"" + *best + "\"?)" : "";
}

std::string Dotted(const std::vector<std::string>& parents) {
  std::string name;
  for (const auto& p : parents) name += (name.empty() ? "" : ".") + p;
  return name;
}

// How an error names a table: "[process]", or "top level".
std::string TableName(const std::vector<std::string>& parents) {
  return parents.empty() ? "top level" : "[" + Dotted(parents) + "]";
}

std::string KafkaTableName(const std::vector<std::string>& parents) {
  return "[" + (parents.empty() ? "" : Dotted(parents) + ".") + std::string(kKafka) + "]";
}

bool EnvironmentSet(const CLI::Option& option) {
  const std::string name = option.get_envname();
  if (name.empty()) return false;
  const char* value = std::getenv(name.c_str());
  return value != nullptr && *value != '\0';
}

std::string Printed(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << value; });
  return out.str();
}

std::vector<std::string> ParentsOf(const CLI::App& app) {
  std::vector<std::string> parents;
  for (const CLI::App* a = &app; a->get_parent() != nullptr; a = a->get_parent()) {
    parents.insert(parents.begin(), a->get_name());
  }
  return parents;
}

// Walks the file's tables into ConfigItems, checking every key and value on the way.
class Reader {
 public:
  explicit Reader(CLI::App& root) : root_(root) {}

  void Table(const toml::table& table, CLI::App& app, const std::vector<std::string>& parents) {
    for (auto&& [toml_key, node] : table) {
      const std::string key(toml_key.str());
      const std::string where = TableName(parents);
      if (const toml::table* child = node.as_table()) {
        if (key == kKafka && (parents.empty() || app.get_option_no_throw("--kafka") != nullptr)) {
          KafkaTable(*child, parents.empty() ? nullptr : &app, parents);
          continue;
        }
        if (CLI::App* sub = FindSubcommand(app, key)) {
          auto sub_parents = parents;
          sub_parents.push_back(key);
          Table(*child, *sub, sub_parents);
          continue;
        }
        std::vector<std::string> known;
        for (CLI::App* sub : Subcommands(app)) known.push_back(sub->get_name());
        throw CLI::ConfigError(where + ": unknown table \"" + key + "\"" + Suggestion(key, known));
      }
      if (key == kKafka) {
        throw CLI::ConfigError(where + ": kafka: librdkafka properties are a table, e.g. " +
                               KafkaTableName(parents) + " with \"client.id\" = \"x\" lines");
      }
      CLI::Option* option = FindOption(app, key);
      if (option == nullptr) {
        std::vector<std::string> known;
        for (CLI::Option* o : app.get_options()) {
          if (IsFileKey(*o)) known.push_back(KeyOf(*o));
        }
        throw CLI::ConfigError(where + ": unknown key \"" + key + "\"" + Suggestion(key, known));
      }
      std::vector<std::string> inputs = Values(where, key, node, *option);
      if (EnvironmentSet(*option)) continue;  // the environment outranks the file
      // A flag set to false is a flag not given (CLI11 would read "false" as a negation).
      if (KindOf(*option) == ValueKind::kFlag && inputs == std::vector<std::string>{"false"}) {
        continue;
      }
      items_.push_back(CLI::ConfigItem{parents, key, std::move(inputs)});
    }
  }

  // The items, with each Kafka client's properties: [kafka], then [<subcommand>.kafka], then
  // the -X properties already given on the command line, so that later ones win.
  std::vector<CLI::ConfigItem> Finish() {
    AddKafkaItems(root_);
    return std::move(items_);
  }

 private:
  std::vector<std::string> Values(const std::string& where, const std::string& key,
                                  const toml::node& node, CLI::Option& option) {
    std::vector<std::string> inputs;
    const bool many = option.get_items_expected_max() > 1;
    if (const toml::array* array = node.as_array()) {
      if (!many) throw CLI::ConfigError(where + ": " + key + ": expected one value, not a list");
      for (const toml::node& element : *array)
        inputs.push_back(Scalar(where, key, element, option));
    } else {
      inputs.push_back(Scalar(where, key, node, option));
    }
    for (const auto& input : inputs) {
      if (std::string why = RefusedSecret(key, input); !why.empty()) {
        throw CLI::ConfigError(where + ": " + key + ": " + why);
      }
    }
    for (int i = 0;; ++i) {
      const CLI::Validator* validator = nullptr;
      try {
        validator = option.get_validator(i);
      } catch (const CLI::OptionNotFound&) {
        break;
      }
      for (const auto& input : inputs) {
        std::string value = input;
        if (std::string error = (*validator)(value); !error.empty()) {
          throw CLI::ConfigError(where + ": " + key + ": " + error);
        }
      }
    }
    return inputs;
  }

  std::string Scalar(const std::string& where, const std::string& key, const toml::node& node,
                     const CLI::Option& option) {
    const ValueKind kind = KindOf(option);
    bool fits = false;
    switch (kind) {
      case ValueKind::kFlag:
        fits = node.is_boolean();
        break;
      case ValueKind::kInteger:
        fits = node.is_integer();
        break;
      case ValueKind::kUnsigned:
        fits = node.is_integer() && node.as_integer()->get() >= 0;
        break;
      case ValueKind::kNumber:
        fits = node.is_number();
        break;
      case ValueKind::kText:
        fits = node.is_string();
        break;
    }
    if (!fits) {
      throw CLI::ConfigError(where + ": " + key + ": expected " + std::string(KindName(kind)) +
                             ", got " +
                             (node.is_string() ? "\"" + Printed(node) + "\"" : Printed(node)));
    }
    return Printed(node);
  }

  void KafkaTable(const toml::table& table, CLI::App* app,
                  const std::vector<std::string>& parents) {
    auto& properties = app == nullptr ? every_client_ : per_client_[app];
    for (auto&& [toml_key, node] : table) {
      const std::string key(toml_key.str());
      const std::string where = KafkaTableName(parents);
      if (!node.is_value()) {
        throw CLI::ConfigError(where + ": " + key + ": expected a string, number or boolean");
      }
      if (std::string why = RefusedSecret(key, Printed(node)); !why.empty()) {
        throw CLI::ConfigError(where + ": " + key + ": " + why);
      }
      const std::string property = key + "=" + Printed(node);
      const common::KafkaOptions probe{.bootstrap = "localhost:9092", .properties = {property}};
      // Either kind of client checks every property, scoped or not; its error never shows the
      // value.
      if (auto conf = common::MakeKafkaConf(probe, common::KafkaClientKind::kConsumer, {}); !conf) {
        throw CLI::ConfigError(where + ": " + key + ": " + conf.error().message());
      }
      properties.push_back(property);
    }
  }

  void AddKafkaItems(CLI::App& app) {
    if (CLI::Option* option = app.get_option_no_throw("--kafka"); option != nullptr) {
      std::vector<std::string> inputs = every_client_;
      if (auto it = per_client_.find(&app); it != per_client_.end()) {
        inputs.insert(inputs.end(), it->second.begin(), it->second.end());
      }
      if (!inputs.empty()) {
        inputs.insert(inputs.end(), option->results().begin(), option->results().end());
        option->clear();
        items_.push_back(CLI::ConfigItem{ParentsOf(app), std::string(kKafka), std::move(inputs)});
      }
    }
    for (CLI::App* sub : Subcommands(app)) AddKafkaItems(*sub);
  }

  CLI::App& root_;
  std::vector<CLI::ConfigItem> items_;
  std::vector<std::string> every_client_;
  std::map<const CLI::App*, std::vector<std::string>> per_client_;
};

// A resolved option's values, typed as the file would hold them.
toml::array TypedArray(const std::vector<std::string>& values, ValueKind kind) {
  toml::array array;
  for (const auto& value : values) {
    try {
      switch (kind) {
        case ValueKind::kInteger:
        case ValueKind::kUnsigned:
          array.push_back(static_cast<int64_t>(std::stoll(value)));
          continue;
        case ValueKind::kNumber:
          array.push_back(std::stod(value));
          continue;
        case ValueKind::kFlag:
        case ValueKind::kText:
          break;
      }
    } catch (const std::logic_error&) {
      // Not a number after all (a validator's transformation): keep the text.
    }
    array.push_back(value);
  }
  return array;
}

void Resolve(const CLI::App& app, toml::table& out) {
  for (const CLI::Option* option : app.get_options()) {
    if (!IsFileKey(*option)) continue;
    const std::string key = KeyOf(*option);
    const ValueKind kind = KindOf(*option);
    if (key == kKafka) {
      toml::table properties;
      for (const auto& property : option->results()) {
        const size_t eq = property.find('=');
        const std::string name = property.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : property.substr(eq + 1);
        properties.insert_or_assign(name, IsSecretKey(name) ? std::string(kMaskedSecret) : value);
      }
      if (!properties.empty()) out.insert_or_assign(key, std::move(properties));
      continue;
    }
    if (kind == ValueKind::kFlag) {
      out.insert_or_assign(key, option->count() > 0 && option->as<bool>());
      continue;
    }
    std::vector<std::string> values = option->results();
    if (values.empty() && !option->get_default_str().empty()) {
      values = {option->get_default_str()};
    }
    if (values.empty()) continue;
    if (IsSecretKey(key)) values.assign(values.size(), std::string(kMaskedSecret));
    toml::array typed = TypedArray(values, kind);
    if (option->get_items_expected_max() > 1) {
      out.insert_or_assign(key, std::move(typed));
    } else {
      out.insert_or_assign(key, std::move(*typed.get(0)));
    }
  }
  for (const CLI::App* sub : Subcommands(app)) {
    toml::table table;
    Resolve(*sub, table);
    if (!table.empty()) out.insert_or_assign(sub->get_name(), std::move(table));
  }
}

// Whether `text` names the flag `flag` ("--max-batch" but not within "--max-batch-bytes").
bool NamesFlag(std::string_view text, const std::string& flag) {
  for (size_t at = text.find(flag); at != std::string_view::npos; at = text.find(flag, at + 1)) {
    const size_t end = at + flag.size();
    const bool word_end =
        end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) ||
                                text[end] == '-' || text[end] == '_');
    if (word_end) return true;
  }
  return false;
}

bool GivenOnCommandLine(const CLI::App& app, const CLI::Option& option) {
  const auto& parsed = app.parse_order();
  return std::find(parsed.begin(), parsed.end(), &option) != parsed.end();
}

const CLI::App& RootOf(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  return *root;
}

// Where the value of `option` of `app` came from, or "" for the command line or its default.
// CLI11 fills an option from the file only when the command line did not, and from the
// environment only when neither did; the file's reader (Reader) leaves out a key whose
// environment variable is set, so a value from neither source is the environment's when its
// variable is set and else the file's.
std::string SourceOf(const CLI::App& app, const CLI::Option& option) {
  if (option.count() == 0 || GivenOnCommandLine(app, option)) return "";
  if (EnvironmentSet(option)) return "the environment: " + option.get_envname();
  const CLI::Option* config = RootOf(app).get_config_ptr();
  const std::string file = config == nullptr ? "" : config->as<std::string>();
  if (file.empty()) return "";
  return file + ": " + TableName(ParentsOf(app)) + ": " + KeyOf(option);
}

}  // namespace

std::string WithOptionSources(const CLI::App& command, std::string message) {
  std::vector<const CLI::App*> apps;
  for (const CLI::App* app = command.get_parent(); app != nullptr; app = app->get_parent()) {
    apps.push_back(app);
  }
  // The subcommands the command line chose below `command`, level by level.
  for (std::vector<const CLI::App*> level{&command}; !level.empty();) {
    std::vector<const CLI::App*> next;
    for (const CLI::App* app : level) {
      apps.push_back(app);
      for (const CLI::App* sub : app->get_subcommands()) next.push_back(sub);
    }
    level = std::move(next);
  }
  std::string sources;
  for (const CLI::App* app : apps) {
    for (const CLI::Option* option : app->get_options()) {
      if (option->get_lnames().empty()) continue;
      const std::string flag = "--" + option->get_lnames().front();
      if (!NamesFlag(message, flag)) continue;
      if (std::string source = SourceOf(*app, *option); !source.empty()) {
        sources += (sources.empty() ? "" : "; ") + flag + " is from " + source;
      }
    }
  }
  return sources.empty() ? message : message + " (" + sources + ")";
}

bool IsSecretKey(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.ends_with("-file") || lower.ends_with(".location")) return false;
  for (const std::string_view part :
       {"password", "secret", "key.pem", "private", "credentials", "jaas", "token"}) {
    if (lower.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string RefusedSecret(std::string_view key, std::string_view value) {
  if (value != kMaskedSecret || !IsSecretKey(key)) return "";
  return "holds the mask `config print` writes (" + std::string(kMaskedSecret) +
         "), not a secret: put the secret itself here";
}

std::string ResolvedConfig(const CLI::App& root, const std::string& only) {
  toml::table table;
  if (only.empty()) {
    Resolve(root, table);
  } else {
    for (const CLI::App* sub : Subcommands(root)) {
      if (sub->get_name() != only) continue;
      toml::table resolved;
      Resolve(*sub, resolved);
      table.insert_or_assign(only, std::move(resolved));
    }
  }
  std::ostringstream out;
  constexpr auto flags =
      (toml::toml_formatter::default_flags | toml::format_flags::relaxed_float_precision) &
      ~(toml::format_flags::indent_sub_tables | toml::format_flags::allow_literal_strings);
  out << toml::toml_formatter(table, flags) << "\n";
  return out.str();
}

std::string TomlConfig::to_config(const CLI::App* app, bool, bool, std::string) const {
  return ResolvedConfig(*app, "");
}

std::vector<CLI::ConfigItem> TomlConfig::from_config(std::istream& input) const {
  // A configuration is a few KiB; the bound keeps a wrong path (a device such as /dev/zero, a
  // log file) from reading until memory runs out.
  const std::optional<std::string> text = core::ReadAtMost(input, kMaxConfigBytes);
  if (!text) {
    throw CLI::ConfigError("the file is larger than " + std::to_string(kMaxConfigBytes >> 20) +
                           " MiB, too large for a configuration");
  }
  toml::table document;
  try {
    document = toml::parse(*text);
  } catch (const toml::parse_error& e) {
    throw CLI::ConfigError("invalid TOML at line " + std::to_string(e.source().begin.line) +
                           ", column " + std::to_string(e.source().begin.column) + ": " +
                           std::string(e.description()));
  }
  Reader reader(root_);
  reader.Table(document, root_, {});
  return reader.Finish();
}

}  // namespace headwire::cli
