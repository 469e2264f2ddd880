// `headwire train`: fits the topic model to a labelled JSON Lines file, calibrates its
// thresholds on a dev file (with the rules layer in the loop, as the classifier will run) and
// writes the model file. Progress goes to stderr; the same data, options and seed give the
// same file byte for byte.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/cli_support.h"
#include "cli/command_line_check.h"
#include "cli/commands.h"
#include "common/labelled_json.h"
#include "core/model_trainer.h"
#include "core/threshold_calibration.h"
#include "core/topic_classifier.h"

namespace headwire::cli {
namespace {

struct TrainArgs {
  std::string data;
  std::string dev;
  std::string out;
  std::string taxonomy;  // the rules layer used while calibrating
  std::string loss = "ovr";
  core::TopicClassifierOptions combination;  // how the classifier will combine model and rules
  core::CalibrationOptions calibration;
  std::vector<std::string> topic_betas;  // "topic=beta": that topic's F-beta for calibration
  core::ValidationOptions validation;    // the event times the training and dev records may have
  bool rule_features = true;
  core::TrainOptions options;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Sets each one-vs-rest threshold to the one with the best F-beta on `dev`, judged on the decisions
// of the full classifier (so a topic the rules force or veto is judged as it will be).
Status Calibrate(core::LinearModel& model, const std::vector<core::LabelledText>& dev,
                 std::optional<core::RulesClassifier> rules,
                 const core::TopicClassifierOptions& combination,
                 const core::CalibrationOptions& calibration,
                 const std::vector<std::string>& topic_betas) {
  std::vector<core::CalibrationOptions> options(model.labels().size(), calibration);
  for (const std::string& spec : topic_betas) {
    auto parsed = ParseTopicValue(model, spec, "--topic-threshold-beta", "BETA");
    if (!parsed) return parsed.error();
    if (!(parsed->second > 0)) {
      return Status::InvalidArgument("--topic-threshold-beta: BETA must be > 0, got '" + spec +
                                     "'");
    }
    options[parsed->first].beta = parsed->second;
  }
  const core::TopicClassifier classifier(model, std::move(rules), combination);
  const size_t n = model.labels().size();
  std::vector<std::vector<core::CalibrationPoint>> points(n);
  for (const core::LabelledText& example : dev) {
    for (const core::TopicDecision& d : classifier.Decide(example.title, example.body)) {
      const int label = model.LabelIndex(d.topic);
      if (label < 0) continue;
      const bool gold = std::ranges::find(example.topics, d.topic) != example.topics.end();
      points[static_cast<size_t>(label)].push_back({d.probability, gold, d.override});
    }
  }
  std::vector<float> thresholds(n);
  for (size_t l = 0; l < n; ++l) thresholds[l] = core::CalibrateThreshold(points[l], options[l]);
  model.SetThresholds(thresholds);
  return Status::Ok();
}

// InvalidArgument naming the first label the model would learn (`labels`, else the topics of
// `data` in order of appearance) that `taxonomy` (read from `path`, empty = the built-in one) does
// not have. A classifier with a taxonomy reports the taxonomy's topics only, so calibration would
// skip such a label (its threshold staying 0.5) and the model, used with the taxonomy its rule
// features came from, could never report it.
Status CheckLabelsInTaxonomy(const std::vector<std::string>& labels,
                             const std::vector<core::LabelledText>& data,
                             const core::Taxonomy& taxonomy, const std::string& path) {
  const std::vector<std::string>& topics = taxonomy.topic_names();
  auto check = [&](const std::string& label) {
    if (std::ranges::find(topics, label) != topics.end()) return Status::Ok();
    return Status::InvalidArgument(
        "label '" + label + "' is not a topic of taxonomy '" + taxonomy.name() + "' (" +
        (path.empty() ? std::string("the built-in data/taxonomy.toml") : path) +
        "), so the classifier could never report it: give --taxonomy a copy of the taxonomy with "
        "the topic added, or --taxonomy none");
  };
  for (const std::string& label : labels) {
    if (Status s = check(label); !s.ok()) return s;
  }
  if (!labels.empty()) return Status::Ok();
  for (const core::LabelledText& example : data) {
    for (const std::string& topic : example.topics) {
      if (Status s = check(topic); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

int RunTrain(TrainArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  if (args.loss == "softmax") {
    args.options.loss = core::LossKind::kSoftmax;
  } else if (args.loss != "ovr") {
    return ReportError("train", Status::InvalidArgument("--loss must be ovr or softmax"));
  }
  if (args.options.model_name.empty()) {
    args.options.model_name = std::filesystem::path(args.out).stem().string();
  }
  // The rules are read once: their verdicts are features of the model (unless --taxonomy none or
  // --no-rule-features), and calibration judges thresholds with them in the loop.
  const bool calibrates = !args.dev.empty() && args.options.loss == core::LossKind::kOneVsRest;
  std::optional<core::RulesClassifier> rules;
  if (args.taxonomy != "none" && (args.rule_features || calibrates)) {
    auto loaded = LoadRules(args.taxonomy);
    if (!loaded) return ReportError("train", loaded.error());
    rules.emplace(std::move(*loaded));
    if (args.rule_features) args.options.rules = &*rules;
  }
  auto data = common::ReadLabelledFile(args.data, "", args.validation);
  if (!data) return ReportError("train", data.error());
  std::cerr << "headwire train: " << data->size() << " examples from " << args.data << "\n";
  if (rules) {
    // Checked before training, which may take minutes.
    if (const Status s =
            CheckLabelsInTaxonomy(args.options.labels, *data, rules->taxonomy(), args.taxonomy);
        !s.ok()) {
      return ReportError("train", s);
    }
  }

  auto model = core::TrainModel(*data, args.options, [&](const core::EpochReport& r) {
    char line[128];
    std::snprintf(line, sizeof(line), "headwire train: epoch %d/%d  loss %.4f  %.1f s\n", r.epoch,
                  r.epochs, r.mean_loss, SecondsSince(start));
    std::cerr << line;
  });
  if (!model) return ReportError("train", model.error());

  if (calibrates) {
    auto dev = common::ReadLabelledFile(args.dev, "", args.validation);
    if (!dev) return ReportError("train", dev.error());
    args.options.rules = nullptr;  // the rules move into the classifier that calibrates
    if (const Status s = Calibrate(*model, *dev, std::move(rules), args.combination,
                                   args.calibration, args.topic_betas);
        !s.ok()) {
      return ReportError("train", s);
    }
    std::cerr << "headwire train: thresholds calibrated on " << dev->size() << " dev examples:";
    for (const core::ModelLabel& label : model->labels()) {
      char item[96];
      std::snprintf(item, sizeof(item), " %s %.2f", label.name.c_str(), label.threshold);
      std::cerr << item;
    }
    std::cerr << "\n";
  }
  if (const Status s = model->Save(args.out); !s.ok()) return ReportError("train", s);
  char done[256];
  std::snprintf(done, sizeof(done),
                "headwire train: wrote %s (%zu bytes, %zu weight rows) in %.2f s\n",
                args.out.c_str(), static_cast<size_t>(std::filesystem::file_size(args.out)),
                model->NonZeroRows(), SecondsSince(start));
  std::cerr << done;
  return kExitOk;
}

}  // namespace

void RegisterTrainCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TrainArgs>();
  core::TrainOptions& o = args->options;
  o.model_name.clear();
  // The options are checked before anything is read, so that an unusable command line is a
  // usage error (exit 2, and `config check -- train ...` finds it), not a failed run.
  CLI::App* cmd = AddCheckedSubcommand(
      app, "train",
      "Train the topic model on labelled JSON Lines ({\"title\", \"body\", \"topics\": [...]}) "
      "and calibrate its thresholds on a dev file.",
      [args](const CLI::App&) {
        if (args->loss != "ovr" && args->loss != "softmax") {
          return Status::InvalidArgument("--loss must be ovr or softmax");
        }
        // A softmax model picks its most probable label and has no thresholds: a dev file would
        // be read for nothing, and leaving it unread let a wrong path pass unnoticed.
        if (args->loss == "softmax" && !args->dev.empty()) {
          return Status::InvalidArgument(
              "--dev calibrates one-vs-rest thresholds; a softmax model (--loss softmax) has none");
        }
        if (args->data == "-" && args->dev == "-") {
          return Status::InvalidArgument("--data and --dev cannot both be - (standard input)");
        }
        return args->options.Validate();
      });
  cmd->add_option("--data", args->data, "Training file, or - for stdin")->required();
  cmd->add_option("--out", args->out, "Model file to write")->required();
  cmd->add_option(
      "--dev", args->dev,
      "Dev file, or - for stdin: calibrates the per-topic thresholds (--loss ovr only)");
  AddMinEventTimeOption(*cmd, args->validation);
  AddTaxonomyOption(*cmd, args->taxonomy);
  AddForceFactorOption(*cmd, args->combination);
  cmd->add_option("--name", o.model_name, "Name recorded in the model (default: file stem)");
  cmd->add_option("--labels", o.labels,
                  "Labels in model order (default: as they first appear in the data)")
      ->delimiter(',');
  cmd->add_option("--loss", args->loss, "ovr (multi-label) or softmax (one label per example)")
      ->capture_default_str();
  cmd->add_option("--epochs", o.epochs, "Passes over the data")->capture_default_str();
  cmd->add_option("--lr", o.learning_rate, "AdaGrad learning rate")->capture_default_str();
  cmd->add_option("--l2", o.l2, "L2 penalty")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of the example order")->capture_default_str();
  cmd->add_option("--bucket-bits", o.features.bucket_bits, "log2 of the hash buckets")
      ->capture_default_str();
  cmd->add_option("--minn", o.features.min_char_ngram, "Shortest character n-gram (0: none)")
      ->capture_default_str();
  cmd->add_option("--maxn", o.features.max_char_ngram, "Longest character n-gram (0: none)")
      ->capture_default_str();
  cmd->add_flag("!--no-bigrams", o.features.word_bigrams, "No word bigram features");
  cmd->add_flag("!--no-body", o.features.use_body, "Ignore the body");
  cmd->add_option("--max-body-words", o.features.max_body_words,
                  "Only the body's first N words give features (0: the whole body)")
      ->capture_default_str();
  cmd->add_flag("!--no-rule-features", args->rule_features,
                "Do not give the model the rules' verdicts as features");
  cmd->add_option("--threshold-beta", args->calibration.beta,
                  "Calibrate thresholds for F-beta on dev (below 1 favours precision)")
      ->capture_default_str();
  cmd->add_option("--topic-threshold-beta", args->topic_betas,
                  "TOPIC=BETA: this topic's F-beta for calibration instead of --threshold-beta "
                  "(repeatable)");
  cmd->add_option("--rule-feature-copies", o.rule_feature_copies,
                  "Weight of the rules' verdicts as features, in copies of a word feature")
      ->capture_default_str();
  cmd->add_option(
         "--group-cap", o.group_cap,
         "Scale the loss of a text of a \"group\" of n texts by min(1, CAP/n) (0: no scaling)")
      ->capture_default_str();
  cmd->callback([cmd, args, &exit_code] {
    if (Status checked = CheckCommandLine(*cmd); !checked.ok()) {
      exit_code = ReportUsageError("train", checked);
      return;
    }
    exit_code = RunTrain(*args);
  });
}

}  // namespace headwire::cli
