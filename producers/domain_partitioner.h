#pragma once
// DomainPartitioner: picks the raw-topic partition of a RawArticle by its dedup domain, the
// value of one of its string fields (core/domain_partition.h). Every producer of the raw topic
// uses it, so duplicates from different producers meet in the same domain. Immutable after
// Create, thread-safe.

#include <cstdint>
#include <functional>
#include <string>

#include "common/kafka_producer.h"
#include "common/status.h"
#include "headwire/v1/article.pb.h"

namespace headwire::producers {

// The RawArticle field whose value is the dedup domain. Default: "language".
inline constexpr const char* kDefaultDomainKey = "language";

class DomainPartitioner {
 public:
  // `field` must name a string field of headwire.v1.RawArticle (e.g. "language", "source");
  // `partitions` is the raw topic's partition count (>= 1). Returns InvalidArgument otherwise,
  // listing the fields that can be used.
  static Result<DomainPartitioner> Create(const std::string& field, int32_t partitions);
  // Create() for `topic` with its partition count read from the brokers through `producer`
  // (waiting up to five minutes for metadata, calling `keep_waiting` between attempts as
  // KafkaProducer::PartitionCount does). Returns the lookup's error or Create()'s.
  static Result<DomainPartitioner> ForTopic(common::KafkaProducer& producer,
                                            const std::string& topic, const std::string& field,
                                            const std::function<bool()>& keep_waiting = {});

  // The partition of `article`'s domain.
  int32_t PartitionOf(const v1::RawArticle& article) const;

  int32_t partitions() const { return partitions_; }

 private:
  DomainPartitioner(const google::protobuf::FieldDescriptor* field, int32_t partitions)
      : field_(field), partitions_(partitions) {}

  const google::protobuf::FieldDescriptor* field_;
  int32_t partitions_;
};

}  // namespace headwire::producers
