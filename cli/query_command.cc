// `headwire query`: read the sink's state from one snapshot, beside a running sink. Every kind
// runs sinks::RunQuery, as the HTTP API does, and prints its JSON (--json) or a table of it.

#include <iostream>
#include <map>
#include <string>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "cli/config_file.h"
#include "cli/render.h"
#include "core/event_windows.h"
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
std::vector<std::pair<std::string, std::string>> Columns(sinks::QueryKind kind) {
  switch (kind) {
    case sinks::QueryKind::kLatest:
      return {{"PUBLISHED", "published_at"},
              {"SOURCE", "source"},
              {"TOPICS", "topics"},
              {"TITLE", "title"}};
    case sinks::QueryKind::kCounts:
      return {{"WINDOW START", "window_start"},
              {"TOPIC", "topic"},
              {"ARTICLES", "articles"},
              {"DUPLICATES", "duplicates"},
              {"FINAL", "final"}};
    case sinks::QueryKind::kStories:
      return {{"LAST SEEN", "last_seen"},
              {"SIZE", "size"},
              {"STATUS", "status"},
              {"SOURCES", "sources"},
              {"HEADLINE", "headline"}};
    case sinks::QueryKind::kTrending:
      return {
          {"TERM", "term"}, {"COUNT", "count"}, {"BASELINE", "baseline_mean"}, {"SCORE", "score"}};
    case sinks::QueryKind::kSources:
      return {{"SOURCE", "source"},
              {"ARTICLES", "articles"},
              {"DUPLICATES", "duplicates"},
              {"TOPICS", "topics"}};
  }
  return {};
}

// The field of an item that says its time is the producer's estimate, and the column it marks.
constexpr std::pair<const char*, const char*> kEstimatedMarks[] = {
    {"published_at_estimated", "published_at"}, {"time_estimated", "last_seen"}};
constexpr std::string_view kEstimatedSuffix = " (estimated)";

std::string RenderTable(sinks::QueryKind kind, const common::Json& response) {
  const auto columns = Columns(kind);
  std::vector<std::string> header;
  for (const auto& [title, field] : columns) header.push_back(title);
  std::vector<std::vector<std::string>> rows;
  bool estimated = false;
  for (const auto& item : response["items"]) {
    std::vector<std::string> row;
    for (const auto& [title, field] : columns) {
      std::string cell = Text(item.value(field, common::Json()));
      for (const auto& [flag, marked] : kEstimatedMarks) {
        if (field == std::string_view(marked) && item.value(flag, false)) {
          cell += kEstimatedSuffix;
          estimated = true;
        }
      }
      row.push_back(std::move(cell));
    }
    rows.push_back(std::move(row));
  }
  std::string out;
  if (kind == sinks::QueryKind::kTrending && !response["window_start"].is_null()) {
    out += "window " + Text(response["window_start"]) + " .. " + Text(response["window_end"]) +
           " (" + Text(response["topic"]) + (response["final"].get<bool>() ? ", final" : "") +
           ")\n";
  }
  out += FormatTable(header, rows);
  if (estimated) {
    out +=
        "(estimated): the input had no published_at; the time it was produced stands in, and "
        "such articles come after every dated one\n";
  }
  if (kind == sinks::QueryKind::kCounts) {
    const auto& t = response["totals"];
    out += "totals (" + Text(response["topic"]) + "): " + Text(t["articles"]) + " articles, " +
           Text(t["duplicates"]) + " duplicates; all topics: " + Text(t["rejects"]) +
           " rejected, " + Text(t["late"]) + " late";
    out += "; watermark " +
           (response["watermark"].is_null() ? std::string("none") : Text(response["watermark"])) +
           "\n";
  }
  if (!response["next_cursor"].is_null()) {
    out += "more: --cursor " + Text(response["next_cursor"]) + "\n";
  }
  return out;
}

std::string_view KindHelp(sinks::QueryKind kind) {
  switch (kind) {
    case sinks::QueryKind::kLatest:
      return "Newest unique articles, of one topic or all";
    case sinks::QueryKind::kCounts:
      return "Articles and duplicates per event-time window and topic, with totals";
    case sinks::QueryKind::kStories:
      return "Stories: members, size, sources, first/last seen, status";
    case sinks::QueryKind::kTrending:
      return "Terms high against their own recent baseline in the current window";
    case sinks::QueryKind::kSources:
      return "Articles per source, with their topics";
  }
  return "";
}

// The command-line flags and help of a query parameter.
std::pair<std::string, std::string> ParamFlags(sinks::QueryKind kind, sinks::QueryParam param) {
  switch (param) {
    case sinks::QueryParam::kTopic:
      return {"-t,--topic", "Topic; \"other\" = untagged, \"all\" or none = every topic"};
    case sinks::QueryParam::kSource:
      return {"--source", "Only this source"};
    case sinks::QueryParam::kWindow:
      // The sink keeps trending terms per hour and per day only.
      return {"-w,--window", kind == sinks::QueryKind::kTrending
                                 ? "Window size: hour or day"
                                 : "Window size: minute, hour or day"};
    case sinks::QueryParam::kHop:
      return {"--hop", "Hopping windows advancing by minute or hour"};
    case sinks::QueryParam::kStatus:
      return {"--status", "Only stories of this status: growing, steady or closed"};
    case sinks::QueryParam::kFrom:
      return {"--from", "Event-time range start, RFC 3339 or ms since the epoch"};
    case sinks::QueryParam::kTo:
      return {"--to", "Event-time range end (exclusive)"};
    case sinks::QueryParam::kLimit:
      return {"-n,--limit", "Page size (at most " + std::to_string(sinks::kMaxQueryLimit) + ")"};
    case sinks::QueryParam::kCursor:
      return {"--cursor", "next_cursor of the previous page"};
  }
  return {};
}

// The default of a query parameter as `config print` shows it, from sinks::QueryRequest's: ""
// for a parameter whose default is "none".
std::string ParamDefault(sinks::QueryParam param) {
  const sinks::QueryRequest defaults;
  switch (param) {
    case sinks::QueryParam::kWindow:
      return std::string(core::WindowName(defaults.window));
    case sinks::QueryParam::kLimit:
      return std::to_string(defaults.limit);
    default:
      return "";
  }
}

// A query parameter's error as the command line names it: "--limit: must be ...", not the HTTP
// API's "limit: must be ...", so that WithOptionSources can say where the value came from; an
// empty range names both its flags, as either value may have come from elsewhere. An error that
// names no parameter first ("a parameter is not valid UTF-8") is left as it is.
Status AsFlagError(sinks::QueryKind kind, const Status& status) {
  if (status.message() == sinks::EmptyRangeMessage("from", "to")) {
    return {status.code(), sinks::EmptyRangeMessage("--from", "--to")};
  }
  for (const sinks::QueryParam param : sinks::QueryParams(kind)) {
    const std::string prefix = std::string(sinks::QueryParamName(param)) + ":";
    if (status.message().starts_with(prefix)) return {status.code(), "--" + status.message()};
  }
  return status;
}

}  // namespace

void RegisterQueryCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string state;
    // Per kind: a file's [query.counts] table fills the options of `query counts` even when
    // another kind runs, and must not reach that kind's request.
    std::map<sinks::QueryKind, std::map<std::string, std::string>> params;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("query", "Query the sink's state (safe while the sink runs)");
  cmd->add_option("-s,--state", args->state, "The sink's RocksDB directory")
      ->envname("HEADWIRE_SINK_STATE")
      ->required();
  cmd->add_flag("--json", args->json, "JSON for programs instead of a table");
  cmd->require_subcommand(1);

  for (const sinks::QueryKind kind : sinks::kQueryKinds) {
    // A parameter out of range is a command line that cannot be used, as a bad flag is; `config
    // check -- query ...` refuses it too.
    CLI::App* sub =
        AddCheckedSubcommand(*cmd, std::string(sinks::QueryKindName(kind)),
                             std::string(KindHelp(kind)), [args, kind](const CLI::App&) {
                               auto request = sinks::ParseQueryRequest(kind, args->params[kind]);
                               return request ? Status::Ok() : AsFlagError(kind, request.error());
                             });
    // Options of `query` itself (--state, --json) may also follow the kind.
    sub->fallthrough();
    for (const sinks::QueryParam param : sinks::QueryParams(kind)) {
      const auto [flags, description] = ParamFlags(kind, param);
      const std::string name(sinks::QueryParamName(param));
      CLI::Option* option = sub->add_option_function<std::string>(
          flags, [args, kind, name](const std::string& v) { args->params[kind][name] = v; },
          description);
      // Shown by --help and `config print`; ParseQueryRequest applies it.
      option->default_str(ParamDefault(param));
      // The page size is a number, and a configuration file gives it as one (limit = 20);
      // ParseQueryRequest checks its range.
      if (param == sinks::QueryParam::kLimit) option->type_name("UINT");
    }
    sub->callback([args, kind, sub, &exit_code] {
      auto request = sinks::ParseQueryRequest(kind, args->params[kind]);
      if (!request) {
        // A parameter out of range is a command line that cannot be used, as a bad flag is.
        const Status error = AsFlagError(kind, request.error());
        exit_code =
            ReportUsageError("query", {error.code(), WithOptionSources(*sub, error.message())});
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
