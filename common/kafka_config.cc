#include "common/kafka_config.h"

#include <spdlog/spdlog.h>

#include <string_view>

#include "common/logging.h"

namespace headwire::common {
namespace {

// Whether `reason` holds `value` anywhere but inside an occurrence of the key's own name (a
// reason names the key, and "protocol" is in "security.protocol").
bool HoldsValue(std::string_view reason, std::string_view key, std::string_view value) {
  for (size_t at = reason.find(value); at != std::string_view::npos;
       at = reason.find(value, at + 1)) {
    const size_t end = at + value.size();
    bool inside_key = false;
    for (size_t start = end > key.size() ? end - key.size() : 0; start <= at && !key.empty();
         ++start) {
      if (reason.substr(start).starts_with(key)) inside_key = true;
    }
    if (!inside_key) return true;
  }
  return false;
}

// `reason` with every double-quoted part but the key's name masked: librdkafka quotes the part
// of a value it refuses, which may be a piece of a secret ("hunter2" of "debug=hunter2,all").
std::string WithQuotesMasked(std::string_view reason, std::string_view key) {
  std::string out;
  for (size_t open = reason.find('"'); open != std::string_view::npos; open = reason.find('"')) {
    const size_t close = reason.find('"', open + 1);
    if (close == std::string_view::npos) break;
    const std::string_view quoted = reason.substr(open + 1, close - open - 1);
    out.append(reason.substr(0, open + 1)).append(quoted == key ? quoted : "*****").append("\"");
    reason.remove_prefix(close + 1);
  }
  return out.append(reason);
}

// librdkafka's reason, or a placeholder when it holds the value: some reasons quote the value
// ("Invalid value \"x\" for configuration property ..."). Cutting the value out instead would
// mangle every word that merely holds a short value ("s" in "supported") and hint at it. What it
// quotes of the value is masked (WithQuotesMasked).
std::string ReasonWithoutValue(std::string_view reason, std::string_view key,
                               std::string_view value) {
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
    reason.remove_suffix(1);
  if (!value.empty() && HoldsValue(reason, key, value)) {
    return "(librdkafka's reason not shown: it contains the value)";
  }
  return WithQuotesMasked(reason, key);
}

// Whether `value` is a decimal integer outside librdkafka's int (32 bits), which librdkafka reads
// with atoi: "4294967396" would be taken as 100, and a value out of range be named as another.
bool BeyondLibrdkafkaInt(std::string_view value) {
  std::string_view digits = value;
  if (digits.starts_with('-') || digits.starts_with('+')) digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return false;
  digits.remove_prefix(first);
  const std::string_view limit = value.starts_with('-') ? "2147483648" : "2147483647";
  return digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit);
}

// Whether librdkafka keeps `value` of `key` as something else: an integer property it wrapped.
// A string property keeps the text as it is.
bool WrappedByLibrdkafka(const std::string& key, const std::string& value) {
  RdKafkaConfPtr scratch(rd_kafka_conf_new());
  char error[512];
  if (rd_kafka_conf_set(scratch.get(), key.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    return true;
  }
  char kept[512];
  size_t size = sizeof kept;
  return rd_kafka_conf_get(scratch.get(), key.c_str(), kept, &size) != RD_KAFKA_CONF_OK ||
         value != kept;
}

// `name` is the property as the user wrote its key (with a scope); the error names it and gives
// librdkafka's reason, never the value, whatever the key: a misspelt "sasl.passwrd" holds a
// password all the same.
Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value,
           std::string_view name = {}) {
  const std::string shown(name.empty() ? std::string_view(key) : name);
  if (BeyondLibrdkafkaInt(value) && WrappedByLibrdkafka(key, value)) {
    return Status::InvalidArgument(
        "kafka property " + shown +
        ": the value is beyond the integers librdkafka takes (-2147483648 to 2147483647)");
  }
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    return Status::InvalidArgument("kafka property " + shown + ": " +
                                   ReasonWithoutValue(error, key, value));
  }
  return Status::Ok();
}

// librdkafka's log lines (syslog levels) into headwire's logger. Called on librdkafka's threads.
void OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  if (CommitFailedInRebalance(facility, message)) {
    spdlog::info(
        "msg=\"offset commit refused during a rebalance; harmless, the state holds the offsets and "
        "the next commit catches up\" client={} facility={} detail={}",
        rd_kafka_name(rk), facility, Quote(message));
    return;
  }
  spdlog::level::level_enum to = spdlog::level::debug;
  if (level <= 4) {
    to = spdlog::level::warn;  // librdkafka recovers from what it reports; the watch says more
  } else if (level <= 6) {
    to = spdlog::level::info;
  }
  spdlog::log(to, "msg={} client={} facility={}", Quote(std::string("librdkafka: ") + message),
              rd_kafka_name(rk), facility);
}

// Set by headwire for every client; ConnectivityWatch and the Kafka metrics depend on it.
constexpr std::string_view kStatisticsInterval = "statistics.interval.ms";

// The prefixes that scope a property to one kind of client.
constexpr std::pair<std::string_view, KafkaClientKind> kScopes[] = {
    {"consumer.", KafkaClientKind::kConsumer},
    {"producer.", KafkaClientKind::kProducer},
};

}  // namespace

bool CommitFailedInRebalance(std::string_view facility, std::string_view message) {
  if (facility != "COMMITFAIL") return false;
  for (const rd_kafka_resp_err_t err :
       {RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION}) {
    if (message.find(rd_kafka_err2str(err)) != std::string_view::npos) return true;
  }
  return false;
}

void RouteKafkaLogs(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, &OnLog); }

Result<RdKafkaConfPtr> MakeKafkaConf(
    const KafkaOptions& options, KafkaClientKind kind,
    const std::vector<std::pair<std::string, std::string>>& defaults) {
  RdKafkaConfPtr conf(rd_kafka_conf_new());
  RouteKafkaLogs(conf.get());
  if (Status s = Set(conf.get(), std::string(kStatisticsInterval), "1000"); !s.ok()) return Err(s);
  for (const auto& [key, value] : defaults) {
    if (Status s = Set(conf.get(), key, value); !s.ok()) return Err(s);
  }
  if (options.bootstrap.empty()) {
    return Err(Status::InvalidArgument("no bootstrap servers: pass --bootstrap HOST:PORT"));
  }
  if (Status s = Set(conf.get(), "bootstrap.servers", options.bootstrap); !s.ok()) return Err(s);
  for (const auto& property : options.properties) {
    const size_t eq = property.find('=');
    std::string_view key = std::string_view(property).substr(0, eq == std::string::npos ? 0 : eq);
    bool applies = true;
    for (const auto& [prefix, kind_of_prefix] : kScopes) {
      if (key.starts_with(prefix)) {
        key.remove_prefix(prefix.size());
        applies = kind_of_prefix == kind;
        break;
      }
    }
    // What the user wrote before the "=": the value is never shown.
    const std::string name = property.substr(0, eq);
    if (key.empty()) {
      return Err(Status::InvalidArgument("kafka property \"" + name +
                                         (eq == std::string::npos ? "" : "=...") +
                                         "\" is not of the form [consumer.|producer.]key=value"));
    }
    if (key == kStatisticsInterval) {
      return Err(Status::InvalidArgument(
          "kafka property " + name + ": headwire sets " + std::string(kStatisticsInterval) +
          " itself (1000): the statistics tell it whether the brokers are reachable (/readyz, "
          "--connect-timeout-s) and feed the Kafka metrics"));
    }
    // A property for the other kind of client is still checked, on a scratch configuration, so
    // that a typo in it is an error on every command, not only on those that build that client.
    RdKafkaConfPtr scratch(applies ? nullptr : rd_kafka_conf_new());
    if (Status s = Set(applies ? conf.get() : scratch.get(), std::string(key),
                       property.substr(eq + 1), name);
        !s.ok()) {
      return Err(s);
    }
  }
  return conf;
}

}  // namespace headwire::common
