#include "cli/cli_support.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/config_file.h"
#include "cli/embedded_data.h"
#include "common/http_address.h"
#include "common/logging.h"
#include "common/time_format.h"
#include "producers/domain_partitioner.h"
#include "producers/time_range.h"

namespace headwire::cli {
namespace {

// Whether StartLogging set up JSON logs: the closing summary or error line is then a JSON event.
bool g_json_logs = false;

constexpr std::string_view kNone = "none";

// --model FILE (env HEADWIRE_MODEL); empty means the compiled-in default, "none" the rules alone.
void AddModelOption(CLI::App& command, std::string& path) {
  command
      .add_option("--model", path,
                  "Topic model file (default: the built-in models/topics-v1.hwm; none: rules "
                  "only)")
      ->envname("HEADWIRE_MODEL");
}

// The topic and the number of "TOPIC=VALUE" when the topic is not empty and all that follows the
// '=' is a number; nothing otherwise. The topic is a view into `spec`.
std::optional<std::pair<std::string_view, double>> SplitTopicValue(std::string_view spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  double value = 0;
  const char* last = spec.data() + spec.size();
  const auto [end, ec] = std::from_chars(spec.data() + eq + 1, last, value);
  if (ec != std::errc() || end != last) return std::nullopt;
  return std::pair{spec.substr(0, eq), value};
}

// "TOPIC=P" with 0 < P <= 1 (as a float: a P too small for one would be a threshold of 0), or why
// not; the topic is checked against the model when it is loaded.
std::string CheckTopicThreshold(const std::string& spec) {
  const auto split = SplitTopicValue(spec);
  if (!split || !(static_cast<float>(split->second) > 0 && split->second <= 1)) {
    return "expected TOPIC=P with 0 < P <= 1, got '" + spec + "'";
  }
  return "";
}

// The most sources a story may name: far more than any story has, and a number a configuration
// file holds (an unbounded size_t, 2^64-1, does not fit a TOML integer).
constexpr int64_t kMaxStorySources = 1'000'000;

// Kafka's longest topic name (its metadata file names take the rest of 255 bytes).
constexpr size_t kMaxTopicNameBytes = 249;

// Whether `text` has only the characters of a Kafka topic name.
bool IsTopicNameText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// Why librdkafka, or headwire, refuses the property "[consumer.|producer.]key=value", or "": so
// that a property no client can take is a usage error (exit 2, and refused by `config check`)
// instead of a failure once the command has started.
std::string CheckKafkaProperty(const std::string& property) {
  if (const size_t eq = property.find('='); eq != std::string::npos) {
    const std::string key = property.substr(0, eq);
    if (std::string why = RefusedSecret(key, property.substr(eq + 1)); !why.empty()) {
      return "kafka property " + key + ": " + why;
    }
  }
  const common::KafkaOptions probe{.bootstrap = "localhost:9092", .properties = {property}};
  // Either kind of client checks every property, scoped or not.
  auto conf = common::MakeKafkaConf(probe, common::KafkaClientKind::kConsumer, {});
  return conf ? std::string() : conf.error().message();
}

}  // namespace

void AddKafkaPropertiesOption(CLI::App& command, std::vector<std::string>& properties) {
  command
      .add_option(
          "-X,--kafka", properties,
          "librdkafka property key=value, applied last (repeatable); a consumer. or producer. "
          "prefix scopes it to that kind of client")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all()
      ->check(CLI::Validator(CheckKafkaProperty, ""));
}

void AddConnectTimeoutOption(CLI::App& command, common::KafkaOptions& kafka) {
  command
      .add_option_function<int>(
          "--connect-timeout-s",
          [&kafka](int s) { kafka.connect_timeout = std::chrono::seconds(s); },
          "Give up after this many seconds without reaching a bootstrap server, or, for a daemon "
          "with --exit-at-end, waiting for its input topic; daemons without --exit-at-end keep "
          "retrying")
      ->default_str(std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(kafka.connect_timeout).count()))
      ->check(CLI::Range(1, 86400));
}

void AddKafkaOptions(CLI::App& command, common::KafkaOptions& kafka) {
  command.add_option("-b,--bootstrap", kafka.bootstrap, "Kafka bootstrap servers, host:port[,...]")
      ->envname("HEADWIRE_BOOTSTRAP")
      ->required();
  AddKafkaPropertiesOption(command, kafka.properties);
  AddConnectTimeoutOption(command, kafka);
}

void AddDaemonOptions(CLI::App& command, common::ConsumerDaemonOptions& consumer,
                      common::DaemonOptions& daemon) {
  AddKafkaOptions(command, consumer.kafka);
  command.add_option("-g,--group", consumer.group_id, "Consumer group")
      ->capture_default_str()
      // librdkafka takes an empty group id, and the broker answers every request of it with an
      // error: the daemon would retry without end, or fail only once it has started.
      ->check(CLI::Validator(
          [](std::string& group) {
            return group.empty() ? std::string("a consumer group id cannot be empty") : "";
          },
          "GROUP"));
  common::ConsumeLoopOptions& loop = consumer.loop;
  command
      .add_option("--admin", daemon.admin,
                  "Serve /metrics, /healthz and /readyz on HOST:PORT (a bare PORT listens on "
                  "127.0.0.1)")
      ->check(HttpListenAddress());
  command
      .add_option("--ready-max-lag", consumer.ready_max_lag,
                  "/readyz fails while a partition lags by more than this many records")
      ->capture_default_str()
      ->check(IntegerAtLeast(0));
  command
      .add_option_function<std::string>(
          "--on-offset-gap",
          [&consumer](const std::string& policy) {
            consumer.offset_gap =
                policy == "skip" ? common::OffsetGapPolicy::kSkip : common::OffsetGapPolicy::kFail;
          },
          "When a partition resumes at an offset the topic no longer holds (retention deleted "
          "records before they were read): fail (stop, naming them) or skip (log and count "
          "them, resume at the partition's first record)")
      ->check(CLI::IsMember({"fail", "skip"}))
      ->default_str("fail");
  command.add_flag("-e,--exit-at-end", loop.exit_at_end,
                   "Exit once caught up with the end of every assigned partition");
  command.add_option("--max-batch", loop.max_batch, "Records per persisted batch at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  command
      .add_option_function<int>(
          "--linger-ms", [&loop](int ms) { loop.linger = std::chrono::milliseconds(ms); },
          "How long a batch that is not full waits for one more record before it is persisted; "
          "while the previous batch's outputs are unacknowledged it stays open longer")
      ->default_str(std::to_string(loop.linger.count()))
      ->check(CLI::Range(0, 60000));
}

void AddTaxonomyOption(CLI::App& command, std::string& path) {
  command
      .add_option("--taxonomy", path,
                  "Taxonomy file of the rules layer (default: the built-in data/taxonomy.toml; "
                  "none: no rules)")
      ->envname("HEADWIRE_TAXONOMY");
}

void AddExactDedupOptions(CLI::App& command, core::ExactDedupOptions& options) {
  command
      .add_option("--url-window-ms", options.url_window_ms,
                  "Same canonical URL (or id) within this event-time distance is a duplicate")
      ->capture_default_str()
      ->check(EventDuration(0));
  command
      .add_option("--content-window-ms", options.content_window_ms,
                  "Same normalised title and body within this distance is a duplicate")
      ->capture_default_str()
      ->check(EventDuration(0));
  command
      .add_option("--forget-after-ms", options.forget_after_ms,
                  "Exact-dedup entries this far behind the watermark are forgotten (and dropped "
                  "from the processor's state)")
      ->capture_default_str()
      ->check(EventDuration(0));
}

std::shared_ptr<const core::BackgroundFrequencies> BuiltInStoryBackground() {
  static const auto background = std::make_shared<const core::BackgroundFrequencies>(
      core::BackgroundFrequencies::FromHeadlines(kBackgroundHeadlines));
  return background;
}

Result<std::shared_ptr<const core::BackgroundFrequencies>> LoadStoryBackground(
    const std::string& path) {
  if (path.empty()) return BuiltInStoryBackground();
  if (path == "none") return std::shared_ptr<const core::BackgroundFrequencies>();
  auto background = core::BackgroundFrequencies::FromFile(path);
  if (!background) return Err(background.error());
  return std::make_shared<const core::BackgroundFrequencies>(*std::move(background));
}

void AddStoryOptions(CLI::App& command, core::RecentArticlesOptions& options) {
  // The built-in background is read only when this subcommand runs, and before its options, so
  // that --story-background (command line or configuration file) replaces it.
  command.preparse_callback([&options](size_t) { options.background = BuiltInStoryBackground(); });
  command.add_option_function<std::string>(
      "--story-background",
      [&options](const std::string& path) {
        auto background = LoadStoryBackground(path);
        if (!background) {
          throw CLI::ValidationError("--story-background", background.error().message());
        }
        options.background = *std::move(background);
      },
      "Headlines, one a line, that the story IDF counts as if they were in the window (default: "
      "the built-in data/background/headlines.txt; none: the window alone)");
  command
      .add_option("--story-background-weight", options.background_weight,
                  "How many window articles one background headline counts as")
      ->capture_default_str()
      ->check(FiniteRange(0.0, 1000.0));
  command
      .add_option("--max-ahead-ms", options.max_ahead_ms,
                  "An article this far ahead of the largest event time seen does not move the "
                  "watermark")
      ->capture_default_str()
      ->check(EventDuration(1));
  command
      .add_option("--near-window-ms", options.near_duplicate_window_ms,
                  "Near duplicates are at most this far apart in event time")
      ->capture_default_str()
      ->check(EventDuration(0));
  command
      .add_option("--story-threshold", options.story_threshold,
                  "Least story score (closest member's TF-IDF cosine plus support) to join a story")
      ->capture_default_str()
      ->check(FiniteRange(0.0, 1.0));
  command
      .add_option("--story-name-threshold", options.story_name_threshold,
                  "Least story score when a name of the article's title is a member's term")
      ->capture_default_str()
      ->check(FiniteRange(0.0, 1.0));
  command
      .add_option("--story-support-weight", options.story_support_weight,
                  "Weight of the 2nd (and squared, 3rd) closest member in the story score")
      ->capture_default_str()
      ->check(FiniteRange(0.0, 1.0));
  command
      .add_option("--story-agreement", options.story_agreement,
                  "Share of a story's members that must resemble the article for its full score")
      ->capture_default_str()
      ->check(FiniteRange(0.0, 1.0));
  command
      .add_option("--story-member-floor", options.story_member_floor,
                  "Members below this fraction of --story-threshold neither score nor veto")
      ->capture_default_str()
      ->check(FiniteRange(0.0, 1.0));
  command
      .add_option("--story-quiet-ms", options.story_quiet_ms,
                  "A story with no new article for this long (event time) is closed")
      ->capture_default_str()
      ->check(EventDuration(0));
  command
      .add_option("--story-member-window-ms", options.story_member_window_ms,
                  "Compare an article only with story members this close in event time")
      ->capture_default_str()
      ->check(EventDuration(0));
  command
      .add_option("--retention-ms", options.retention_ms,
                  "How long an article stays in the near-dup/story window behind the watermark")
      ->capture_default_str()
      ->check(EventDuration(0));
  command
      .add_option("--max-articles", options.max_articles,
                  "Most articles the near-dup/story window holds (bounds memory)")
      ->capture_default_str()
      ->check(IntegerAtLeast(1));
  AddMebibyteOption(command, "--window-budget-mib", options.max_window_bytes,
                    "Most memory the near-dup/story window may take, in MiB, by its own count of "
                    "what it holds; the oldest articles leave first (0: no limit but "
                    "--max-articles)",
                    0);
}

CLI::Validator HttpListenAddress() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto address = common::ParseHttpAddress(text);
        return address ? std::string() : address.error().message();
      },
      "HOST:PORT");
}

CLI::Validator DomainKeyField() {
  return CLI::Validator(
      [](std::string& field) -> std::string {
        // The partition count plays no part in whether the field can be a domain key.
        auto partitioner = producers::DomainPartitioner::Create(field, 1);
        return partitioner ? std::string() : partitioner.error().message();
      },
      "");
}

CLI::Validator EventDuration(int64_t min, int64_t unit_ms) {
  // 200 years: longer than the whole accepted event-time range (1990 to 2100), and short enough
  // that an event time plus it cannot overflow.
  constexpr int64_t kMaxMs = int64_t{200} * 36525 * 24 * 3600 * 10;
  return CLI::Range(min, kMaxMs / unit_ms);
}

void AddIngestTimeOption(CLI::App& command, std::optional<int64_t>& ingest_time_ms) {
  command.add_option_function<std::string>(
      "--ingest-time",
      [&ingest_time_ms](const std::string& text) {
        auto ms = common::ParseRfc3339(text);
        if (!ms) throw CLI::ValidationError("--ingest-time", ms.error().message());
        // An event time of 0 means "none" on the wire.
        if (*ms == 0) throw CLI::ValidationError("--ingest-time", "the epoch itself is not a time");
        ingest_time_ms = *ms;
      },
      "RFC 3339 time to stamp as ingestion time instead of the clock; it is also the event time "
      "of records without published_at, so fixing it makes such runs reproducible");
}

Status CheckIngestTimeAccepted(const std::optional<int64_t>& ingest_time_ms,
                               const core::ValidationOptions& validation) {
  if (!ingest_time_ms) return Status::Ok();
  const int64_t ms = *ingest_time_ms;
  if (core::IsAcceptedEventTime(ms, validation)) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "--ingest-time " + common::FormatRfc3339(ms) + " is outside the accepted event times (" +
      common::FormatRfc3339(validation.min_event_time_ms) + " to before " +
      common::FormatRfc3339(validation.max_event_time_ms) +
      ", the start set by --min-event-time): it is the event time of every record without "
      "published_at, so each such record would be rejected as bad_event_time");
}

void AddMinEventTimeOption(CLI::App& command, core::ValidationOptions& validation) {
  command.add_option_function<std::string>(
      "--min-event-time",
      [&validation](const std::string& text) {
        auto ms = producers::ParseTimeBound(text);
        if (!ms) throw CLI::ValidationError("--min-event-time", ms.error().message());
        if (*ms >= validation.max_event_time_ms) {
          throw CLI::ValidationError(
              "--min-event-time",
              "must be before " + common::FormatRfc3339(validation.max_event_time_ms));
        }
        validation.min_event_time_ms = *ms;
      },
      "Earliest event time accepted (RFC 3339 or epoch ms); an older record is rejected as "
      "bad_event_time. Default: 1990-01-01T00:00:00Z, which catches epoch seconds written as "
      "milliseconds (January 1970); lower it for older streams, such as Reuters-21578 (1987). "
      "Every stage that reads the stream needs the same bound");
}

void AddSinkStateOptions(CLI::App& command, const std::string& prefix, SinkStateArgs& args,
                         sinks::StoreOptions& store) {
  command
      .add_option("--" + prefix + "max-out-of-order-s", args.out_of_order_s,
                  "Allowed out-of-orderness of event times within a partition, seconds")
      ->capture_default_str()
      ->check(EventDuration(0, 1000));
  command
      .add_option("--" + prefix + "grace-s", args.grace_s,
                  "Allowed lateness after the watermark before a record is late, seconds")
      ->capture_default_str()
      ->check(EventDuration(0, 1000));
  command
      .add_option("--" + prefix + "max-ahead-ms", store.watermark.max_ahead_ms,
                  "A record this far ahead of its partition's largest event time is rejected "
                  "and does not move the watermark, ms")
      ->capture_default_str()
      ->check(EventDuration(1));
  command
      .add_option("--" + prefix + "retention-h", args.retention_h,
                  "Event time that state is kept behind the watermark, hours")
      ->capture_default_str()
      ->check(EventDuration(1, 3'600'000));
  command
      .add_option("--" + prefix + "close-after-h", args.close_after_h,
                  "A story with no member for this long (event time) is closed, hours")
      ->capture_default_str()
      ->check(EventDuration(1, 3'600'000));
  command
      .add_option("--" + prefix + "max-story-sources", store.max_story_sources,
                  "Most sources a story names (the first in byte order); the members of its "
                  "other sources are counted together")
      ->capture_default_str()
      ->check(IntegerRange(0, kMaxStorySources));
}

Status CheckSinkStateArgs(const SinkStateArgs& args, const std::string& prefix) {
  if (args.retention_h * 3600 <= args.grace_s + args.out_of_order_s) {
    return Status::InvalidArgument("--" + prefix + "retention-h must exceed --" + prefix +
                                   "grace-s plus --" + prefix + "max-out-of-order-s");
  }
  return Status::Ok();
}

void ApplySinkStateArgs(const SinkStateArgs& args, sinks::StoreOptions& store) {
  store.watermark.max_out_of_order_ms = args.out_of_order_s * 1000;
  store.watermark.grace_ms = args.grace_s * 1000;
  store.retention_ms = args.retention_h * 3600 * 1000;
  store.stories.close_after_ms = args.close_after_h * 3600 * 1000;
}

CLI::Validator IntegerAtLeast(int64_t min) {
  // As CLI11 names its own validators in --help: "UINT:POSITIVE".
  CLI::Validator validator = IntegerRange(min, std::numeric_limits<int64_t>::max());
  validator.description(min == 0   ? "NONNEGATIVE"
                        : min == 1 ? "POSITIVE"
                                   : "AT LEAST " + std::to_string(min));
  return validator;
}

CLI::Validator IntegerRange(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        int64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool out_of_range = ec == std::errc::result_out_of_range;
        if (end != text.data() + text.size() || (ec != std::errc() && !out_of_range)) {
          return "Value " + text + " is not an integer";
        }
        if (out_of_range ? text.starts_with('-') : value < min) {
          return "Value " + text + " must be at least " + std::to_string(min);
        }
        if (out_of_range || value > max) {
          return "Value " + text + " must be at most " + std::to_string(max);
        }
        return std::string();
      },
      "INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

CLI::Validator KafkaTopicName(bool empty_ok) {
  return CLI::Validator(
      [empty_ok](std::string& name) -> std::string {
        if (name.empty()) return empty_ok ? "" : "a topic name cannot be empty";
        if (name == "." || name == "..") return "a topic cannot be named \"" + name + "\"";
        if (name.size() > kMaxTopicNameBytes) {
          return "a topic name has at most " + std::to_string(kMaxTopicNameBytes) +
                 " characters, not " + std::to_string(name.size());
        }
        if (!IsTopicNameText(name)) {
          return "a topic name has only the characters a-z, A-Z, 0-9, '.', '_' and '-': \"" + name +
                 "\"";
        }
        return "";
      },
      "TOPIC");
}

CLI::Validator KafkaTopicPrefix() {
  return CLI::Validator(
      [](std::string& prefix) -> std::string {
        // Room for a topic of a few characters after it.
        constexpr size_t kMaxPrefixBytes = kMaxTopicNameBytes - 32;
        if (prefix.size() > kMaxPrefixBytes) {
          return "a topic prefix has at most " + std::to_string(kMaxPrefixBytes) + " characters";
        }
        if (!IsTopicNameText(prefix)) {
          return "a topic prefix has only the characters a-z, A-Z, 0-9, '.', '_' and '-': \"" +
                 prefix + "\"";
        }
        return "";
      },
      "PREFIX");
}

Status CheckNotInputTopic(std::string_view output_flag, std::string_view output,
                          std::string_view input_flag, std::string_view input) {
  if (output != input) return Status::Ok();
  return Status::InvalidArgument(std::string(output_flag) + " must not be the input topic " +
                                 std::string(input_flag) + " (" + std::string(input) +
                                 "): what it writes there would be consumed again without end");
}

CLI::Validator FiniteRange(double min, double max) {
  std::ostringstream description;
  description << "FLOAT in [" << min << " - " << max << "]";
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        double value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
          return "Value " + text + " is not a number";
        }
        if (value < min || value > max) {
          std::ostringstream range;
          range << "Value " << text << " not in range [" << min << " - " << max << "]";
          return range.str();
        }
        return std::string();
      },
      description.str());
}

CLI::Option* AddMebibyteOption(CLI::App& command, const std::string& name, size_t& bytes,
                               const std::string& help, size_t min_mib) {
  return command
      .add_option_function<size_t>(
          name, [&bytes](size_t mib) { bytes = mib << 20; }, help)
      ->default_str(std::to_string(bytes >> 20))
      ->check(CLI::Range(min_mib, size_t{1} << 20));
}

void AddForceFactorOption(CLI::App& command, core::TopicClassifierOptions& options) {
  command
      .add_option("--force-factor", options.force_factor,
                  "The rules force a topic at this many times its threshold (0: never)")
      ->capture_default_str()
      ->check(FiniteRange(0.0, 100.0));
}

void AddClassifierOptions(CLI::App& command, ClassifierChoice& choice) {
  AddTaxonomyOption(command, choice.taxonomy);
  AddModelOption(command, choice.model);
  AddForceFactorOption(command, choice.options);
  command
      .add_option("--topic-threshold", choice.thresholds,
                  "TOPIC=P: the model assigns TOPIC from probability P on, instead of its "
                  "calibrated threshold (repeatable)")
      ->type_name("TOPIC=P")
      ->allow_extra_args(false)
      ->check(CLI::Validator(CheckTopicThreshold, ""));
}

Result<std::pair<size_t, double>> ParseTopicValue(const core::LinearModel& model,
                                                  std::string_view spec, std::string_view flag,
                                                  std::string_view value_name) {
  const auto split = SplitTopicValue(spec);
  const int label = split ? model.LabelIndex(split->first) : -1;
  if (label < 0) {
    std::string topics;
    for (const core::ModelLabel& l : model.labels())
      topics += (topics.empty() ? "" : ", ") + l.name;
    return Err(Status::InvalidArgument(
        std::string(flag) + ": expected TOPIC=" + std::string(value_name) +
        " with a topic of the model (" + topics + "), got '" + std::string(spec) + "'"));
  }
  return std::pair<size_t, double>{static_cast<size_t>(label), split->second};
}

Result<core::Taxonomy> LoadTaxonomy(const std::string& path) {
  return path.empty() ? core::Taxonomy::FromString(kDefaultTaxonomy, "built-in taxonomy")
                      : core::Taxonomy::FromFile(path);
}

Result<core::RulesClassifier> LoadRules(const std::string& path) {
  auto taxonomy = LoadTaxonomy(path);
  if (!taxonomy) return Err(taxonomy.error());
  return core::RulesClassifier(std::move(*taxonomy));
}

Result<core::TopicClassifier> LoadClassifier(const ClassifierChoice& choice) {
  if (choice.taxonomy == kNone && choice.model == kNone) {
    return Err(Status::InvalidArgument("--taxonomy none and --model none leave no classifier"));
  }
  std::optional<core::RulesClassifier> rules;
  if (choice.taxonomy != kNone) {
    auto loaded = LoadRules(choice.taxonomy);
    if (!loaded) return Err(loaded.error());
    rules.emplace(std::move(*loaded));
  }
  std::optional<core::LinearModel> model;
  if (choice.model != kNone) {
    auto loaded = choice.model.empty()
                      ? core::LinearModel::Deserialize(DefaultModelBytes(), "built-in model")
                      : core::LinearModel::FromFile(choice.model);
    if (!loaded) return Err(loaded.error());
    model.emplace(std::move(*loaded));
  }
  if (model && rules) {
    // A classifier with a taxonomy reports the taxonomy's topics only: a label of the model that
    // the taxonomy lacks would be dropped from every verdict, unseen. train refuses the same.
    const std::vector<std::string>& topics = rules->taxonomy().topic_names();
    for (const core::ModelLabel& label : model->labels()) {
      if (std::ranges::find(topics, label.name) != topics.end()) continue;
      return Err(Status::InvalidArgument(
          "model label '" + label.name + "' is not a topic of taxonomy '" +
          rules->taxonomy().name() + "' (" +
          (choice.taxonomy.empty() ? std::string("the built-in data/taxonomy.toml")
                                   : choice.taxonomy) +
          "), so the classifier could never report it: give --taxonomy the file the model was "
          "trained with"));
    }
  }
  if (!choice.thresholds.empty()) {
    if (!model || model->loss() != core::LossKind::kOneVsRest) {
      return Err(Status::InvalidArgument(
          "--topic-threshold needs a one-vs-rest model (a softmax model has no thresholds, the "
          "rules alone have their taxonomy's)"));
    }
    core::TopicClassifierOptions options = choice.options;
    for (const std::string& spec : choice.thresholds) {
      auto parsed = ParseTopicValue(*model, spec, "--topic-threshold", "P");
      if (!parsed) return Err(parsed.error());
      const auto [label, threshold] = *parsed;
      if (!options.thresholds.emplace(model->labels()[label].name, static_cast<float>(threshold))
               .second) {
        return Err(Status::InvalidArgument("--topic-threshold: " + model->labels()[label].name +
                                           " is given twice"));
      }
    }
    return core::TopicClassifier(std::move(model), std::move(rules), std::move(options));
  }
  return core::TopicClassifier(std::move(model), std::move(rules), choice.options);
}

int ReportError(std::string_view command, const Status& status) {
  if (g_json_logs) {
    common::LogRegardlessOfLevel(common::EventLevel::kError,
                                 "msg=\"error\" error=" + common::Quote(status.ToString()));
  } else {
    std::cerr << "headwire " << command << ": error: " << status.ToString() << "\n";
  }
  return kExitFailure;
}

void ReportSummary(std::string_view command, std::string_view text) {
  if (g_json_logs) {
    common::LogRegardlessOfLevel(common::EventLevel::kInfo,
                                 "msg=\"summary\" text=" + common::Quote(text));
  } else {
    std::cerr << "headwire " << command << ": " << text << "\n";
  }
}

int ReportUsageError(std::string_view command, const Status& status) {
  ReportError(command, status);
  return kExitUsage;
}

int ReportCheckFailure(std::string_view command, const Status& status) {
  return status.code() == StatusCode::kInvalidArgument ? ReportUsageError(command, status)
                                                       : ReportError(command, status);
}

std::string& ProgramPath() {
  static std::string path = "headwire";
  return path;
}

std::string& LogLevel() {
  static std::string level = "info";
  return level;
}

std::string& LogFormatName() {
  static std::string format = "logfmt";
  return format;
}

void StartLogging(std::string_view stage) {
  const auto format = common::ParseLogFormat(LogFormatName()).value_or(common::LogFormat::kLogfmt);
  common::InitLogging(stage, LogLevel(), format);
  g_json_logs = format == common::LogFormat::kJson;
}

}  // namespace headwire::cli
