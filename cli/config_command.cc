// `headwire config check` and `headwire config print`: the configuration file before a rollout.

#include <iostream>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "cli/config_file.h"

namespace headwire::cli {
namespace {

// An App that stops once the command line is parsed, checked and resolved, before any
// subcommand runs (the subcommands' callbacks own the values their options fill, so they stay).
class DryRunApp : public CLI::App {
 public:
  void pre_callback() override { throw CLI::Success(); }
};

// The names of `root`'s subcommands, comma-separated, `config` (which has no options) left out.
std::string SubcommandNames(const CLI::App& root) {
  std::string names;
  for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == "config") continue;
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return names;
}

// Parses `args` (with `config_file`, when given) as the binary would, in a fresh App whose
// subcommands do not run. `missing_ok` accepts a command line that lacks required options.
// Returns the parsed App, or InvalidArgument with CLI11's reason.
Result<std::unique_ptr<CLI::App>> DryRun(const std::string& config_file,
                                         const std::vector<std::string>& args, bool missing_ok) {
  std::unique_ptr<CLI::App> app = std::make_unique<DryRunApp>();
  int unused_exit_code = kExitOk;
  BuildApp(*app, unused_exit_code);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  if (!config_file.empty()) {
    reversed.push_back(config_file);
    reversed.push_back("--config");
  }
  try {
    app->parse(reversed);
  } catch (const CLI::Success&) {
    // Parsed and checked; nothing ran.
  } catch (const CLI::RequiredError& e) {
    // CLI11 says "A subcommand is required" of a misspelt one too, which sends the user looking
    // for what is missing instead of what is wrong: name the argument it could not place.
    if (app->get_subcommands().empty()) {
      for (const std::string& arg : app->remaining(/*recurse=*/true)) {
        if (!arg.starts_with("-")) {
          return Err(Status::InvalidArgument("unknown subcommand " + arg +
                                             "; the subcommands are " + SubcommandNames(*app)));
        }
      }
    }
    if (!missing_ok) return Err(Status::InvalidArgument(e.what()));
    // CLI11 stops at the first missing option, before it refuses arguments nobody took (an
    // unknown flag, a misspelt subcommand, a second subcommand name): refuse them here instead
    // of printing a configuration that ignores them.
    if (const std::vector<std::string> extra = app->remaining(/*recurse=*/true); !extra.empty()) {
      std::string names;
      for (const auto& arg : extra) names += (names.empty() ? "" : " ") + arg;
      return Err(Status::InvalidArgument("The following arguments were not expected: " + names));
    }
    if (app->get_subcommands().empty()) return Err(Status::InvalidArgument(e.what()));
  } catch (const CLI::ParseError& e) {
    return Err(Status::InvalidArgument(WithOptionSources(*app, e.what())));
  }
  return app;
}

// "key=value" as "key=*****": the value of a librdkafka property may be a password, whatever its
// key looks like (a misspelt "sasl.passwrd" too).
std::string WithoutValue(const std::string& property) {
  const size_t eq = property.find('=');
  return eq == std::string::npos ? property
                                 : property.substr(0, eq + 1) + std::string(kMaskedSecret);
}

// The command line as the user gave it, for a message, without the values of its -X properties.
std::string Joined(const std::vector<std::string>& args) {
  std::string out;
  bool property_next = false;
  for (const auto& a : args) {
    std::string shown = a;
    if (property_next) {
      shown = WithoutValue(a);
    } else if (a.starts_with("--kafka=")) {
      shown = "--kafka=" + WithoutValue(a.substr(8));
    } else if (a.starts_with("-X") && a.size() > 2) {
      shown = "-X" + WithoutValue(a.substr(2));
    }
    property_next = a == "-X" || a == "--kafka";
    out += (out.empty() ? "" : " ") + shown;
  }
  return out;
}

// Why `config print NAME` cannot print NAME, listing what it can, or "" when NAME is a
// subcommand (or an option, which starts a command line after --).
std::string NotASubcommand(const CLI::App& root, const std::string& name) {
  if (name.starts_with("-")) return "";
  for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == name) return "";
  }
  return "not a subcommand; config print takes one of " + SubcommandNames(root) +
         " (a nested one prints with its parent: query for [query.latest]), or after -- a "
         "command line";
}

// The checks `query KIND` runs of its parameters, for every KIND, with `config_file`: its
// [query.KIND] tables are read whichever kind runs, and a value no query can use would be found
// only by the first query. The first error, naming the kind, or OK.
Status CheckQueryTables(const CLI::App& root, const std::string& config_file) {
  const CLI::App* query = root.get_subcommand("query");
  for (const CLI::App* kind : query->get_subcommands([](const CLI::App*) { return true; })) {
    // The state directory is not opened by a dry run; the flag only satisfies --state.
    auto parsed = DryRun(config_file, {"query", "--state", "-", kind->get_name()},
                         /*missing_ok=*/false);
    const Status checked = parsed ? CheckCommandLine(**parsed) : parsed.error();
    if (!checked.ok()) {
      return {checked.code(), "query " + kind->get_name() + ": " + checked.message()};
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterConfigCommand(CLI::App& app, int& exit_code) {
  CLI::App* config = app.add_subcommand(
      "config",
      "Check the configuration file, or print the configuration every subcommand runs with");
  config->require_subcommand(1);
  CLI::Option* config_file = app.get_config_ptr();

  auto check_args = std::make_shared<std::vector<std::string>>();
  CLI::App* check = config->add_subcommand(
      "check",
      "Check the configuration file (--config or HEADWIRE_CONFIG): every table and key known, "
      "every value of the right type and range, every librdkafka property accepted. After --, a "
      "command line to check with it, e.g. `config check -- process --state /var/lib/hw`, "
      "including what the command checks of its options together before it starts. "
      "Exit 0 when good, 2 otherwise.");
  check->add_option("command", *check_args, "A command line to check with the file, after --")
      ->configurable(false);
  check->callback([&app, config_file, check_args, &exit_code] {
    const std::string file = config_file->as<std::string>();
    if (file.empty() && check_args->empty()) {
      std::cerr << "headwire config check: error: no configuration file: pass --config FILE or "
                   "set HEADWIRE_CONFIG\n";
      exit_code = kExitUsage;
      return;
    }
    // Reaching this point means every table of the file was read and checked, all but what the
    // query commands check of their parameters when they run.
    if (!file.empty()) {
      if (Status checked = CheckQueryTables(app, file); !checked.ok()) {
        std::cerr << "headwire config check: error: " << file << ": " << checked.message() << "\n";
        exit_code = kExitUsage;
        return;
      }
      std::cout << file << ": ok\n";
    }
    if (check_args->empty()) {
      exit_code = kExitOk;
      return;
    }
    auto parsed = DryRun(file, *check_args, /*missing_ok=*/false);
    const Status checked = parsed ? CheckCommandLine(**parsed) : parsed.error();
    if (!checked.ok()) {
      std::cerr << "headwire config check: error: `" << Joined(*check_args)
                << "`: " << checked.message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    std::cout << "`" << Joined(*check_args) << "`: ok\n";
    exit_code = kExitOk;
  });

  auto print_args = std::make_shared<std::vector<std::string>>();
  CLI::App* print = config->add_subcommand(
      "print",
      "Print the configuration every subcommand (or the one named) runs with, after the file, "
      "the environment and, after --, the flags of a command line; secrets masked. The output "
      "is TOML that a configuration file can hold.");
  print->add_option("command", *print_args, "A subcommand, or after -- a command line")
      ->configurable(false);
  print->callback([&app, config_file, print_args, &exit_code] {
    if (print_args->empty()) {
      std::cout << ResolvedConfig(app, "");
      exit_code = kExitOk;
      return;
    }
    if (std::string why = NotASubcommand(app, print_args->front()); !why.empty()) {
      std::cerr << "headwire config print: error: `" << Joined(*print_args) << "`: " << why << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto parsed = DryRun(config_file->as<std::string>(), *print_args, /*missing_ok=*/true);
    if (!parsed) {
      std::cerr << "headwire config print: error: `" << Joined(*print_args)
                << "`: " << parsed.error().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    std::cout << ResolvedConfig(**parsed, print_args->front());
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
