// `headwire feed`: the feed daemon (RSS, Atom, RDF, JSON Feed to the raw topic), and
// `headwire feed status`: each feed's health from the daemon's state.

#include <spdlog/fmt/fmt.h>

#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "common/shutdown.h"
#include "common/time_format.h"
#include "producers/feed_poller.h"
#include "producers/feed_state.h"

namespace headwire::cli {
namespace {

std::string TimeOrNever(int64_t ms) { return ms == 0 ? "never" : common::FormatRfc3339(ms); }

nlohmann::json StatusJson(const std::map<std::string, producers::FeedRecord>& records) {
  nlohmann::json feeds = nlohmann::json::array();
  for (const auto& [url, r] : records) {
    feeds.push_back({{"url", url},
                     {"ok", r.last_error.empty()},
                     {"http_status", r.http_status},
                     {"last_poll", TimeOrNever(r.last_poll_ms)},
                     {"last_success", TimeOrNever(r.last_success_ms)},
                     {"last_error", r.last_error},
                     {"warning", r.warning},
                     {"last_error_at", TimeOrNever(r.last_error_ms)},
                     {"items_last_poll", r.items_last_poll},
                     {"new_items_last_poll", r.new_items_last_poll},
                     {"items_produced", r.items_produced},
                     {"consecutive_failures", r.consecutive_failures},
                     {"next_poll", TimeOrNever(r.next_poll_ms)}});
  }
  return {{"feeds", feeds}};
}

void PrintStatusTable(const std::map<std::string, producers::FeedRecord>& records,
                      std::ostream& out) {
  for (const auto& [url, r] : records) {
    const char* health = !r.last_error.empty() ? "ERROR "
                         : !r.warning.empty()  ? "WARN  "
                                               : "ok    ";
    out << health << url << "\n"
        << "      http " << r.http_status << ", items " << r.items_last_poll << " (new "
        << r.new_items_last_poll << "), produced " << r.items_produced << ", last success "
        << TimeOrNever(r.last_success_ms) << ", next poll " << TimeOrNever(r.next_poll_ms) << "\n";
    if (!r.warning.empty()) out << "      warning: " << r.warning << "\n";
    if (!r.last_error.empty()) {
      out << "      last error " << TimeOrNever(r.last_error_ms) << " (" << r.consecutive_failures
          << " in a row): " << r.last_error << "\n";
    }
  }
}

}  // namespace

void RegisterFeedCommand(CLI::App& app, int& exit_code) {
  struct Args {
    producers::FeedPollerOptions options;
    std::string feed_list;
    // Loaded by the command-line check, which runs before the daemon does.
    producers::FeedList list;
    std::string status_state;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddCheckedSubcommand(
      app, "feed",
      "Poll RSS, Atom, RDF and JSON feeds listed in a TOML file and produce each new item to "
      "Kafka as a RawArticle keyed by its item id; what was produced is remembered under --state, "
      "so nothing is sent twice. --once polls every feed once and exits (1 when no feed could be "
      "read at all).",
      [args](const CLI::App& command) {
        if (!command.get_subcommands().empty()) return Status::Ok();
        if (args->options.kafka.bootstrap.empty() || args->feed_list.empty() ||
            args->options.state_dir.empty()) {
          return Status::InvalidArgument(
              "--bootstrap, --config FEEDS.toml and --state DIR are required");
        }
        auto list = producers::LoadFeedList(args->feed_list);
        if (!list) return list.error();
        args->list = std::move(*list);
        return Status::Ok();
      });
  AddKafkaOptions(*cmd, args->options.kafka);
  // `feed status` needs no broker: the daemon's options are checked when the daemon runs.
  cmd->get_option("--bootstrap")
      ->required(false)
      ->description("Kafka bootstrap servers, host:port[,...]; REQUIRED to run the daemon");
  cmd->add_option("--config", args->feed_list,
                  "Feed list (TOML: [defaults], [[feed]] url=...); REQUIRED to run the daemon");
  cmd->add_option("--state", args->options.state_dir,
                  "State directory (RocksDB); REQUIRED to run the daemon");
  cmd->add_flag("--once", args->options.once, "Poll every feed once, produce, exit");
  cmd->add_option("-t,--topic", args->options.topic, "Destination topic")
      ->capture_default_str()
      ->check(KafkaTopicName());
  cmd->add_option("--domain-key", args->options.domain_key,
                  "Article field whose value is the dedup domain: items with one value go to one "
                  "partition of the topic (e.g. language, source)")
      ->capture_default_str()
      ->check(DomainKeyField());
  cmd->add_option("--dlq-topic", args->options.dlq_topic,
                  "Dead-letter topic for feeds that are not feeds; empty to only log them")
      ->capture_default_str()
      ->check(KafkaTopicName(/*empty_ok=*/true));
  cmd->add_option("--admin", args->options.daemon.admin,
                  "Serve /metrics, /healthz and /readyz on HOST:PORT (a bare PORT listens on "
                  "127.0.0.1)")
      ->check(HttpListenAddress());
  cmd->add_option("--jitter-seed", args->options.jitter_seed,
                  "Seed of the schedule's jitter; 0 for a random one")
      ->capture_default_str();

  CLI::App* status = cmd->add_subcommand(
      "status", "Show each feed's health: last success, last error, items, HTTP status");
  status->add_option("--state", args->status_state, "State directory of the feed daemon")
      ->required();
  status->add_flag("--json", args->json, "Print JSON instead of a table");
  status->callback([args, &exit_code] {
    auto state = producers::FeedState::OpenForQueries(args->status_state);
    if (!state) {
      exit_code = ReportError("feed status", state.error());
      return;
    }
    auto records = (*state)->LoadRecords();
    if (!records) {
      exit_code = ReportError("feed status", records.error());
      return;
    }
    if (args->json) {
      std::cout << StatusJson(*records).dump(2) << "\n";
    } else if (records->empty()) {
      // A table of nothing would read as "no problem": say why there is nothing.
      std::cout << "no feed polled yet: the daemon has not finished a poll cycle with this state\n";
    } else {
      PrintStatusTable(*records, std::cout);
    }
    exit_code = kExitOk;
  });

  cmd->callback([cmd, args, &exit_code] {
    if (cmd->got_subcommand("status")) return;
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportUsageError("feed", checked);
      return;
    }
    common::InstallShutdownHandlers();
    StartLogging("feed");
    auto report = producers::RunFeedPoller(args->list, args->options);
    if (!report) {
      exit_code = ReportError("feed", report.error());
      return;
    }
    ReportSummary(
        "feed",
        fmt::format(
            "{} produced, {} of {} polls read, {} failed, {} dead-lettered, {} invalid items",
            report->produced, report->polls_read, report->polls, report->polls_failed,
            report->dead_letters, report->invalid_items));
    exit_code = report->polls > 0 && report->polls_read == 0 ? kExitFailure : kExitOk;
  });
}

}  // namespace headwire::cli
