#include "producers/topic_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/archive_record.h"
#include "common/kafka_consumer.h"
#include "common/partition_offsets.h"
#include "common/topic_metadata.h"
#include "producers/event_time_merge.h"

namespace headwire::producers {
namespace {

Status KafkaError(const std::string& what, rd_kafka_resp_err_t err) {
  return Status::Unavailable(what + ": " + rd_kafka_err2str(err));
}

// The record of `message` with every header and whether it has a key.
common::ConsumedRecord FullRecord(const common::Message& message) {
  common::ConsumedRecord record = message.record();
  record.headers = message.headers();
  record.has_key = message.has_key();
  return record;
}

}  // namespace

Result<std::unique_ptr<TopicSource>> TopicSource::Open(const TopicSourceOptions& options) {
  if (options.batch_records == 0) {
    return Err(Status::InvalidArgument("the topic source needs a batch of at least 1 record"));
  }
  auto conf = common::MakeKafkaConf(
      options.kafka, common::KafkaClientKind::kConsumer,
      {{"group.id", "headwire-replay"},
       {"enable.auto.commit", "false"},
       {"enable.partition.eof", "false"},
       // Records deleted under the replay are an error, not a silent jump to what is left.
       {"auto.offset.reset", "error"},
       {"queued.max.messages.kbytes", std::to_string(options.prefetch_kbytes)}});
  if (!conf) return Err(conf.error());
  std::unique_ptr<TopicSource> source(new TopicSource());
  source->options_ = options;
  source->watch_ = std::make_unique<common::ConnectivityWatch>(
      common::ConnectivityOptions{.bootstrap = options.kafka.bootstrap,
                                  .client = "consumer",
                                  .give_up_after = options.kafka.connect_timeout});
  auto rk = common::NewWatchedConsumer(std::move(*conf), *source->watch_);
  if (!rk) return Err(rk.error());
  source->rk_ = std::move(*rk);
  auto metadata = common::AllTopicsMetadata(
      source->rk_.get(), *source->watch_, std::max(options.timeout, options.kafka.connect_timeout));
  if (!metadata) return Err(metadata.error());
  std::vector<int32_t> partitions;
  for (int t = 0; t < (*metadata)->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = (*metadata)->topics[t];
    if (topic.topic != options.topic || topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    for (int p = 0; p < topic.partition_cnt; ++p) partitions.push_back(topic.partitions[p].id);
  }
  if (partitions.empty()) return Err(Status::NotFound("no topic " + options.topic));

  for (const int32_t partition : partitions) {
    auto held =
        common::QueryHeldOffsets(source->rk_.get(), options.topic, partition, options.timeout);
    if (!held) return Err(held.error());
    const int64_t low = held->first;
    const int64_t high = held->end;
    int64_t start = low;
    if (options.from_offset) {
      start = std::clamp(*options.from_offset, low, high);
      if (*options.from_offset != start) {
        // Not an error (the other partitions may hold records there), but not silent either.
        spdlog::warn(
            "msg=\"--from-offset is outside the partition's records; starting at {}\" topic={} "
            "partition={} from_offset={} first_offset={} end_offset={}",
            start == high ? "its end: nothing to replay from it" : "its first record",
            options.topic, partition, *options.from_offset, low, high);
      }
    } else if (options.from_time_ms && high > low) {
      auto found = source->SearchTime(partition, low, high, *options.from_time_ms);
      if (!found) return Err(found.error());
      start = *found;
    }
    source->start_[partition] = start;
    if (start < high) {
      Partition& p = source->partitions_[partition];
      p.next = start;
      p.end = high;
      source->total_ += static_cast<uint64_t>(high - start);
    }
  }
  if (Status s = source->StartPartitions(); !s.ok()) return Err(s);
  return source;
}

Status TopicSource::StartPartitions() {
  std::map<int32_t, int64_t> offsets;
  for (auto& [partition, p] : partitions_) {
    p.queue.reset(rd_kafka_queue_get_partition(rk_.get(), options_.topic.c_str(), partition));
    if (p.queue == nullptr) {
      return Status::Internal("no queue for " + options_.topic + "/" + std::to_string(partition));
    }
    // Unforwarded before the assignment: librdkafka keeps a forwarding the application chose
    // (none included) when fetching starts, and each partition must be readable on its own so
    // the merge can wait for one without taking in the others' records.
    rd_kafka_queue_forward(p.queue.get(), nullptr);
    offsets[partition] = p.next;
  }
  return Assign(offsets);
}

Status TopicSource::Assign(const std::map<int32_t, int64_t>& offsets) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [partition, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list, options_.topic.c_str(), partition)->offset = offset;
  }
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  return err == RD_KAFKA_RESP_ERR_NO_ERROR ? Status::Ok() : KafkaError("assign", err);
}

Result<int64_t> TopicSource::EventTimeAt(int32_t partition, int64_t offset) {
  if (Status s = Assign({{partition, offset}}); !s.ok()) return Err(s);
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* raw = rd_kafka_consumer_poll(rk_.get(), 100);
    if (raw == nullptr) continue;
    common::Message message(raw);
    if (raw->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET && message.partition() == partition) {
      return Err(RecordsDeleted(partition, offset));
    }
    if (raw->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (message.partition() != partition || message.offset() < offset) continue;
    return common::ToArchiveRecord(FullRecord(message)).event_time_ms;
  }
  return Err(Status::TimedOut("reading " + options_.topic + "/" + std::to_string(partition) +
                              " at offset " + std::to_string(offset)));
}

Result<int64_t> TopicSource::SearchTime(int32_t partition, int64_t low, int64_t high,
                                        int64_t time_ms) {
  // Invariant: every record before `low` is older than time_ms; the record at `high` (or the
  // end) is not.
  while (low < high) {
    const int64_t mid = low + (high - low) / 2;
    auto event = EventTimeAt(partition, mid);
    if (!event) return Err(event.error());
    if (*event < time_ms) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

Status TopicSource::ServeEvents() {
  while (rd_kafka_message_t* raw = rd_kafka_consumer_poll(rk_.get(), 0)) {
    // Only errors and the binary search's outdated probes arrive here.
    const common::Message message(raw);
    if (raw->err != RD_KAFKA_RESP_ERR_NO_ERROR &&
        rd_kafka_fatal_error(rk_.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaError("consume", raw->err);
    }
  }
  return Status::Ok();
}

Status TopicSource::RecordsDeleted(int32_t partition, int64_t next) {
  const std::string name = options_.topic + "/" + std::to_string(partition);
  auto held = common::QueryHeldOffsets(rk_.get(), options_.topic, partition, options_.timeout);
  const std::string deleted =
      held && held->first > next
          ? "records " + std::to_string(next) + ".." + std::to_string(held->first - 1)
          : "records from offset " + std::to_string(next);
  return Status::NotFound(name + ": the replay was at offset " + std::to_string(next) + ", but " +
                          deleted +
                          " were deleted by the broker before they were read; replay them from "
                          "an archive (headwire archive), or from a later --from-offset");
}

Status TopicSource::Refill(int32_t partition, Partition& p) {
  if (!p.buffered.empty() || p.next >= p.end) return Status::Ok();
  if (Status s = ServeEvents(); !s.ok()) return s;
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (p.buffered.size() < options_.batch_records && p.next < p.end) {
    const int wait_ms = p.buffered.empty() ? 100 : 0;
    rd_kafka_message_t* raw = rd_kafka_consume_queue(p.queue.get(), wait_ms);
    if (raw == nullptr) {
      if (!p.buffered.empty()) break;
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::TimedOut("no record from " + options_.topic + "/" +
                                std::to_string(partition) + " within the timeout");
      }
      if (Status s = ServeEvents(); !s.ok()) return s;
      continue;
    }
    const common::Message message(raw);
    if (raw->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) return RecordsDeleted(partition, p.next);
    if (raw->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (rd_kafka_fatal_error(rk_.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return KafkaError("consume", raw->err);
      }
      continue;
    }
    if (message.offset() < p.next) continue;
    if (message.offset() >= p.end) {
      p.next = p.end;
      break;
    }
    p.next = message.offset() + 1;
    p.buffered.push_back(common::ToArchiveRecord(FullRecord(message)));
  }
  return Status::Ok();
}

Result<std::optional<common::ArchiveRecord>> TopicSource::Next() {
  auto next = NextByEventTime(
      partitions_, [this](int32_t partition, Partition& p) { return Refill(partition, p); });
  if (next && next->has_value()) ++read_;
  return next;
}

size_t TopicSource::held() const {
  size_t held = 0;
  for (const auto& [partition, p] : partitions_) held += p.buffered.size();
  return held;
}

bool TopicSource::FractionLeavesOut(const TimeRange& range) const {
  const bool start_searched = !options_.from_offset && options_.from_time_ms == range.from_ms;
  return !range.to_ms && (!range.from_ms || start_searched);
}

std::optional<double> TopicSource::Fraction() const {
  if (total_ == 0) return 1.0;
  return static_cast<double>(read_) / static_cast<double>(total_);
}

}  // namespace headwire::producers
