#include "common/kafka_config.h"

#include <spdlog/spdlog.h>

#include "common/logging.h"

namespace headwire::common {
namespace {

Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    return Status::InvalidArgument("kafka property " + key + "=" + value + ": " + error);
  }
  return Status::Ok();
}

// librdkafka's log lines (syslog levels) into headwire's logger. Called on librdkafka's threads.
void OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  spdlog::level::level_enum to = spdlog::level::debug;
  if (level <= 4) {
    to = spdlog::level::warn;  // librdkafka recovers from what it reports; the watch says more
  } else if (level <= 6) {
    to = spdlog::level::info;
  }
  spdlog::log(to, "msg={} client={} facility={}", Quote(std::string("librdkafka: ") + message),
              rd_kafka_name(rk), facility);
}

}  // namespace

void RouteKafkaLogs(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, &OnLog); }

Result<RdKafkaConfPtr> MakeKafkaConf(
    const KafkaOptions& options, const std::vector<std::pair<std::string, std::string>>& defaults) {
  RdKafkaConfPtr conf(rd_kafka_conf_new());
  RouteKafkaLogs(conf.get());
  if (Status s = Set(conf.get(), "statistics.interval.ms", "1000"); !s.ok()) return Err(s);
  for (const auto& [key, value] : defaults) {
    if (Status s = Set(conf.get(), key, value); !s.ok()) return Err(s);
  }
  if (options.bootstrap.empty()) {
    return Err(Status::InvalidArgument("no bootstrap servers: pass --bootstrap HOST:PORT"));
  }
  if (Status s = Set(conf.get(), "bootstrap.servers", options.bootstrap); !s.ok()) return Err(s);
  for (const auto& property : options.properties) {
    const size_t eq = property.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Err(Status::InvalidArgument("kafka property \"" + property +
                                         "\" is not of the form key=value"));
    }
    if (Status s = Set(conf.get(), property.substr(0, eq), property.substr(eq + 1)); !s.ok()) {
      return Err(s);
    }
  }
  return conf;
}

}  // namespace headwire::common
