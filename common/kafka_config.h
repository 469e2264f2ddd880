#pragma once
// Kafka client configuration shared by every daemon: the bootstrap servers plus the user's
// librdkafka properties ("-X key=value" on the command line; the [kafka] and [SUBCOMMAND.kafka]
// tables of the config file, cli/config_file.h). Properties are applied after headwire's
// defaults, so a user can override any but statistics.interval.ms, which headwire needs. A key
// prefixed "consumer." or "producer." reaches only the clients of that kind, without the prefix
// (as in Kafka Streams), so a daemon that both consumes and produces takes a setting of one side
// without librdkafka warning that the other side ignores it; librdkafka checks it either way.
// Every client built from it logs through headwire's logger (common/logging.h: librdkafka's lines
// become `msg="librdkafka: ..." client=... facility=...`) and emits statistics once a second, which
// the clients use to tell whether the bootstrap servers are reachable
// (common/kafka_connectivity.h).

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace headwire::common {

struct KafkaOptions {
  // bootstrap.servers: "host:port[,host:port]". Required.
  std::string bootstrap;
  // librdkafka properties as "key=value", "consumer.key=value" or "producer.key=value", applied
  // last. Default: none.
  std::vector<std::string> properties;
  // How long a client may find no bootstrap server before it gives up: `produce`, and daemons
  // with --exit-at-end, then exit non-zero; other daemons keep retrying and keep saying so.
  // Default: 30 s.
  std::chrono::milliseconds connect_timeout{30000};
};

// How long a client waits for its messages' acknowledgements unless told otherwise (a flush, a
// batch's outputs): the producer's message.timeout.ms by default (common/kafka_producer.cc),
// after which librdkafka reports an undelivered message as failed, so that with that default a
// wait this long sees about every message it waits for delivered or failed.
inline constexpr std::chrono::milliseconds kDefaultFlushTimeout{60000};

struct RdKafkaConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using RdKafkaConfPtr = std::unique_ptr<rd_kafka_conf_t, RdKafkaConfDeleter>;

struct RdKafkaPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using RdKafkaPartitionListPtr =
    std::unique_ptr<rd_kafka_topic_partition_list_t, RdKafkaPartitionListDeleter>;

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RdKafkaPtr = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

// The kind of client a configuration is made for: it decides which prefixed properties apply.
enum class KafkaClientKind { kConsumer, kProducer };

// Builds a librdkafka configuration for a client of `kind`: `defaults` first, then
// bootstrap.servers, then the user's properties (unprefixed ones and those prefixed with the
// kind's name, without the prefix). Returns InvalidArgument for a property that is not
// [consumer.|producer.]key=value, sets statistics.interval.ms, or that librdkafka refuses (its
// key named as written, whichever kind of client it is for, with librdkafka's reason unless the
// reason contains the value; the value is never shown, whatever the key, since a misspelt key
// may hold a password).
Result<RdKafkaConfPtr> MakeKafkaConf(
    const KafkaOptions& options, KafkaClientKind kind,
    const std::vector<std::pair<std::string, std::string>>& defaults);

// Sends librdkafka's own log lines of clients made with `conf` through our logger (level,
// format, stage), as MakeKafkaConf does for every client it configures.
void RouteKafkaLogs(rd_kafka_conf_t* conf);

// Whether a librdkafka log line reports an offset commit the group refused because it is
// rebalancing (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION). RouteKafkaLogs logs those at info, not
// warning: the daemons keep the offsets that matter in their state, and their next commit after
// the rebalance moves the group's offsets on.
bool CommitFailedInRebalance(std::string_view facility, std::string_view message);

}  // namespace headwire::common
