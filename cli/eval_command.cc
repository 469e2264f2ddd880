// `headwire eval`: the parent of the evaluation subcommands (`eval classify`, ...). Each
// evaluation registers itself under the parent that AddEvalCommand returns.

#include "cli/commands.h"

namespace headwire::cli {

CLI::App* AddEvalCommand(CLI::App& app) {
  const auto existing =
      app.get_subcommands([](CLI::App* sub) { return sub->get_name() == "eval"; });
  if (!existing.empty()) return existing.front();
  CLI::App* eval =
      app.add_subcommand("eval", "Score a stage against labelled JSON Lines (gold data).");
  eval->require_subcommand(1);
  return eval;
}

}  // namespace headwire::cli
