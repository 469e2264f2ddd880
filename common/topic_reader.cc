#include "common/topic_reader.h"

#include <map>
#include <memory>

#include "common/partition_offsets.h"

namespace headwire::common {
namespace {

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};

int TimeoutMs(std::chrono::milliseconds timeout) { return static_cast<int>(timeout.count()); }

}  // namespace

Result<uint64_t> ReadTopicToEnd(const KafkaOptions& options, const std::string& topic,
                                const std::function<void(const Message&)>& visit,
                                const TopicReaderOptions& reader) {
  // group.id only lets librdkafka's consumer run; the partitions are assigned, never subscribed.
  auto conf = MakeKafkaConf(options, KafkaClientKind::kConsumer,
                            {{"group.id", "headwire-topic-reader"},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"}});
  if (!conf) return Err(conf.error());
  char error[512];
  RdKafkaPtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), error, sizeof error));
  if (!rk) return Err(Status::InvalidArgument(std::string("kafka consumer: ") + error));
  conf->release();  // rd_kafka_new took ownership
  rd_kafka_poll_set_consumer(rk.get());

  // Every topic's metadata, not the topic's by name: a broker that creates topics on demand (the
  // embedded one, Kafka by default) creates a topic a metadata request names, so a mistyped
  // topic would be created and read as empty instead of reported missing.
  const rd_kafka_metadata_t* raw_metadata = nullptr;
  if (rd_kafka_resp_err_t err = rd_kafka_metadata(rk.get(), /*all_topics=*/1, nullptr,
                                                  &raw_metadata, TimeoutMs(reader.timeout));
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable("no metadata for " + topic + " from " + options.bootstrap +
                                   ": " + rd_kafka_err2str(err)));
  }
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw_metadata);
  const rd_kafka_metadata_topic_t* found = nullptr;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    if (metadata->topics[t].topic == topic) found = &metadata->topics[t];
  }
  if (found == nullptr || found->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::NotFound("topic " + topic + " does not exist on " + options.bootstrap));
  }

  // The end of each partition as of now; partitions already empty are not read.
  std::map<int32_t, int64_t> ends;
  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> assignment(
      rd_kafka_topic_partition_list_new(found->partition_cnt));
  for (int i = 0; i < found->partition_cnt; ++i) {
    const int32_t partition = found->partitions[i].id;
    auto held = QueryHeldOffsets(rk.get(), topic, partition, reader.timeout);
    if (!held) return Err(held.error().WithContext(options.bootstrap));
    const int64_t low = held->first;
    const int64_t high = held->end;
    if (high <= low) continue;
    ends[partition] = high;
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset = low;
  }
  if (ends.empty()) return uint64_t{0};
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk.get(), assignment.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Err(Status::Unavailable("cannot read " + topic + ": " + rd_kafka_err2str(err)));
  }

  uint64_t read = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (!ends.empty()) {
    rd_kafka_message_t* raw = rd_kafka_consumer_poll(rk.get(), 100);
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
  rd_kafka_consumer_close(rk.get());
  return read;
}

}  // namespace headwire::common
