// `headwire query`: read the sink's state from one snapshot, beside a running sink.

#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "common/time_format.h"
#include "sinks/article_store.h"

namespace headwire::cli {
namespace {

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    out += item;
  }
  return out;
}

}  // namespace

void RegisterQueryCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string state;
    std::string topic;
    size_t limit = 10;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("query", "Query the sink's state (safe while the sink runs)");
  cmd->add_option("-s,--state", args->state, "The sink's RocksDB directory")
      ->envname("HEADWIRE_SINK_STATE")
      ->required();
  cmd->add_flag("--json", args->json, "JSON for programs instead of a table");
  cmd->require_subcommand(1);

  CLI::App* latest = cmd->add_subcommand("latest", "Newest unique articles of a topic");
  latest->add_option("-t,--topic", args->topic, "Topic, or \"other\" for untagged articles")
      ->required();
  latest->add_option("-n,--limit", args->limit, "How many")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  latest->add_flag("--json", args->json, "JSON for programs instead of a table");
  latest->callback([args, &exit_code] {
    auto store = sinks::ArticleStore::Open(args->state, /*for_queries=*/true);
    if (!store) {
      exit_code = ReportError("query", store.error());
      return;
    }
    auto articles = (*store)->Latest(args->topic, args->limit);
    if (!articles) {
      exit_code = ReportError("query", articles.error());
      return;
    }
    if (args->json) {
      common::Json out = common::Json::array();
      for (const auto& a : *articles) out.push_back(ProcessedToJson(a));
      std::cout << out.dump(2) << "\n";
    } else {
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : *articles) {
        rows.push_back({common::FormatRfc3339(a.article().published_at_ms()), a.article().source(),
                        Join(a.topics()), a.article().title()});
      }
      std::cout << FormatTable({"PUBLISHED", "SOURCE", "TOPICS", "TITLE"}, rows);
    }
    exit_code = kExitOk;
  });

  CLI::App* counts =
      cmd->add_subcommand("counts", "Unique articles per topic, duplicates, rejects");
  counts->add_flag("--json", args->json, "JSON for programs instead of a table");
  counts->callback([args, &exit_code] {
    auto store = sinks::ArticleStore::Open(args->state, /*for_queries=*/true);
    if (!store) {
      exit_code = ReportError("query", store.error());
      return;
    }
    auto totals = (*store)->Counts();
    auto per_topic = (*store)->TopicCounts();
    if (!totals || !per_topic) {
      exit_code = ReportError("query", !totals ? totals.error() : per_topic.error());
      return;
    }
    if (args->json) {
      common::Json out;
      out["articles"] = totals->articles;
      out["duplicates"] = totals->duplicates;
      out["rejects"] = totals->rejects;
      out["topics"] = common::Json::object();
      for (const auto& [topic, n] : *per_topic) out["topics"][topic] = n;
      std::cout << out.dump(2) << "\n";
    } else {
      std::vector<std::vector<std::string>> rows;
      for (const auto& [topic, n] : *per_topic) rows.push_back({topic, std::to_string(n)});
      rows.push_back({"(unique articles)", std::to_string(totals->articles)});
      rows.push_back({"(duplicates)", std::to_string(totals->duplicates)});
      rows.push_back({"(rejected records)", std::to_string(totals->rejects)});
      std::cout << FormatTable({"TOPIC", "ARTICLES"}, rows);
    }
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
