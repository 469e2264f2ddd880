// `headwire dlq`: placeholder
#include "cli/commands.h"
namespace headwire::cli {
void RegisterDlqCommand(CLI::App&, int&) {}
}  // namespace headwire::cli
