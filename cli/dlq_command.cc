// `headwire dlq list` and `headwire dlq redrive`: look into the dead-letter topic, and send the
// records whose cause was fixed back to the raw topic. Both read the topic to its end and exit.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <limits>
#include <set>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "common/article_json.h"
#include "common/dead_letter_excerpt.h"
#include "common/kafka_producer.h"
#include "common/proto_convert.h"
#include "common/time_format.h"
#include "common/topic_reader.h"
#include "core/excerpt.h"
#include "core/text.h"
#include "headwire/v1/article.pb.h"

namespace headwire::cli {
namespace {

constexpr std::string_view kReasonPrefix = "DEAD_LETTER_REASON_";
constexpr size_t kExcerptChars = 60;

// "undecodable" for DEAD_LETTER_REASON_UNDECODABLE; "unknown(N)" for a number the enum lacks
// (a letter from a newer writer, or a foreign one), which would otherwise show as nothing.
std::string ReasonName(v1::DeadLetterReason reason) {
  std::string name = v1::DeadLetterReason_Name(reason);
  if (name.empty()) return "unknown(" + std::to_string(static_cast<int>(reason)) + ")";
  if (name.starts_with(kReasonPrefix)) name.erase(0, kReasonPrefix.size());
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

std::vector<std::string> ReasonNames() {
  std::vector<std::string> names;
  const auto* descriptor = v1::DeadLetterReason_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto reason = static_cast<v1::DeadLetterReason>(descriptor->value(i)->number());
    if (reason != v1::DEAD_LETTER_REASON_UNSPECIFIED) names.push_back(ReasonName(reason));
  }
  return names;
}

v1::DeadLetterReason ReasonFromName(const std::string& name) {
  std::string upper(kReasonPrefix);
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  v1::DeadLetterReason reason = v1::DEAD_LETTER_REASON_UNSPECIFIED;
  v1::DeadLetterReason_Parse(upper, &reason);
  return reason;
}

// How often the record was re-driven before it was dead-lettered (its re-drive count header).
// The header comes from whoever produced the record: one that is not a count is 0, and one too
// large for an int is the largest int, so that no value ("-1000") buys extra rounds.
int RedriveCount(const v1::DeadLetter& letter) {
  int count = 0;
  for (const auto& header : letter.original_headers()) {
    if (header.name() != common::kRedriveCountHeader) continue;
    const std::string& text = header.value();
    uint64_t parsed = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    const bool whole = end == text.data() + text.size();
    if (error == std::errc::result_out_of_range && whole) {
      count = std::numeric_limits<int>::max();
    } else if (error == std::errc() && whole) {
      count = static_cast<int>(std::min<uint64_t>(parsed, std::numeric_limits<int>::max()));
    } else {
      count = 0;
    }
  }
  return count;
}

std::optional<std::string> OriginalHeader(const v1::DeadLetter& letter, std::string_view name) {
  std::optional<std::string> value;
  for (const auto& header : letter.original_headers()) {
    if (header.name() == name) value = header.value();
  }
  return value;
}

std::string Position(std::string_view topic, int32_t partition, int64_t offset) {
  if (partition < 0 && offset < 0) return std::string(topic);                   // a feed's URL
  if (partition < 0) return std::string(topic) + ":" + std::to_string(offset);  // file:line
  return std::string(topic) + "/" + std::to_string(partition) + "@" + std::to_string(offset);
}

// A dead-letter topic that does not exist is named as missing, not read as empty: a mistyped
// --dlq-topic would otherwise look like a clean pipeline.
Status Missing(const Status& status) {
  if (status.code() != StatusCode::kNotFound) return status;
  return Status::NotFound(status.message() +
                          " (check --dlq-topic; a dead-letter topic that nothing was ever "
                          "dead-lettered to may not have been created yet)");
}

struct DlqArgs {
  common::KafkaOptions kafka;
  // Default: "headwire.dlq".
  std::string dlq_topic = "headwire.dlq";
  // Only dead letters of this reason (a name of ReasonNames()); empty for all.
  std::string reason;
  bool json = false;
  // Default: "headwire.articles.raw".
  std::string raw_topic = "headwire.articles.raw";
  // A record re-driven this many times is not re-driven again. Default: 3.
  int max_redrives = 3;
};

void AddCommonOptions(CLI::App& command, DlqArgs& args) {
  AddKafkaOptions(command, args.kafka);
  command.add_option("--dlq-topic", args.dlq_topic, "Dead-letter topic")
      ->capture_default_str()
      ->check(KafkaTopicName());
  command.add_option("--reason", args.reason, "Only dead letters of this reason")
      ->check(CLI::IsMember(ReasonNames(), CLI::ignore_case));
}

// What ForEachDeadLetter read.
struct DlqRead {
  uint64_t records = 0;      // every record the topic held
  uint64_t not_letters = 0;  // records that are not a DeadLetter, reported and skipped
};

// Reads the DLQ and calls `visit` with every dead letter of the chosen reason. Anyone who can
// write to the topic can put other records on it: each one that is not a DeadLetter (an empty
// value included: every dead letter has a reason) is reported on stderr as `command` and skipped,
// so that it cannot hide the dead letters after it. Returns what was read, or the reading's error.
Result<DlqRead> ForEachDeadLetter(
    const DlqArgs& args, std::string_view command,
    const std::function<void(const common::Message&, const v1::DeadLetter&)>& visit) {
  const v1::DeadLetterReason wanted =
      args.reason.empty() ? v1::DEAD_LETTER_REASON_UNSPECIFIED : ReasonFromName(args.reason);
  DlqRead result;
  auto read = common::ReadTopicToEnd(args.kafka, args.dlq_topic, [&](const common::Message& m) {
    v1::DeadLetter letter;
    if (m.value().empty() ||
        !letter.ParseFromArray(m.value().data(), static_cast<int>(m.value().size()))) {
      ++result.not_letters;
      std::cerr << "headwire " << command << ": " << Position(m.topic(), m.partition(), m.offset())
                << " skipped: not a headwire.v1.DeadLetter (" << m.value().size() << " bytes)\n";
      return;
    }
    if (wanted == v1::DEAD_LETTER_REASON_UNSPECIFIED || letter.reason() == wanted) visit(m, letter);
  });
  if (!read) return Err(read.error());
  result.records = *read;
  return result;
}

int RunList(const DlqArgs& args) {
  auto excerpts = common::DeadLetterExcerpts::Create();
  if (!excerpts) return ReportError("dlq list", excerpts.error());
  std::vector<std::vector<std::string>> rows;
  auto read =
      ForEachDeadLetter(args, "dlq list", [&](const common::Message& m, const v1::DeadLetter& l) {
        const std::string time =
            m.timestamp_ms() >= 0 ? common::FormatRfc3339(m.timestamp_ms()) : "";
        const std::string origin =
            Position(l.source().topic(), l.source().partition(), l.source().offset());
        if (args.json) {
          common::Json line = {
              {"dlq", {{"topic", m.topic()}, {"partition", m.partition()}, {"offset", m.offset()}}},
              {"time", time},
              {"reason", ReasonName(l.reason())},
              {"stage", l.stage()},
              {"message", l.message()},
              {"origin",
               {{"topic", l.source().topic()},
                {"partition", l.source().partition()},
                {"offset", l.source().offset()}}},
              {"key", core::Excerpt(l.original_key(), kExcerptChars)},
              {"excerpt", excerpts->Of(l, kExcerptChars)},
              {"value_bytes", l.original_value().size()},
              {"original_bytes", l.original_size()},
              {"redrive_count", RedriveCount(l)}};
          // The message and stage come from whoever wrote the dead letter: never trust their bytes.
          std::cout << line.dump(-1, ' ', false, common::Json::error_handler_t::replace) << "\n";
          return;
        }
        rows.push_back({Position(m.topic(), m.partition(), m.offset()), time,
                        ReasonName(l.reason()), l.stage(), origin, std::to_string(RedriveCount(l)),
                        core::Excerpt(l.message(), kExcerptChars), excerpts->Of(l, kExcerptChars)});
      });
  if (!read) {
    return ReportError("dlq list", Missing(read.error()));
  }
  if (!args.json) {
    std::cout << FormatTable(
        {"DLQ", "TIME", "REASON", "STAGE", "ORIGIN", "REDRIVES", "MESSAGE", "EXCERPT"}, rows);
    std::cerr << "headwire dlq list: " << rows.size() << " dead letters shown of " << read->records
              << " on " << args.dlq_topic;
    if (read->not_letters > 0) std::cerr << " (" << read->not_letters << " not dead letters)";
    std::cerr << "\n";
  }
  return kExitOk;
}

int RunRedrive(const DlqArgs& args) {
  struct Letter {
    std::string position;
    v1::DeadLetter letter;
  };
  std::vector<Letter> letters;
  std::set<std::string> superseded;  // letters whose re-driven record was dead-lettered again
  auto read = ForEachDeadLetter(
      args, "dlq redrive", [&](const common::Message& m, const v1::DeadLetter& l) {
        if (auto of = OriginalHeader(l, common::kRedriveOfHeader)) superseded.insert(*of);
        letters.push_back({Position(m.topic(), m.partition(), m.offset()), l});
      });
  if (!read) {
    return ReportError("dlq redrive", Missing(read.error()));
  }
  auto producer = common::KafkaProducer::Create(args.kafka);
  if (!producer) return ReportError("dlq redrive", producer.error());
  uint64_t redriven = 0;
  uint64_t at_maximum = 0;
  uint64_t not_raw = 0;
  uint64_t truncated = 0;
  for (const auto& [where, l] : letters) {
    if (superseded.contains(where)) continue;
    const std::string origin =
        Position(l.source().topic(), l.source().partition(), l.source().offset());
    if (l.source().topic() != args.raw_topic) {
      ++not_raw;
      std::cerr << "headwire dlq redrive: " << where << " not re-driven: it came from "
                << core::EscapeForTerminal(origin) << " (stage "
                << core::EscapeForTerminal(l.stage()) << "), not from " << args.raw_topic << "\n";
      continue;
    }
    if (common::IsTruncated(l)) {
      ++truncated;
      std::cerr << "headwire dlq redrive: " << where << " not re-driven: it holds only "
                << l.original_value().size() << " of the record's " << l.original_size()
                << " bytes (" << core::EscapeForTerminal(l.original_digest()) << ")\n";
      continue;
    }
    const int count = RedriveCount(l);
    if (count >= args.max_redrives) {
      ++at_maximum;
      std::cerr << "headwire dlq redrive: " << where << " not re-driven: " << origin
                << " reached its re-drive limit (re-driven " << count << " of --max-redrives "
                << args.max_redrives << "); last reason " << ReasonName(l.reason()) << ": "
                << core::EscapeForTerminal(l.message()) << "\n";
      continue;
    }
    std::vector<common::Header> headers;
    for (const auto& header : l.original_headers()) {
      if (header.name() != common::kRedriveCountHeader &&
          header.name() != common::kRedriveOfHeader) {
        headers.push_back({header.name(), header.value()});
      }
    }
    headers.push_back({common::kRedriveCountHeader, std::to_string(count + 1)});
    headers.push_back({common::kRedriveOfHeader, where});
    if (Status s =
            (*producer)->Produce(args.raw_topic, l.original_key(), l.original_value(), headers);
        !s.ok()) {
      return ReportError("dlq redrive", s);
    }
    ++redriven;
  }
  if (Status s = (*producer)->Flush(common::kDefaultFlushTimeout); !s.ok()) {
    return ReportError("dlq redrive", s);
  }
  std::cerr << "headwire dlq redrive: " << redriven << " re-driven to " << args.raw_topic << ", "
            << at_maximum << " at the maximum, " << not_raw << " not from " << args.raw_topic
            << ", " << truncated << " truncated, " << superseded.size() << " already re-driven";
  if (read->not_letters > 0) std::cerr << ", " << read->not_letters << " not dead letters";
  std::cerr << "\n";
  return kExitOk;
}

}  // namespace

void RegisterDlqCommand(CLI::App& app, int& exit_code) {
  CLI::App* dlq = app.add_subcommand(
      "dlq", "Inspect the dead-letter topic and re-drive its records (reads it to its end)");
  dlq->require_subcommand(1);

  auto list_args = std::make_shared<DlqArgs>();
  CLI::App* list = dlq->add_subcommand(
      "list",
      "Each dead letter with its position, time, reason, stage, origin (topic/partition@offset, "
      "file:line for produce, the URL for feed), re-drive count, message and an escaped excerpt of "
      "the record");
  AddCommonOptions(*list, *list_args);
  list->add_flag("--json", list_args->json, "One JSON object per dead letter instead of a table");
  list->callback([list_args, &exit_code] {
    StartLogging("dlq");
    exit_code = RunList(*list_args);
  });

  auto redrive_args = std::make_shared<DlqArgs>();
  CLI::App* redrive = dlq->add_subcommand(
      "redrive",
      "Send the dead letters' records (value, key and headers as they were) back to the raw "
      "topic with a re-drive count header; a record re-driven --max-redrives times is reported, "
      "not sent. Only records that came from the raw topic are re-driven.");
  AddCommonOptions(*redrive, *redrive_args);
  redrive->add_option("--raw-topic", redrive_args->raw_topic, "Where the records go back to")
      ->capture_default_str()
      ->check(KafkaTopicName());
  redrive
      ->add_option("--max-redrives", redrive_args->max_redrives,
                   "A record re-driven this many times is not re-driven again")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  redrive->callback([redrive_args, &exit_code] {
    StartLogging("dlq");
    exit_code = RunRedrive(*redrive_args);
  });
}

}  // namespace headwire::cli
