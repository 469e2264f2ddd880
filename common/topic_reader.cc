#include "common/topic_reader.h"

#include <algorithm>
#include <map>
#include <memory>

#include "common/partition_offsets.h"
#include "common/topic_metadata.h"

namespace headwire::common {

Result<uint64_t> ReadTopicToEnd(const KafkaOptions& options, const std::string& topic,
                                const std::function<void(const Message&)>& visit,
                                const TopicReaderOptions& reader) {
  // group.id only lets librdkafka's consumer run; the partitions are assigned, never subscribed.
  auto conf = MakeKafkaConf(options, KafkaClientKind::kConsumer,
                            {{"group.id", "headwire-topic-reader"},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"}});
  if (!conf) return Err(conf.error());
  // Declared before the client, which feeds it until it is destroyed.
  ConnectivityWatch watch({.bootstrap = options.bootstrap,
                           .client = "consumer",
                           .give_up_after = options.connect_timeout});
  auto rk = NewWatchedConsumer(std::move(*conf), watch);
  if (!rk) return Err(rk.error());
  auto metadata =
      AllTopicsMetadata(rk->get(), watch, std::max(reader.timeout, options.connect_timeout));
  if (!metadata) return Err(metadata.error().WithContext("reading " + topic));
  const rd_kafka_metadata_topic_t* found = nullptr;
  for (int t = 0; t < (*metadata)->topic_cnt; ++t) {
    if ((*metadata)->topics[t].topic == topic) found = &(*metadata)->topics[t];
  }
  if (found == nullptr || found->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::NotFound("topic " + topic + " does not exist on " + options.bootstrap));
  }

  // The end of each partition as of now; partitions already empty are not read.
  std::map<int32_t, int64_t> ends;
  RdKafkaPartitionListPtr assignment(rd_kafka_topic_partition_list_new(found->partition_cnt));
  for (int i = 0; i < found->partition_cnt; ++i) {
    const int32_t partition = found->partitions[i].id;
    auto held = QueryHeldOffsets(rk->get(), topic, partition, reader.timeout);
    if (!held) return Err(held.error().WithContext(options.bootstrap));
    const int64_t low = held->first;
    const int64_t high = held->end;
    if (high <= low) continue;
    ends[partition] = high;
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset = low;
  }
  if (ends.empty()) return uint64_t{0};
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk->get(), assignment.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable("cannot read " + topic + ": " + rd_kafka_err2str(err)));
  }

  uint64_t read = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (!ends.empty()) {
    rd_kafka_message_t* raw = rd_kafka_consumer_poll(rk->get(), 100);
    if (raw == nullptr) {
      if (std::chrono::steady_clock::now() - last_progress > reader.timeout) {
        return Err(Status::TimedOut("reading " + topic + " from " + options.bootstrap +
                                    " stalled for " + std::to_string(reader.timeout.count()) +
                                    " ms"));
      }
      continue;
    }
    Message message(raw);
    if (raw->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;  // informational; librdkafka retries
    last_progress = std::chrono::steady_clock::now();
    auto end = ends.find(message.partition());
    if (end == ends.end() || message.offset() >= end->second) continue;
    visit(message);
    ++read;
    if (message.offset() + 1 >= end->second) ends.erase(end);
  }
  rd_kafka_consumer_close(rk->get());
  return read;
}

}  // namespace headwire::common
