// `headwire archive`: the archive daemon, and `archive ls` / `archive verify` over its directory.

#include <spdlog/fmt/fmt.h>

#include <iostream>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "common/archive_catalog.h"
#include "common/archive_gaps.h"
#include "common/shutdown.h"
#include "common/time_format.h"
#include "sinks/archive_daemon.h"

namespace headwire::cli {
namespace {

std::string TimeText(const common::SegmentIndex& index, int64_t ms) {
  return index.records == 0 ? "-" : common::FormatRfc3339(ms);
}

// An open segment whose only block was torn by a crash holds no record, and so no offsets.
std::string OffsetsText(const common::SegmentIndex& index) {
  if (index.records == 0) return "(none)";
  return std::to_string(index.first_offset) + ".." + std::to_string(index.last_offset);
}

uint64_t LostRecords(const std::vector<common::ArchiveGap>& gaps) {
  uint64_t lost = 0;
  for (const auto& gap : gaps) lost += gap.records();
  return lost;
}

// NotFound for a directory that holds no segment and records no loss (an empty directory, a
// sink's state, the wrong path): "0 segments, ok" would pass a check of an archive that is not
// there, which `replay --archive` then refuses as empty.
Status NoArchiveUnlessSomething(const std::string& dir, size_t segments, size_t gaps) {
  if (segments > 0 || gaps > 0) return Status::Ok();
  return Status::NotFound("no archive at " + dir +
                          ": it holds no segment (DIR/<topic>/<partition>/<offset>.hwseg)");
}

void RegisterList(CLI::App& archive, int& exit_code) {
  struct Args {
    std::string dir;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = archive.add_subcommand(
      "ls",
      "List an archive's segments: topic, partition, offsets, event times, records, size; exit 1 "
      "when DIR holds no archive");
  cmd->add_option("dir", args->dir, "Archive directory")->required();
  cmd->add_flag("--json", args->json,
                "JSON for programs instead of a table: {segments: [...], records, lost: [...], "
                "lost_records}");
  cmd->callback([args, &exit_code] {
    auto segments = common::ListSegments(args->dir);
    if (!segments) {
      exit_code = ReportError("archive ls", segments.error());
      return;
    }
    auto gaps = common::ListArchiveGaps(args->dir);
    if (!gaps) {
      exit_code = ReportError("archive ls", gaps.error());
      return;
    }
    if (Status found = NoArchiveUnlessSomething(args->dir, segments->size(), gaps->size());
        !found.ok()) {
      exit_code = ReportError("archive ls", found);
      return;
    }
    common::Json list = common::Json::array();
    std::vector<std::vector<std::string>> rows;
    uint64_t records = 0;
    for (const auto& s : *segments) {
      const auto& i = s.index;
      records += i.records;
      // A segment without records has no offsets or times: null, not the index's placeholders.
      const auto when_held = [&i](auto value) {
        return i.records == 0 ? common::Json(nullptr) : common::Json(value);
      };
      list.push_back({{"segment", s.path},
                      {"topic", i.topic},
                      {"partition", i.partition},
                      {"sealed", s.sealed},
                      {"records", i.records},
                      {"first_offset", when_held(i.first_offset)},
                      {"last_offset", when_held(i.last_offset)},
                      {"min_event_time", when_held(TimeText(i, i.min_event_ms))},
                      {"max_event_time", when_held(TimeText(i, i.max_event_ms))},
                      {"bytes", i.bytes},
                      {"blocks", i.blocks.size()}});
      rows.push_back({i.topic, std::to_string(i.partition), OffsetsText(i),
                      TimeText(i, i.min_event_ms), TimeText(i, i.max_event_ms),
                      std::to_string(i.records), std::to_string(i.bytes),
                      s.sealed ? "sealed" : "open"});
    }
    if (args->json) {
      common::Json lost = common::Json::array();
      for (const auto& gap : *gaps) {
        lost.push_back({{"topic", gap.topic},
                        {"partition", gap.partition},
                        {"first_offset", gap.first_offset},
                        {"last_offset", gap.last_offset},
                        {"records", gap.records()}});
      }
      const common::Json listing = {{"segments", std::move(list)},
                                    {"records", records},
                                    {"lost", std::move(lost)},
                                    {"lost_records", LostRecords(*gaps)}};
      std::cout << listing.dump(2) << "\n";
      exit_code = kExitOk;
      return;
    }
    std::cout << FormatTable(
        {"TOPIC", "PART", "OFFSETS", "FROM", "TO", "RECORDS", "BYTES", "STATE"}, rows);
    for (const auto& gap : *gaps) {
      std::cout << "lost: " << gap.topic << "/" << gap.partition << " "
                << common::DescribeArchiveGap(gap) << "\n";
    }
    std::cout << segments->size() << " segments, " << records << " records";
    if (!gaps->empty()) std::cout << "; " << LostRecords(*gaps) << " records lost";
    std::cout << "\n";
    exit_code = kExitOk;
  });
}

void RegisterVerify(CLI::App& archive, int& exit_code) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = archive.add_subcommand(
      "verify",
      "Check every block's checksum and encoding and every index against its segment; exit 1 "
      "and name each damaged segment when one is corrupt, or when DIR holds no archive; else "
      "exit 2 when records were deleted from the topic before they were archived "
      "(--on-offset-gap skip)");
  cmd->add_option("dir", *dir, "Archive directory")->required();
  cmd->callback([dir, &exit_code] {
    auto findings = common::VerifyArchive(*dir);
    if (!findings) {
      exit_code = ReportError("archive verify", findings.error());
      return;
    }
    auto gaps = common::ListArchiveGaps(*dir);
    if (!gaps) {
      exit_code = ReportError("archive verify", gaps.error());
      return;
    }
    auto segments = common::ListSegments(*dir);
    if (!segments) {
      exit_code = ReportError("archive verify", segments.error());
      return;
    }
    if (Status found = NoArchiveUnlessSomething(*dir, segments->size(), gaps->size());
        !found.ok() && findings->empty()) {
      exit_code = ReportError("archive verify", found);
      return;
    }
    bool damaged = false;
    for (const auto& f : *findings) {
      std::cout << (f.damaged ? "DAMAGED " : "note ") << f.segment << ": " << f.problem << "\n";
      damaged = damaged || f.damaged;
    }
    for (const auto& gap : *gaps) {
      std::cout << "LOST " << common::GapsPath(*dir, gap.topic, gap.partition) << ": "
                << common::DescribeArchiveGap(gap) << "\n";
    }
    const size_t count = segments->size();
    if (damaged) {
      std::cout << "archive damaged: " << count << " segments\n";
      exit_code = kExitFailure;
    } else if (!gaps->empty()) {
      std::cout << "archive incomplete: " << count << " segments, " << LostRecords(*gaps)
                << " records lost before they were archived\n";
      exit_code = kExitInvalidInput;
    } else {
      std::cout << "archive ok: " << count << " segments\n";
      exit_code = kExitOk;
    }
  });
}

}  // namespace

void RegisterArchiveCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<sinks::ArchiverOptions>();
  auto segment_kib = std::make_shared<uint64_t>(options->writer.segment_bytes >> 10);
  CLI::App* cmd = AddCheckedSubcommand(
      app, "archive",
      "The archive daemon: writes a topic's messages (key, headers, partition, offset, "
      "timestamp) into zstd-compressed, checksummed, time-indexed segment files under --dir, "
      "each batch durable before its offsets are committed. `archive ls DIR` and `archive verify "
      "DIR` inspect an archive.",
      [options](const CLI::App& command) {
        if (command.get_subcommands().empty() &&
            (options->consumer.kafka.bootstrap.empty() || options->writer.dir.empty())) {
          return Status::InvalidArgument(
              "--bootstrap and --dir are required (or use the ls / verify subcommands)");
        }
        return Status::Ok();
      });
  AddDaemonOptions(*cmd, options->consumer, options->daemon);
  // `archive ls` and `archive verify` need no broker.
  cmd->get_option("--bootstrap")->required(false);
  cmd->add_option("-d,--dir", options->writer.dir, "Archive directory");
  cmd->add_option("-t,--topic", options->topic, "Topic to archive")
      ->capture_default_str()
      ->check(KafkaTopicName());
  cmd->add_option("--segment-kib", *segment_kib,
                  "A segment is sealed once it reaches this size, KiB")
      ->capture_default_str()
      ->check(CLI::Range(16, 1 << 24));
  cmd->require_subcommand(0, 1);
  RegisterList(*cmd, exit_code);
  RegisterVerify(*cmd, exit_code);
  cmd->callback([cmd, options, segment_kib, &exit_code] {
    if (!cmd->get_subcommands().empty()) return;
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportUsageError("archive", checked);
      return;
    }
    common::InstallShutdownHandlers();
    StartLogging("archive");
    options->writer.segment_bytes = *segment_kib << 10;
    auto stats = sinks::RunArchiver(*options);
    if (!stats) {
      exit_code = ReportError("archive", stats.error());
      return;
    }
    ReportSummary("archive", fmt::format("{} archived, {} already archived, {} consumed",
                                         stats->archived, stats->skipped, stats->consumed));
    exit_code = kExitOk;
  });
}

}  // namespace headwire::cli
