// `headwire classify` and `headwire dedup`: the offline filters, JSON Lines in and out, no Kafka.
// They run the same core code as the processor daemon, so their verdicts are the daemon's.

#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <utility>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "common/article_json.h"
#include "common/json_lines.h"
#include "common/json_object_splice.h"
#include "core/pipeline.h"

namespace headwire::cli {
namespace {

struct FilterArgs {
  std::string input = "-";
  ClassifierChoice classifier;  // classify only
  // classify only: the classifier the command line's check loaded, for the run to use.
  std::optional<core::TopicClassifier> loaded;
  bool explain = false;
  core::PipelineOptions pipeline;
};

// After this many lines that are not JSON, the filter says once what input it expects.
constexpr uint64_t kNotJsonHintAfter = 3;

std::string NotJsonHint(std::string_view command) {
  return "headwire " + std::string(command) +
         ": the input does not look like JSON Lines: one JSON object per line, such as "
         "{\"title\": \"...\", \"published_at\": \"2026-03-02T08:15:00Z\"}. A CSV file with a "
         "header row converts with: python3 -c 'import csv, json, sys; "
         "[print(json.dumps(r)) for r in csv.DictReader(sys.stdin)]' < FILE.csv | headwire " +
         std::string(command) + "\n";
}

// Runs `decide` on every valid record of the input and prints the record it returns. Invalid
// records are reported as INPUT:LINE: reason: message on stderr; after kNotJsonHintAfter lines
// that are not JSON, a hint on the expected input follows once. Returns the exit code.
int RunFilter(
    std::string_view command, const std::string& input_name,
    const core::ValidationOptions& validation,
    const std::function<std::expected<common::Json, common::RecordError>(common::ArticleRecord&)>&
        decide) {
  auto input = common::CommandLineInput::Open(input_name);
  if (!input) return ReportError(command, input.error());
  uint64_t invalid = 0, not_json = 0;
  const Status read = common::ForEachLine(
      input->stream(), input_name, [&](uint64_t line_number, const std::string& line) {
        auto record = common::ParseArticleLine(line, validation);
        std::expected<common::Json, common::RecordError> out =
            record ? decide(*record) : std::unexpected(record.error());
        if (!out) {
          ++invalid;
          std::cerr << input_name << ":" << line_number << ": " << out.error().reason << ": "
                    << out.error().message << "\n";
          if (out.error().reason == "not_json" && ++not_json == kNotJsonHintAfter) {
            std::cerr << NotJsonHint(command);
          }
          return Status::Ok();
        }
        // The record's own members are echoed as they were written; the stage's fields replace
        // any of the same name. A derived string need not be valid UTF-8 (a byte n-gram of
        // --explain): the splice replaces the bad bytes, which costs one character instead of
        // the rest of the run.
        auto echoed = common::SpliceObjectMembers(line, *out);
        if (!echoed)
          return Status::Internal("line " + std::to_string(line_number) + ": " +
                                  echoed.error().message);
        std::cout << *echoed << "\n";
        return Status::Ok();
      });
  std::cout.flush();
  if (!read.ok()) return ReportError(command, read);
  return invalid > 0 ? kExitInvalidInput : kExitOk;
}

// `check`, when there is one, is the command line's check (command_line_check.h).
CLI::App* AddFilterCommand(CLI::App& app, const char* name, const char* description,
                           FilterArgs& args, CommandLineCheck check = {}) {
  CLI::App* cmd = check ? AddCheckedSubcommand(app, name, description, std::move(check))
                        : app.add_subcommand(name, description);
  cmd->add_option("input", args.input, "Input file, or - for stdin")->capture_default_str();
  AddMinEventTimeOption(*cmd, args.pipeline.validation);
  return cmd;
}

common::RecordError ToRecordError(const core::Rejection& rejection) {
  return {core::RejectReasonName(rejection.reason), rejection.message};
}

}  // namespace

void RegisterFilterCommands(CLI::App& app, int& exit_code) {
  auto classify_args = std::make_shared<FilterArgs>();
  CLI::App* classify = AddFilterCommand(
      app, "classify",
      "Offline filter: JSON Lines articles in, the same records out with \"topics\" and "
      "\"scores\" added.",
      *classify_args,
      // The classifier's files against each other and --topic-threshold: a model whose topics
      // the taxonomy lacks is a command line that cannot be used.
      LoadClassifierCheck(classify_args));
  AddClassifierOptions(*classify, classify_args->classifier);
  classify->add_flag("--explain", classify_args->explain,
                     "Add \"explain\": per topic, how it was decided, the model features that "
                     "drove it and the rules' matches");
  classify->callback([classify, classify_args, &exit_code] {
    if (Status checked = CheckCommandLine(*classify); !checked.ok()) {
      exit_code = ReportCheckFailure("classify", checked);
      return;
    }
    const core::TopicClassifier& classifier = *classify_args->loaded;
    exit_code = RunFilter(
        "classify", classify_args->input, classify_args->pipeline.validation,
        [&](common::ArticleRecord& record) -> std::expected<common::Json, common::RecordError> {
          if (auto rejection = core::Validate(record.article, classify_args->pipeline.validation)) {
            return std::unexpected(ToRecordError(*rejection));
          }
          const auto c = classifier.Classify(record.article.title, record.article.body);
          common::Json decided = {{"topics", c.topics}, {"scores", ScoresToJson(c.scores)}};
          if (classify_args->explain) {
            decided["explain"] =
                ExplanationsToJson(classifier.Explain(record.article.title, record.article.body));
          }
          return decided;
        });
  });

  auto dedup_args = std::make_shared<FilterArgs>();
  CLI::App* dedup = AddFilterCommand(
      app, "dedup",
      "Offline filter: JSON Lines articles in, the same records out with \"id\" (when derived), "
      "\"canonical_url\", \"duplicate_of\" (id or null), \"duplicate_kind\" (unique, same_id, "
      "same_url, same_content, near) and \"story_id\".",
      *dedup_args);
  AddExactDedupOptions(*dedup, dedup_args->pipeline.dedup);
  AddStoryOptions(*dedup, dedup_args->pipeline.recent);
  dedup->callback([dedup_args, &exit_code] {
    core::InMemoryDedupIndex index;
    core::RecentArticles recent(dedup_args->pipeline.recent);
    core::ArticlePipeline pipeline(dedup_args->pipeline, nullptr, index, &recent);
    exit_code = RunFilter(
        "dedup", dedup_args->input, dedup_args->pipeline.validation,
        [&](common::ArticleRecord& record) -> std::expected<common::Json, common::RecordError> {
          // A given id is echoed as written (an integer stays one); one Process derives is added.
          const bool id_given = !record.article.id.empty();
          auto verdict = pipeline.Process(record.article);
          if (!verdict) return std::unexpected(ToRecordError(verdict.error()));
          common::Json decided = common::Json::object();
          if (!id_given) decided["id"] = record.article.id;
          decided["canonical_url"] = verdict->canonical_url.empty()
                                         ? common::Json(nullptr)
                                         : common::Json(verdict->canonical_url);
          decided["duplicate_of"] = verdict->dedup.duplicate_of.empty()
                                        ? common::Json(nullptr)
                                        : common::Json(verdict->dedup.duplicate_of);
          decided["duplicate_kind"] = core::DuplicateKindName(verdict->dedup.kind);
          decided["story_id"] = verdict->dedup.story_id;
          return decided;
        });
  });
}

}  // namespace headwire::cli
