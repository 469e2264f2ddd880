// `headwire query`: read the sink's state from one snapshot, beside a running sink. Every kind
// runs sinks::RunQuery, as the HTTP API does, and prints its JSON (--json) or a table of it.

#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "sinks/query_api.h"

namespace headwire::cli {
namespace {

std::string Text(const common::Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_float()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", value.get<double>());
    return buffer;
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) out += (out.empty() ? "" : ",") + Text(item);
    return out;
  }
  if (value.is_object()) {
    std::string out;
    for (const auto& [k, v] : value.items()) out += (out.empty() ? "" : ",") + k + "=" + Text(v);
    return out;
  }
  return value.dump();
}

// Table columns per kind: header and JSON field of each item.
std::vector<std::pair<std::string, std::string>> Columns(const std::string& kind) {
  if (kind == "latest") {
    return {{"PUBLISHED", "published_at"},
            {"SOURCE", "source"},
            {"TOPICS", "topics"},
            {"TITLE", "title"}};
  }
  if (kind == "counts") {
    return {{"WINDOW START", "window_start"},
            {"TOPIC", "topic"},
            {"ARTICLES", "articles"},
            {"DUPLICATES", "duplicates"},
            {"FINAL", "final"}};
  }
  if (kind == "stories") {
    return {{"LAST SEEN", "last_seen"},
            {"SIZE", "size"},
            {"STATUS", "status"},
            {"SOURCES", "sources"},
            {"HEADLINE", "headline"}};
  }
  if (kind == "trending") {
    return {
        {"TERM", "term"}, {"COUNT", "count"}, {"BASELINE", "baseline_mean"}, {"SCORE", "score"}};
  }
  return {{"SOURCE", "source"},
          {"ARTICLES", "articles"},
          {"DUPLICATES", "duplicates"},
          {"TOPICS", "topics"}};
}

std::string RenderTable(const std::string& kind, const common::Json& response) {
  const auto columns = Columns(kind);
  std::vector<std::string> header;
  for (const auto& [title, field] : columns) header.push_back(title);
  std::vector<std::vector<std::string>> rows;
  for (const auto& item : response["items"]) {
    std::vector<std::string> row;
    for (const auto& [title, field] : columns)
      row.push_back(Text(item.value(field, common::Json())));
    rows.push_back(std::move(row));
  }
  std::string out;
  if (kind == "trending" && !response["window_start"].is_null()) {
    out += "window " + Text(response["window_start"]) + " .. " + Text(response["window_end"]) +
           " (" + Text(response["topic"]) + (response["final"].get<bool>() ? ", final" : "") +
           ")\n";
  }
  out += FormatTable(header, rows);
  if (kind == "counts") {
    const auto& t = response["totals"];
    out += "totals: " + Text(t["articles"]) + " articles, " + Text(t["duplicates"]) +
           " duplicates, " + Text(t["rejects"]) + " rejected, " + Text(t["late"]) + " late";
    out += "; watermark " +
           (response["watermark"].is_null() ? std::string("none") : Text(response["watermark"])) +
           "\n";
  }
  if (!response["next_cursor"].is_null()) {
    out += "more: --cursor " + Text(response["next_cursor"]) + "\n";
  }
  return out;
}

}  // namespace

void RegisterQueryCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string state;
    std::map<std::string, std::string> params;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("query", "Query the sink's state (safe while the sink runs)");
  cmd->add_option("-s,--state", args->state, "The sink's RocksDB directory")
      ->envname("HEADWIRE_SINK_STATE")
      ->required();
  cmd->add_flag("--json", args->json, "JSON for programs instead of a table");
  cmd->require_subcommand(1);

  const std::vector<std::pair<const char*, const char*>> kinds = {
      {"latest", "Newest unique articles, of one topic or all"},
      {"counts", "Articles and duplicates per event-time window and topic, with totals"},
      {"stories", "Stories: members, size, sources, first/last seen, status"},
      {"trending", "Terms high against their own recent baseline in the current window"},
      {"sources", "Articles per source, with their topics"}};
  for (const auto& [kind_name, help] : kinds) {
    const std::string kind = kind_name;
    CLI::App* sub = cmd->add_subcommand(kind, help);
    auto add = [sub, args](const std::string& flags, const std::string& param,
                           const std::string& description) {
      sub->add_option_function<std::string>(
          flags, [args, param](const std::string& v) { args->params[param] = v; }, description);
    };
    add("-t,--topic", "topic", "Topic; \"other\" = untagged, \"all\" or none = every topic");
    add("--source", "source", "Only this source");
    add("-w,--window", "window", "Window size: minute, hour or day (default hour)");
    if (kind == "counts") add("--hop", "hop", "Hopping windows advancing by minute or hour");
    add("--from", "from", "Event-time range start, RFC 3339 or ms since the epoch");
    add("--to", "to", "Event-time range end (exclusive)");
    add("-n,--limit", "limit", "Page size (default 20, at most 1000)");
    add("--cursor", "cursor", "next_cursor of the previous page");
    sub->add_flag("--json", args->json, "JSON for programs instead of a table");
    sub->callback([args, kind, &exit_code] {
      auto request = sinks::ParseQueryRequest(kind, args->params);
      if (!request) {
        exit_code = ReportError("query", request.error());
        return;
      }
      auto store = sinks::ArticleStore::Open(args->state, /*for_queries=*/true);
      if (!store) {
        exit_code = ReportError("query", store.error());
        return;
      }
      auto response = sinks::RunQuery(**store, *request);
      if (!response) {
        exit_code = ReportError("query", response.error());
        return;
      }
      std::cout << (args->json ? response->dump(2) + "\n" : RenderTable(kind, *response));
      exit_code = kExitOk;
    });
  }
}

}  // namespace headwire::cli
