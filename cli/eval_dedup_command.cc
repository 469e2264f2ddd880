// `headwire eval dedup --gold FILE`: runs the dedup and story stages over a labelled stream, as
// the offline filter and the processor do, and scores the verdicts.
//
// Gold records are input articles with labels, either in a "gold" object
//   {"story": "...", "duplicate_of": "<id>"|null, "kind": "...", "note": "...", "trap_of": "<id>"}
// or, as in the UCI News Aggregator slice, a top-level "story"; a story or id label is a string
// or an integer, as record ids are. Records are matched by line (an id may repeat: a resend).
// Duplicate scores need "duplicate_of" labels; trap scores need "trap_of" (or a note starting
// "trap of <id>:").

#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "common/article_json.h"
#include "common/json_lines.h"
#include "core/clustering_metrics.h"
#include "core/pipeline.h"

namespace headwire::cli {
namespace {

struct GoldRecord {
  std::string story;
  std::optional<std::string> duplicate_of;  // present when the stream labels duplicates
  std::string variation;                    // the note up to " — ", for per-variation recall
  std::string trap_of;
};

struct Prediction {
  std::string id;
  std::string duplicate_of;
  std::string story;
  uint64_t line = 0;  // in the gold file, as an editor counts: blank and invalid lines too
};

std::string StringField(const common::Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::expected<GoldRecord, common::RecordError> ReadGold(const common::Json& record) {
  GoldRecord gold;
  const auto labels = record.find("gold");
  if (labels == record.end() || !labels->is_object()) {
    gold.story = record.contains("story")
                     ? (record["story"].is_string() ? record["story"].get<std::string>()
                                                    : record["story"].dump())
                     : std::string();
    return gold;
  }
  // Labels that name a record or a story are read as ids are; any other type is an error, since
  // reading it as "no label" would score the record as something it is not.
  auto story = common::IdFieldOf(*labels, "story", "gold.story");
  auto duplicate_of = common::IdFieldOf(*labels, "duplicate_of", "gold.duplicate_of");
  auto trap_of = common::IdFieldOf(*labels, "trap_of", "gold.trap_of");
  for (const auto* id : {&story, &duplicate_of, &trap_of}) {
    if (!*id) return std::unexpected(id->error());
  }
  gold.story = std::move(*story);
  if (labels->contains("duplicate_of")) gold.duplicate_of = std::move(*duplicate_of);
  const std::string note = StringField(*labels, "note");
  gold.trap_of = std::move(*trap_of);
  // A note "trap of <id>: ..." names the look-alike.
  constexpr std::string_view kTrapPrefix = "trap of ";
  if (gold.trap_of.empty() && note.starts_with(kTrapPrefix)) {
    const size_t colon = note.find(':', kTrapPrefix.size());
    if (colon != std::string::npos) {
      gold.trap_of = note.substr(kTrapPrefix.size(), colon - kTrapPrefix.size());
    }
  }
  if (gold.duplicate_of && !gold.duplicate_of->empty()) {
    const size_t dash = note.find(" \xE2\x80\x94 ");
    gold.variation = note.substr(0, dash == std::string::npos ? note.find(':') : dash);
    if (gold.variation.empty()) gold.variation = StringField(*labels, "kind");
  }
  return gold;
}

double Ratio(uint64_t a, uint64_t b) { return b ? double(a) / double(b) : 1.0; }

std::string Fixed(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return buffer;
}

}  // namespace

void RegisterEvalDedupCommand(CLI::App& eval, int& exit_code) {
  struct Args {
    std::string gold;
    bool json = false;
    bool list_errors = false;
    core::PipelineOptions pipeline;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = eval.add_subcommand(
      "dedup", "Precision/recall of duplicate flags, pairwise and B-cubed scores of stories");
  cmd->add_option("--gold", args->gold, "Labelled JSON Lines, or - for stdin (see docs/dedup.md)")
      ->required();
  cmd->add_flag("--json", args->json, "JSON for programs instead of a table");
  cmd->add_flag("--list-errors", args->list_errors,
                "Also list every wrong duplicate flag and every merged trap");
  AddMinEventTimeOption(*cmd, args->pipeline.validation);
  AddExactDedupOptions(*cmd, args->pipeline.dedup);
  AddStoryOptions(*cmd, args->pipeline.recent);
  cmd->callback([args, &exit_code] {
    auto opened = common::CommandLineInput::Open(args->gold);
    if (!opened) {
      exit_code = ReportError("eval dedup", opened.error());
      return;
    }
    std::istream& in = opened->stream();
    core::InMemoryDedupIndex index;
    core::RecentArticles recent(args->pipeline.recent);
    core::ArticlePipeline pipeline(args->pipeline, nullptr, index, &recent);

    std::vector<GoldRecord> gold;
    std::vector<Prediction> predicted;
    std::vector<std::string> titles;
    std::map<std::string, size_t> first_line_of;  // id -> first record with it
    uint64_t invalid = 0;
    const Status read =
        common::ForEachLine(in, args->gold, [&](uint64_t line_number, const std::string& line) {
          auto record = common::ParseArticleLine(line, args->pipeline.validation);
          if (!record) {
            ++invalid;
            std::cerr << args->gold << ":" << line_number << ": " << record.error().reason << ": "
                      << record.error().message << "\n";
            return Status::Ok();
          }
          auto labels = ReadGold(record->object);
          if (!labels) {
            ++invalid;
            std::cerr << args->gold << ":" << line_number << ": " << labels.error().reason << ": "
                      << labels.error().message << "\n";
            return Status::Ok();
          }
          auto verdict = pipeline.Process(record->article);
          if (!verdict) {
            ++invalid;
            // As `headwire dedup` reports it: the reason word first, for scripts to match.
            std::cerr << args->gold << ":" << line_number << ": "
                      << core::RejectReasonName(verdict.error().reason) << ": "
                      << verdict.error().message << "\n";
            return Status::Ok();
          }
          first_line_of.try_emplace(record->article.id, gold.size());
          gold.push_back(std::move(*labels));
          predicted.push_back({record->article.id, verdict->dedup.duplicate_of,
                               verdict->dedup.story_id, line_number});
          titles.push_back(record->article.title);
          return Status::Ok();
        });
    if (!read.ok()) {
      exit_code = ReportError("eval dedup", read);
      return;
    }
    if (gold.empty()) {
      // Perfect scores over nothing would read as a pass.
      exit_code = ReportError("eval dedup",
                              Status::InvalidArgument(args->gold + ": no valid record to score"));
      return;
    }

    // Gold duplicate groups: the root of each record is the first record of its group.
    auto line_of = [&](const std::string& id) -> std::optional<size_t> {
      const auto it = first_line_of.find(id);
      return it == first_line_of.end() ? std::nullopt : std::optional(it->second);
    };
    std::vector<size_t> root(gold.size());
    bool has_duplicate_labels = false;
    for (size_t i = 0; i < gold.size(); ++i) {
      root[i] = i;
      if (gold[i].duplicate_of) has_duplicate_labels = true;
      if (gold[i].duplicate_of && !gold[i].duplicate_of->empty()) {
        if (auto j = line_of(*gold[i].duplicate_of); j && *j < i) root[i] = root[*j];
      }
    }

    uint64_t predicted_flags = 0, gold_flags = 0, correct_flags = 0, correct_links = 0;
    std::map<std::string, std::pair<uint64_t, uint64_t>> by_variation;  // found, total
    std::vector<std::string> errors;
    for (size_t i = 0; i < gold.size(); ++i) {
      const bool is_gold = gold[i].duplicate_of && !gold[i].duplicate_of->empty();
      const bool is_predicted = !predicted[i].duplicate_of.empty();
      gold_flags += is_gold;
      predicted_flags += is_predicted;
      if (is_gold) {
        auto& [found, total] = by_variation[gold[i].variation];
        ++total;
        found += is_predicted;
      }
      if (is_gold && is_predicted) {
        ++correct_flags;
        const auto j = line_of(predicted[i].duplicate_of);
        if (j && root[*j] == root[i]) ++correct_links;
      }
      if (has_duplicate_labels && is_gold != is_predicted) {
        errors.push_back(std::string(is_predicted ? "false duplicate" : "missed duplicate") +
                         " line " + std::to_string(predicted[i].line) + " (" + predicted[i].id +
                         "): " + titles[i]);
      }
    }

    uint64_t traps = 0, trap_duplicates = 0, trap_story_merges = 0;
    for (size_t i = 0; i < gold.size(); ++i) {
      if (gold[i].trap_of.empty()) continue;
      const auto j = line_of(gold[i].trap_of);
      if (!j) continue;
      ++traps;
      const auto original = line_of(predicted[i].duplicate_of);
      if (original && root[*original] == root[*j]) ++trap_duplicates;
      if (predicted[i].story == predicted[*j].story) {
        ++trap_story_merges;
        errors.push_back("trap joined its look-alike's story: line " +
                         std::to_string(predicted[i].line) + ": " + titles[i] + "  ~  " +
                         titles[*j]);
      }
    }

    std::vector<std::string> gold_stories, predicted_stories;
    for (size_t i = 0; i < gold.size(); ++i) {
      gold_stories.push_back(gold[i].story.empty() ? "line:" + std::to_string(i) : gold[i].story);
      predicted_stories.push_back(predicted[i].story);
    }
    const auto pairwise = core::ScorePairwise(gold_stories, predicted_stories);
    const auto bcubed = core::ScoreBCubed(gold_stories, predicted_stories);
    std::set<std::string> gold_story_set(gold_stories.begin(), gold_stories.end());
    std::set<std::string> predicted_story_set(predicted_stories.begin(), predicted_stories.end());

    const double dup_precision = Ratio(correct_flags, predicted_flags);
    const double dup_recall = Ratio(correct_flags, gold_flags);
    common::Json out;
    out["records"] = gold.size();
    out["invalid"] = invalid;
    if (has_duplicate_labels) {
      out["duplicates"] = {{"gold", gold_flags},
                           {"predicted", predicted_flags},
                           {"correct", correct_flags},
                           {"correct_original", correct_links},
                           {"precision", dup_precision},
                           {"recall", dup_recall},
                           {"f1", core::F1(dup_precision, dup_recall)}};
      common::Json variations = common::Json::object();
      for (const auto& [name, counts] : by_variation) {
        variations[name] = {{"found", counts.first}, {"total", counts.second}};
      }
      out["duplicates"]["recall_by_variation"] = variations;
    }
    out["traps"] = {{"pairs", traps},
                    {"linked_as_duplicate", trap_duplicates},
                    {"joined_one_story", trap_story_merges}};
    out["stories"] = {{"gold", gold_story_set.size()},
                      {"predicted", predicted_story_set.size()},
                      {"pairwise_precision", pairwise.precision},
                      {"pairwise_recall", pairwise.recall},
                      {"pairwise_f1", pairwise.f1},
                      {"bcubed_precision", bcubed.precision},
                      {"bcubed_recall", bcubed.recall},
                      {"bcubed_f1", bcubed.f1}};

    if (args->json) {
      std::cout << out.dump(2) << "\n";
    } else {
      std::vector<std::vector<std::string>> rows;
      rows.push_back({"records", std::to_string(gold.size())});
      if (has_duplicate_labels) {
        rows.push_back({"duplicates: gold / flagged / correct",
                        std::to_string(gold_flags) + " / " + std::to_string(predicted_flags) +
                            " / " + std::to_string(correct_flags)});
        rows.push_back({"duplicates: precision", Fixed(dup_precision)});
        rows.push_back({"duplicates: recall", Fixed(dup_recall)});
        rows.push_back({"duplicates: pointing at the right original",
                        std::to_string(correct_links) + " of " + std::to_string(correct_flags)});
        for (const auto& [name, counts] : by_variation) {
          rows.push_back({"  recall: " + name,
                          std::to_string(counts.first) + " / " + std::to_string(counts.second)});
        }
      }
      rows.push_back({"traps: pairs / linked as duplicate / joined one story",
                      std::to_string(traps) + " / " + std::to_string(trap_duplicates) + " / " +
                          std::to_string(trap_story_merges)});
      rows.push_back({"stories: gold / predicted", std::to_string(gold_story_set.size()) + " / " +
                                                       std::to_string(predicted_story_set.size())});
      rows.push_back({"stories: pairwise precision / recall / F1",
                      Fixed(pairwise.precision) + " / " + Fixed(pairwise.recall) + " / " +
                          Fixed(pairwise.f1)});
      rows.push_back(
          {"stories: B-cubed precision / recall / F1",
           Fixed(bcubed.precision) + " / " + Fixed(bcubed.recall) + " / " + Fixed(bcubed.f1)});
      std::cout << FormatTable({"MEASURE", "VALUE"}, rows);
    }
    if (args->list_errors) {
      for (const auto& error : errors) std::cerr << error << "\n";
    }
    exit_code = invalid > 0 ? kExitInvalidInput : kExitOk;
  });
}

}  // namespace headwire::cli
