// `headwire eval classify`: runs the topic classifier over a gold JSON Lines file (topics in the
// records or, with --labels, in a file of labels line by line) and prints per-topic precision,
// recall and F1, micro and macro F1, exact match, accuracy on "other" and a confusion summary (a
// table, or --json). The report on stdout depends only on the data and the classifier; the
// classification speed goes to stderr, and with --list-errors every record whose topics differ
// from its gold ones, in file order.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "common/article_json.h"
#include "common/labelled_json.h"
#include "core/classification_metrics.h"

namespace headwire::cli {
namespace {

struct EvalClassifyArgs {
  std::string gold;
  std::string labels;
  ClassifierChoice classifier;
  // The classifier the command line's check loaded, for the run to use.
  std::optional<core::TopicClassifier> loaded;
  core::ValidationOptions validation;  // the event times the gold records may have
  bool json = false;
  bool list_errors = false;
};

// "record 12 (t0012): false ai 0.160, missed business 0.280: <title>" when the topics differ from
// the gold ones (records counted from 1, blank lines skipped); empty when they agree. A topic's
// score is the one it was decided on (the model's probability, or the rules' score for a rules-only
// topic).
std::string DescribeError(size_t record, const core::LabelledText& example,
                          const core::Classification& c) {
  auto has = [](const std::vector<std::string>& topics, const std::string& topic) {
    return std::ranges::find(topics, topic) != topics.end();
  };
  auto score_of = [&](const std::string& topic) {
    for (const core::TopicScore& s : c.scores) {
      if (s.topic == topic) return s.score;
    }
    return 0.0;
  };
  std::string differences;
  auto add = [&](const char* kind, const std::string& topic) {
    char score[32];
    std::snprintf(score, sizeof(score), " %.3f", score_of(topic));
    if (!differences.empty()) differences += ", ";
    differences += kind;
    differences += topic;
    differences += score;
  };
  for (const std::string& topic : c.topics) {
    if (!has(example.topics, topic)) add("false ", topic);
  }
  for (const std::string& topic : example.topics) {
    if (!has(c.topics, topic)) add("missed ", topic);
  }
  if (differences.empty()) return {};
  std::string out = "record ";
  out += std::to_string(record);
  if (!example.id.empty()) out += " (" + example.id + ")";
  return out + ": " + differences + ": " + example.title;
}

std::string Fixed3(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", v);
  return text;
}

double Round4(double v) { return static_cast<double>(std::lround(v * 10000.0)) / 10000.0; }

common::Json ToJson(const core::MetricsSummary& m, const std::string& classifier) {
  common::Json out;
  out["classifier"] = classifier;
  out["examples"] = m.examples;
  common::Json labels = common::Json::object();
  // null for a score that is 0/0: undefined, not 0.
  auto score = [](bool defined, double v) { return defined ? common::Json(Round4(v)) : nullptr; };
  for (const core::LabelScores& s : m.labels) {
    labels[s.label] = {{"support", s.support},
                       {"true_positives", s.true_positives},
                       {"false_positives", s.false_positives},
                       {"false_negatives", s.false_negatives},
                       {"precision", score(s.scored, s.precision)},
                       {"recall", score(s.scored, s.recall)},
                       {"f1", score(s.scored, s.f1)}};
  }
  out["topics"] = std::move(labels);
  out["micro_f1"] = Round4(m.micro_f1);
  out["macro_f1"] = Round4(m.macro_f1);
  out["macro_topics"] = m.macro_labels;
  out["exact_match"] = Round4(m.exact_match);
  out["other_support"] = m.other_support;
  out["other_accuracy"] = score(m.other_support > 0, m.other_accuracy);
  common::Json confusion = common::Json::object();
  for (const auto& [gold, row] : m.confusion) {
    for (const auto& [predicted, count] : row) confusion[gold][predicted] = count;
  }
  out["confusion"] = std::move(confusion);
  return out;
}

void PrintTable(const core::MetricsSummary& m, const EvalClassifyArgs& args,
                const std::string& classifier) {
  char line[256];
  std::cout << "gold: " << args.gold;
  if (!args.labels.empty()) std::cout << ", topics from " << args.labels;
  std::cout << " (" << m.examples << " examples)\n";
  std::cout << "classifier: " << classifier << "\n\n";
  std::snprintf(line, sizeof(line), "%-14s %8s %10s %8s %8s\n", "topic", "support", "precision",
                "recall", "f1");
  std::cout << line;
  for (const core::LabelScores& s : m.labels) {
    if (s.scored) {
      std::snprintf(line, sizeof(line), "%-14s %8llu %10.3f %8.3f %8.3f\n", s.label.c_str(),
                    static_cast<unsigned long long>(s.support), s.precision, s.recall, s.f1);
    } else {
      std::snprintf(line, sizeof(line), "%-14s %8llu %10s %8s %8s\n", s.label.c_str(),
                    static_cast<unsigned long long>(s.support), "n/a", "n/a", "n/a");
    }
    std::cout << line;
  }
  std::string macro = Fixed3(m.macro_f1);
  if (m.macro_labels < m.labels.size()) {
    macro += " (" + std::to_string(m.macro_labels) + " of " + std::to_string(m.labels.size()) +
             " topics; n/a: no gold or predicted example)";
  }
  std::cout << "\nmicro F1 " << Fixed3(m.micro_f1) << "   macro F1 " << macro << "   exact match "
            << Fixed3(m.exact_match) << "   other accuracy "
            << (m.other_support > 0 ? Fixed3(m.other_accuracy) : std::string("n/a")) << " ("
            << m.other_support << " examples)\n";
  std::cout << "\nconfusion (gold -> predicted, counts; hits first):\n";
  for (const auto& [gold_label, row] : m.confusion) {
    std::vector<std::pair<std::string, uint64_t>> cells(row.begin(), row.end());
    std::ranges::stable_sort(cells, [&](const auto& a, const auto& b) {
      if ((a.first == gold_label) != (b.first == gold_label)) return a.first == gold_label;
      return a.second > b.second;
    });
    std::cout << "  " << gold_label << ":";
    for (const auto& [predicted, count] : cells) std::cout << " " << predicted << " " << count;
    std::cout << "\n";
  }
}

int RunEvalClassify(const EvalClassifyArgs& args) {
  const core::TopicClassifier* classifier = &*args.loaded;
  auto gold = common::ReadLabelledFile(args.gold, args.labels, args.validation);
  if (!gold) return ReportError("eval classify", gold.error());
  if (gold->empty()) {
    // Zero scores over nothing, with exit code 0, would read as a run that measured something.
    return ReportError("eval classify",
                       Status::InvalidArgument(args.gold + ": no labelled record to score"));
  }

  // A gold label the classifier cannot give would score 0 whatever the classifier did: said
  // once, and left out of the per-topic scores and so of the F1 averages.
  const std::vector<std::string> labels = classifier->topics();
  std::vector<std::pair<std::string, size_t>> unknown;
  for (const core::LabelledText& example : *gold) {
    for (const std::string& topic : example.topics) {
      if (std::ranges::find(labels, topic) != labels.end()) continue;
      auto it = std::ranges::find(unknown, topic, &std::pair<std::string, size_t>::first);
      if (it == unknown.end()) it = unknown.insert(unknown.end(), {topic, 0});
      ++it->second;
    }
  }
  std::string topics;
  for (const std::string& l : labels) topics += (topics.empty() ? "" : ", ") + l;
  for (const auto& [topic, records] : unknown) {
    std::cerr << "headwire eval classify: warning: gold label '" << topic << "' (" << records
              << (records == 1 ? " record" : " records")
              << ") is not a topic the classifier can give (" << topics
              << "): left out of the F1 averages; its records still count against exact match\n";
  }
  core::ClassificationMetrics metrics(labels);
  std::vector<std::string> errors;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < gold->size(); ++i) {
    const core::LabelledText& example = (*gold)[i];
    const core::Classification c = classifier->Classify(example.title, example.body);
    metrics.Add(example.topics, c.topics);
    if (args.list_errors) {
      if (std::string error = DescribeError(i + 1, example, c); !error.empty()) {
        errors.push_back(std::move(error));
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const core::MetricsSummary summary = metrics.Summarise();
  if (args.json) {
    std::cout << ToJson(summary, classifier->Describe()).dump() << "\n";
  } else {
    PrintTable(summary, args, classifier->Describe());
  }
  char speed[160];
  std::snprintf(speed, sizeof(speed),
                "headwire eval classify: classified %zu examples in %.3f s (%.0f per second)\n",
                gold->size(), seconds,
                seconds > 0 ? static_cast<double>(gold->size()) / seconds : 0);
  std::cerr << speed;
  for (const std::string& error : errors) std::cerr << error << "\n";
  return kExitOk;
}

}  // namespace

void RegisterEvalClassifyCommand(CLI::App& eval, int& exit_code) {
  auto args = std::make_shared<EvalClassifyArgs>();
  CLI::App* cmd = AddCheckedSubcommand(
      eval, "classify",
      "Score the topic classifier against gold JSON Lines ({\"title\", \"body\", \"topics\"}): "
      "per-topic precision/recall/F1, micro and macro F1, exact match, accuracy on other.",
      // As for classify: a model whose topics the taxonomy lacks cannot be scored.
      LoadClassifierCheck(args));
  cmd->add_option("--gold", args->gold, "Gold file, or - for stdin")->required();
  cmd->add_option(
      "--labels", args->labels,
      "JSON Lines of {\"id\", \"topics\"}, one per gold record in order, ids matching: the "
      "topics of a gold file without them (data/sample/labels.jsonl, "
      "data/eval/topic_labels.jsonl)");
  AddClassifierOptions(*cmd, args->classifier);
  AddMinEventTimeOption(*cmd, args->validation);
  cmd->add_flag("--json", args->json, "One JSON object instead of the table");
  cmd->add_flag("--list-errors", args->list_errors,
                "Also list on stderr every record whose topics differ from its gold ones, with "
                "the scores of the topics it got wrong");
  cmd->callback([cmd, args, &exit_code] {
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportCheckFailure("eval classify", checked);
      return;
    }
    exit_code = RunEvalClassify(*args);
  });
}

}  // namespace headwire::cli
