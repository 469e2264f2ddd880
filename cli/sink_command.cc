// `headwire sink`: the sink daemon.

#include <spdlog/fmt/fmt.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "common/http_connection_limits.h"
#include "common/shutdown.h"
#include "sinks/sink_daemon.h"

namespace headwire::cli {
namespace {

// A token travels in a request head, which the server bounds at 16 KiB.
constexpr size_t kMaxTokenBytes = 4096;

// The first line of the token file, without trailing white space. Reads at most kMaxTokenBytes
// and a byte more, so that a wrong path (/dev/zero, a huge file) cannot take memory without end.
Result<std::string> ReadBearerToken(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::IoError("--http-token-file " + path + ": cannot be read"));
  std::string token;
  char c = 0;
  while (token.size() <= kMaxTokenBytes && in.get(c) && c != '\n') token += c;
  if (token.size() > kMaxTokenBytes) {
    return Err(Status::InvalidArgument("--http-token-file " + path +
                                       ": the first line is longer than " +
                                       std::to_string(kMaxTokenBytes) + " bytes"));
  }
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
    token.pop_back();
  }
  if (token.empty()) {
    return Err(
        Status::InvalidArgument("--http-token-file " + path + ": the first line holds no token"));
  }
  return token;
}

}  // namespace

void RegisterSinkCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<sinks::SinkOptions>();
  struct Durations {
    SinkStateArgs state;
    int64_t idle_after_s = 30;
    std::string late = "drop";
  };
  auto d = std::make_shared<Durations>();
  auto token_file = std::make_shared<std::string>();
  auto http = std::make_shared<sinks::HttpServerOptions>();
  CLI::App* cmd = AddCheckedSubcommand(
      app, "sink",
      "The sink daemon: processed articles into RocksDB, each batch written atomically with its "
      "consumed offsets.",
      [d, token_file, options, http](const CLI::App& command) {
        if (Status checked = CheckSinkStateArgs(d->state, ""); !checked.ok()) return checked;
        if (d->late == "dlq") {
          if (Status checked = CheckNotInputTopic("--dlq-topic", options->apply.dlq_topic,
                                                  "--processed-topic", options->processed_topic);
              !checked.ok()) {
            return checked;
          }
        }
        // Checkpoints with nowhere to go would be skipped without a word.
        if (options->checkpoint_interval_records > 0 && options->checkpoint_dir.empty()) {
          return Status::InvalidArgument("--checkpoint-interval needs --checkpoint-dir");
        }
        if (std::error_code ec; !options->checkpoint_dir.empty() &&
                                std::filesystem::exists(options->checkpoint_dir, ec) &&
                                !std::filesystem::is_directory(options->checkpoint_dir, ec)) {
          return Status::InvalidArgument("--checkpoint-dir " + options->checkpoint_dir +
                                         " is not a directory");
        }
        if (http->connections.per_client > http->connections.total) {
          return Status::InvalidArgument(fmt::format(
              "--http-max-connections-per-client ({}) must not exceed --http-max-connections ({})",
              http->connections.per_client, http->connections.total));
        }
        // Checked here rather than by a validator of the option: CLI11 reads the environment
        // variable for every subcommand, and a validator's refusal would stop them all.
        if (std::error_code ec; !token_file->empty()) {
          if (!std::filesystem::exists(*token_file, ec)) {
            return Status::InvalidArgument("--http-token-file " + *token_file + ": no such file");
          }
          if (std::filesystem::is_directory(*token_file, ec)) {
            return Status::InvalidArgument("--http-token-file " + *token_file + ": is a directory");
          }
        }
        // A token file without a token is a configuration that cannot be used; one that cannot
        // be read (gone since it was named) is left to the run.
        if (!token_file->empty()) {
          auto token = ReadBearerToken(*token_file);
          if (!token && token.error().code() == StatusCode::kInvalidArgument) return token.error();
        }
        // A token guards the HTTP API: without --http, nothing it guards is served.
        if (!token_file->empty() && command.get_option("--http")->count() == 0) {
          return Status::InvalidArgument("--http-token-file needs --http");
        }
        return Status::Ok();
      });
  AddDaemonOptions(*cmd, options->consumer, options->daemon);
  cmd->add_option("-s,--state", options->state_dir, "RocksDB directory of the state")
      ->envname("HEADWIRE_SINK_STATE")
      ->required();
  cmd->add_option("--processed-topic", options->processed_topic, "Input topic")
      ->capture_default_str()
      ->check(KafkaTopicName());
  AddMebibyteOption(*cmd, "--memory-budget-mib", options->store.memory_budget_bytes,
                    "RocksDB memory budget: one block cache shared by every column family, with "
                    "the memtables (at most half) charged to it",
                    8);
  AddSinkStateOptions(*cmd, "", d->state, options->store);
  cmd->add_option("--idle-after-s", d->idle_after_s,
                  "A partition without records for this long stops holding the watermark back")
      ->capture_default_str()
      ->check(EventDuration(1, 1000));
  cmd->add_option("--late", d->late, "Late records: drop (counted) or dlq (counted and produced)")
      ->capture_default_str()
      ->check(CLI::IsMember({"drop", "dlq"}));
  cmd->add_option("--dlq-topic", options->apply.dlq_topic, "Dead-letter topic for --late dlq")
      ->capture_default_str()
      ->check(KafkaTopicName());
  cmd->add_option_function<std::vector<std::string>>(
         "--topics",
         [options](const std::vector<std::string>& topics) {
           options->apply.topics.insert(topics.begin(), topics.end());
         },
         "Keep the state of these topics only (comma-separated, e.g. space,ai): articles lose "
         "their other topics, and those with none of them are skipped (default: every topic). "
         "A topic the input's taxonomy lacks stops the sink, naming the taxonomy's topics")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](const std::string& topic) {
            return topic.empty() ? std::string("a topic name is empty") : std::string();
          },
          "TOPIC"));
  cmd->add_option("--checkpoint-dir", options->checkpoint_dir,
                  "Write RocksDB checkpoints under this directory (on SIGUSR1 and every "
                  "--checkpoint-interval records)");
  cmd->add_option("--checkpoint-interval", options->checkpoint_interval_records,
                  "Checkpoint after every N consumed records (0 = only on SIGUSR1)")
      ->capture_default_str()
      ->check(IntegerAtLeast(0));
  cmd->add_option(
      "--from-checkpoint", options->from_checkpoint,
      "Copy this checkpoint into a fresh --state directory and resume from its offsets");
  CLI::Option* http_address =
      cmd->add_option("--http", http->address,
                      "Serve the HTTP API and live page on HOST:PORT, or PORT for loopback (e.g. "
                      "127.0.0.1:8080 or 8080; see docs/api.md)")
          ->check(HttpListenAddress());
  cmd->add_option("--http-threads", http->threads, "HTTP worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option_function<size_t>(
         "--http-max-connections",
         [cmd, http](size_t total) {
           http->connections.total = total;
           // CLI11 has read every source (flags, environment, file) by now: a per-client limit
           // not given follows the total, and `config print` shows the one the sink runs with.
           CLI::Option* per_client = cmd->get_option("--http-max-connections-per-client");
           if (per_client->count() == 0) {
             http->connections.per_client = common::DefaultPerClientConnections(total);
             per_client->default_str(std::to_string(http->connections.per_client));
           }
         },
         "Connections the HTTP API reads or serves at once, a thread each; one more is "
         "answered 503")
      ->default_str(std::to_string(http->connections.total))
      ->check(CLI::Range(size_t{1}, sinks::kMaxHttpConnections));
  cmd->add_option("--http-max-connections-per-client", http->connections.per_client,
                  "Of those, from one client address (default: " +
                      std::to_string(common::DefaultPerClientConnections(SIZE_MAX)) +
                      ", or --http-max-connections when that is lower; behind a reverse proxy "
                      "every request comes from the proxy: raise it)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, sinks::kMaxHttpConnections));
  cmd->add_option("--page-poll-ms", http->page_poll_ms, "How often the live page refreshes")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  cmd->add_option("--http-token-file", *token_file,
                  "Require \"Authorization: Bearer TOKEN\" on the /v1/ API, TOKEN being this "
                  "file's first line (see README, Security)")
      ->envname("HEADWIRE_HTTP_TOKEN_FILE");
  cmd->callback([cmd, options, d, http, http_address, token_file, &exit_code] {
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportUsageError("sink", checked);
      return;
    }
    common::InstallShutdownHandlers();
    if (!token_file->empty()) {
      auto token = ReadBearerToken(*token_file);
      if (!token) {
        exit_code = ReportError("sink", token.error());
        return;
      }
      http->bearer_token = std::move(*token);
    }
    if (http_address->count() > 0) options->http = *http;
    StartLogging("sink");
    ApplySinkStateArgs(d->state, options->store);
    options->idle_after = std::chrono::seconds(d->idle_after_s);
    options->apply.late_policy =
        d->late == "dlq" ? sinks::LatePolicy::kDeadLetter : sinks::LatePolicy::kDrop;
    auto stats = sinks::RunSink(*options);
    if (!stats) {
      exit_code = ReportError("sink", stats.error());
      return;
    }
    std::string summary = fmt::format("{} consumed, {} rejected, {} late, ", stats->consumed,
                                      stats->rejected, stats->late);
    if (!options->apply.topics.empty()) {
      summary += fmt::format("{} of other topics, ", stats->other_topics);
    }
    summary += fmt::format("{} checkpoints", stats->checkpoints);
    if (stats->failed_checkpoints > 0) {
      summary += fmt::format(" ({} failed)", stats->failed_checkpoints);
    }
    ReportSummary("sink", summary);
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
