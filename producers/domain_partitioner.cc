#include "producers/domain_partitioner.h"

#include <chrono>

#include "core/domain_partition.h"

namespace headwire::producers {

Result<DomainPartitioner> DomainPartitioner::Create(const std::string& field, int32_t partitions) {
  if (partitions < 1) {
    return Err(Status::InvalidArgument("the raw topic needs at least one partition"));
  }
  const google::protobuf::Descriptor* descriptor = v1::RawArticle::descriptor();
  const google::protobuf::FieldDescriptor* found = descriptor->FindFieldByName(field);
  if (found == nullptr || found->is_repeated() ||
      found->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    std::string usable;
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const auto* candidate = descriptor->field(i);
      if (candidate->is_repeated() ||
          candidate->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
        continue;
      }
      if (!usable.empty()) usable += ", ";
      usable += candidate->name();
    }
    return Err(Status::InvalidArgument(
        "domain key \"" + field + "\" is not a text field of an article (one of: " + usable + ")"));
  }
  return DomainPartitioner(found, partitions);
}

Result<DomainPartitioner> DomainPartitioner::ForTopic(common::KafkaProducer& producer,
                                                      const std::string& topic,
                                                      const std::string& field,
                                                      const std::function<bool()>& keep_waiting) {
  auto partitions = producer.PartitionCount(topic, std::chrono::minutes(5), keep_waiting);
  if (!partitions) return Err(partitions.error());
  return Create(field, *partitions);
}

int32_t DomainPartitioner::PartitionOf(const v1::RawArticle& article) const {
  const std::string& value = article.GetReflection()->GetStringReference(article, field_, nullptr);
  return core::DomainPartition(value, partitions_);
}

}  // namespace headwire::producers
