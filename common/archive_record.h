#pragma once
// The archive record (common/archive_segment.h) of a consumed Kafka message: its exact key,
// value, headers, partition, offset and timestamp, with its event time: a headwire RawArticle's
// published_at, else the message timestamp. Pure apart from reading the message.

#include "common/archive_segment.h"
#include "common/kafka_consumer.h"

namespace headwire::common {

ArchiveRecord ToArchiveRecord(const Message& message);

}  // namespace headwire::common
