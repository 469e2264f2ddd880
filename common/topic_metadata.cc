#include "common/topic_metadata.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace headwire::common {
namespace {

constexpr std::chrono::milliseconds kAttempt{1000};
// How long each turn between two attempts serves the client's events: the statistics that tell
// the watch a broker is up, and the errors that say none is.
constexpr int kServeMs = 100;

void OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  static_cast<ConnectivityWatch*>(opaque)->OnError(err, reason);
}

int OnStatistics(rd_kafka_t*, char* json, size_t json_len, void* opaque) {
  static_cast<ConnectivityWatch*>(opaque)->OnStatistics(std::string_view(json, json_len));
  return 0;  // librdkafka frees the JSON
}

}  // namespace

Result<RdKafkaPtr> NewWatchedConsumer(RdKafkaConfPtr conf, ConnectivityWatch& watch) {
  rd_kafka_conf_set_error_cb(conf.get(), &OnError);
  rd_kafka_conf_set_stats_cb(conf.get(), &OnStatistics);
  rd_kafka_conf_set_opaque(conf.get(), &watch);
  char error[512];
  RdKafkaPtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error));
  if (!rk) return Err(Status::InvalidArgument(std::string("kafka consumer: ") + error));
  conf.release();  // rd_kafka_new took ownership
  rd_kafka_poll_set_consumer(rk.get());
  return rk;
}

Result<MetadataPtr> AllTopicsMetadata(rd_kafka_t* consumer, ConnectivityWatch& watch,
                                      std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const rd_kafka_metadata_t* raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(
        consumer, /*all_topics=*/1, nullptr, &raw,
        static_cast<int>(std::clamp(left, std::chrono::milliseconds(1), kAttempt).count()));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return MetadataPtr(raw);
    // Nothing is assigned yet, so what the poll returns is an event, never a record.
    if (rd_kafka_message_t* event = rd_kafka_consumer_poll(consumer, kServeMs)) {
      rd_kafka_message_destroy(event);
    }
    if (Status reach = watch.Check(); !reach.ok()) return Err(reach);
    if (Clock::now() >= deadline) {
      return Err(Status::Unavailable(std::string("no metadata: ") + rd_kafka_err2str(err)));
    }
  }
}

}  // namespace headwire::common
