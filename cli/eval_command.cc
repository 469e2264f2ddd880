// `headwire eval`: the parent of the evaluation subcommands, which score the pipeline's
// decisions against labelled JSON Lines.

#include "cli/commands.h"

namespace headwire::cli {

CLI::App* AddEvalCommand(CLI::App& app) {
  CLI::App* eval =
      app.add_subcommand("eval", "Score the pipeline's decisions against labelled JSON Lines");
  eval->require_subcommand(1);
  return eval;
}

}  // namespace headwire::cli
