// `headwire digest`: a digest of the sink's logical state, to compare two runs.

#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "sinks/state_digest.h"

namespace headwire::cli {

void RegisterDigestCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string state;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "digest",
      "Digest of the sink's logical state (what queries can return; no offsets, no wall-clock "
      "metadata): equal digests mean equal results");
  cmd->add_option("-s,--state", args->state, "The sink's RocksDB directory")
      ->envname("HEADWIRE_SINK_STATE")
      ->required();
  cmd->add_flag("--json", args->json, "JSON for programs instead of text");
  cmd->callback([args, &exit_code] {
    auto store = sinks::ArticleStore::Open(args->state, /*for_queries=*/true);
    if (!store) {
      exit_code = ReportError("digest", store.error());
      return;
    }
    auto digest = sinks::DigestState(**store);
    if (!digest) {
      exit_code = ReportError("digest", digest.error());
      return;
    }
    if (args->json) {
      common::Json out;
      out["digest"] = digest->digest;
      out["families"] = common::Json::object();
      for (const auto& f : digest->families) {
        out["families"][f.family] = {{"entries", f.entries}, {"digest", f.digest}};
      }
      std::cout << out.dump(2) << "\n";
    } else {
      std::vector<std::vector<std::string>> rows;
      for (const auto& f : digest->families) {
        rows.push_back({f.family, std::to_string(f.entries), f.digest});
      }
      std::cout << FormatTable({"FAMILY", "ENTRIES", "XXH3-128"}, rows);
      std::cout << "state digest: " << digest->digest << "\n";
    }
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
