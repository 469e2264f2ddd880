#include "producers/topic_target.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/shutdown.h"
#include "headwire/v1/article.pb.h"

namespace headwire::producers {
namespace {

// What a wait for the brokers (the topic's partitions, room in the producer's queue) asks between
// its slices: room may never come (message.timeout.ms 0), and a stop must not wait for it.
bool NotStopped() { return !common::ShutdownRequested(); }

}  // namespace

Result<StoredProgress> ReadPositionsFile(const std::string& path) {
  StoredProgress out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("positions") || !j["positions"].is_object()) {
    return Err(Status::Corruption(path + " is not a replay positions file"));
  }
  for (const auto& [partition, offset] : j["positions"].items()) {
    int32_t number = 0;
    const auto [end, ec] =
        std::from_chars(partition.data(), partition.data() + partition.size(), number);
    if (ec != std::errc() || end != partition.data() + partition.size() ||
        !offset.is_number_integer()) {
      return Err(Status::Corruption(path + ": bad position " + partition));
    }
    out.positions[number] = offset.get<int64_t>();
  }
  if (j.contains("replay")) {
    if (!j["replay"].is_string()) return Err(Status::Corruption(path + ": bad replay"));
    out.replay = j["replay"].get<std::string>();
  }
  return out;
}

Status WritePositionsFile(const std::string& path, const StoredProgress& progress) {
  nlohmann::json j;
  j["replay"] = progress.replay;
  j["positions"] = nlohmann::json::object();
  for (const auto& [partition, offset] : progress.positions) {
    j["positions"][std::to_string(partition)] = offset;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump() << "\n";
    if (!out.flush()) return Status::IoError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot rename " + tmp);
  return Status::Ok();
}

Result<std::unique_ptr<TopicTarget>> TopicTarget::Create(const TopicTargetOptions& options) {
  std::unique_ptr<TopicTarget> target(new TopicTarget());
  target->options_ = options;
  auto producer = common::KafkaProducer::Create(options.kafka);
  if (!producer) return Err(producer.error());
  target->producer_ = std::move(*producer);
  if (!options.progress_file.empty()) {
    auto stored = ReadPositionsFile(options.progress_file);
    if (!stored) return Err(stored.error());
    if (!stored->positions.empty() && !stored->replay.empty() && stored->replay != options.replay) {
      return Err(common::OtherReplayError(options.progress_file, stored->replay, options.replay));
    }
    target->stored_ = std::move(stored->positions);
  }
  return target;
}

Result<int32_t> TopicTarget::PartitionOf(const common::ArchiveRecord& record) {
  if (options_.partition == TargetPartition::kSource) {
    if (!target_partitions_) {
      auto count =
          producer_->PartitionCount(options_.topic, options_.kafka.connect_timeout, NotStopped);
      if (!count) return Err(count.error());
      target_partitions_ = *count;
    }
    if (record.partition < 0 || record.partition >= *target_partitions_) {
      return Err(Status::InvalidArgument(
          "a record of partition " + std::to_string(record.partition) +
          " cannot keep its partition: " + options_.topic + " has " +
          std::to_string(*target_partitions_) + "; create it with at least " +
          std::to_string(record.partition + 1) +
          ", or give --domain-key to put each article on its domain's partition"));
    }
    return record.partition;
  }
  const bool raw_type = std::ranges::any_of(record.headers, [](const common::Header& h) {
    return h.name == common::kTypeHeader && h.value == v1::RawArticle::descriptor()->full_name();
  });
  v1::RawArticle raw;
  if (!raw_type || !raw.ParseFromString(record.value)) return common::KafkaProducer::kAnyPartition;
  if (!domains_) {
    auto domains =
        DomainPartitioner::ForTopic(*producer_, options_.topic, options_.domain_key, NotStopped);
    if (!domains) return Err(domains.error());
    domains_ = std::move(*domains);
  }
  return domains_->PartitionOf(raw);
}

Status TopicTarget::Deliver(const common::ArchiveRecord& record) {
  auto partition = PartitionOf(record);
  if (!partition) return partition.error();
  if (Status s = producer_->Produce(options_.topic, record.key, record.value, record.headers,
                                    *partition, NotStopped);
      !s.ok()) {
    return s;
  }
  ++counts_.delivered;
  return Status::Ok();
}

Status TopicTarget::Commit(const std::map<int32_t, int64_t>& next_positions) {
  if (Status s = producer_->Flush(options_.flush_timeout); !s.ok()) return s;
  if (options_.progress_file.empty()) return Status::Ok();
  if (Status s = WritePositionsFile(options_.progress_file, {next_positions, options_.replay});
      !s.ok()) {
    return s;
  }
  stored_ = next_positions;
  return Status::Ok();
}

}  // namespace headwire::producers
