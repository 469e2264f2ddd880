#include "cli/command_line_check.h"

#include <memory>
#include <utility>

#include "cli/config_file.h"

namespace headwire::cli {
namespace {

// A subcommand that knows its check. The parent-taking constructor is CLI11's own for
// subcommands: it inherits the parent's settings (help flag, option defaults, config handling).
class CheckedSubcommand : public CLI::App {
 public:
  CheckedSubcommand(std::string description, std::string name, CLI::App* parent,
                    CommandLineCheck check)
      : CLI::App(std::move(description), std::move(name), parent), check_(std::move(check)) {}

  Status Check() const { return check_(*this); }

 private:
  CommandLineCheck check_;
};

}  // namespace

CLI::App* AddCheckedSubcommand(CLI::App& parent, std::string name, std::string description,
                               CommandLineCheck check) {
  return parent.add_subcommand(std::make_shared<CheckedSubcommand>(
      std::move(description), std::move(name), &parent, std::move(check)));
}

Status CheckCommandLine(const CLI::App& app) {
  if (const auto* checked = dynamic_cast<const CheckedSubcommand*>(&app)) {
    if (Status status = checked->Check(); !status.ok()) {
      return {status.code(), WithOptionSources(app, status.message())};
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    if (Status status = CheckCommandLine(*sub); !status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace headwire::cli
