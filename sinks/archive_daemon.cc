#include "sinks/archive_daemon.h"

#include <spdlog/spdlog.h>

#include <map>

#include "common/archive_record.h"
#include "common/kafka_consumer.h"

namespace headwire::sinks {

Result<ArchiverStats> RunArchiver(const ArchiverOptions& options) {
  auto writer = ArchiveWriter::Open(options.writer);
  if (!writer) return Err(writer.error());
  ArchiverStats stats;
  std::map<common::TopicPartition, int64_t> pending_offsets;
  common::KafkaConsumer* consumer_ptr = nullptr;
  Status revoke_status;

  auto persist = [&]() -> Status {
    if (pending_offsets.empty()) return Status::Ok();
    if (Status s = (*writer)->Persist(); !s.ok()) return s;
    // Only now is the batch durable: the group's offsets may move past it.
    if (consumer_ptr != nullptr) consumer_ptr->CommitAsync(pending_offsets);
    pending_offsets.clear();
    return Status::Ok();
  };
  common::ConsumerCallbacks callbacks{
      .stored_offset =
          [&](const common::TopicPartition& tp, const common::GroupOffset&) {
            return std::optional<int64_t>(
                (*writer)->NextOffset(tp).value_or(common::kOffsetBeginning));
          },
      .before_revoke =
          [&](const std::vector<common::TopicPartition>&) {
            if (Status s = persist(); !s.ok() && revoke_status.ok()) revoke_status = s;
          },
  };
  auto consumer = common::KafkaConsumer::Create(options.kafka, options.group_id, {options.topic},
                                                std::move(callbacks));
  if (!consumer) return Err(consumer.error());
  consumer_ptr = consumer->get();
  spdlog::info("msg=\"archiver started\" input={} dir={}", options.topic, options.writer.dir);
  Status status = common::RunConsumeLoop(
      **consumer, options.loop,
      {.handle = [&](const common::Message& message) -> Status {
         ++stats.consumed;
         pending_offsets[{std::string(message.topic()), message.partition()}] =
             message.offset() + 1;
         auto taken =
             (*writer)->Append(std::string(message.topic()), common::ToArchiveRecord(message));
         if (!taken) return taken.error();
         ++(*taken ? stats.archived : stats.skipped);
         return Status::Ok();
       },
       .persist = [&]() { return revoke_status.ok() ? persist() : revoke_status; }});
  if (status.ok()) status = revoke_status;
  (*consumer)->Close();
  if (!status.ok()) return Err(status);
  spdlog::info("msg=\"archiver stopped\" consumed={} archived={} skipped={}", stats.consumed,
               stats.archived, stats.skipped);
  return stats;
}

}  // namespace headwire::sinks
