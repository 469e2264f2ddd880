#pragma once
// The configuration file of the `headwire` binary, read with toml++ for CLI11.
//
// Layout: the global options (log-level) at the top; one [subcommand] table per subcommand
// ([eval.classify] for a nested one), its keys spelled as the long flags without dashes; the
// librdkafka properties of every Kafka client in a [kafka] table and of one subcommand in a
// [subcommand.kafka] table, merged in that order, before the -X properties of the command line.
//
// Precedence: flag > environment > file > default. CLI11 applies a file before the environment,
// so a key whose option has its environment variable set is left out of what the file yields.
// Every table of the file is checked, whichever subcommand runs: a file over 4 MiB, invalid TOML,
// an unknown table or key (named, with the closest known one), a value of the wrong type or one
// the option's check refuses, and a librdkafka property librdkafka refuses are CLI::ConfigErrors.
// Not thread-safe (it reads and updates the options of the App it was given).

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace headwire::cli {

class TomlConfig : public CLI::Config {
 public:
  // `root` is the binary's top-level App; it must outlive this object.
  explicit TomlConfig(CLI::App& root) : root_(root) {}

  // The resolved options of `app` and its subcommands as a TOML document (see ResolvedConfig).
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;

  // Throws CLI::ConfigError for any problem listed above.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

 private:
  CLI::App& root_;
};

// The value every option of `root` and its subcommands (as nested tables) holds after parsing,
// as a TOML document that a config file could hold: its flag, environment or file value, else
// its default; options with neither are left out. Only the [only] table when `only` is not
// empty. librdkafka properties form `kafka` tables. Values of secret keys are masked.
std::string ResolvedConfig(const CLI::App& root, const std::string& only);

// `message`, an error about options of `command`, of its parents or of the subcommands parsed
// below it, naming them as --flags, with where each named option's value came from when that
// was not the command line:
// "--log-level: loud not in {...} (--log-level is from the environment: HEADWIRE_LOG_LEVEL)",
// "... (--sink-grace-s is from replay.toml: [replay]: sink-grace-s)". The user sees which
// variable or which line of which file to change. Call it once the command line is parsed.
std::string WithOptionSources(const CLI::App& command, std::string message);

// True for keys whose values are secrets, in any case: any key containing "password", "secret",
// "key.pem", "private", "credentials", "jaas" or "token" (sasl.password, ssl.key.password,
// sasl.oauthbearer.client.secret, ssl.key.pem, sasl.jaas.config), unless it names a file that holds
// one (a key ending in "-file" or ".location": --http-token-file, ssl.key.location). The one
// masking rule of `config print`; README "Configuration" documents it.
bool IsSecretKey(std::string_view key);

// What a masked secret prints as.
inline constexpr std::string_view kMaskedSecret = "*****";

// Why a secret key (IsSecretKey) may not hold `value`, or "": a value that is exactly the mask
// comes from saving `config print`'s output as the configuration, not from a real secret.
std::string RefusedSecret(std::string_view key, std::string_view value);

}  // namespace headwire::cli
