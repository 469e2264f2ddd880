#include "common/kafka_config.h"

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

}  // namespace

Result<RdKafkaConfPtr> MakeKafkaConf(
    const KafkaOptions& options, const std::vector<std::pair<std::string, std::string>>& defaults) {
  RdKafkaConfPtr conf(rd_kafka_conf_new());
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
