#pragma once
// The archive record (common/archive_segment.h) of a consumed Kafka record: its exact key,
// value, headers, partition, offset and timestamp, with its event time: a headwire RawArticle's
// published_at (and whether the producer estimated it), else the message timestamp. `record` must
// carry its headers (ConsumedRecord::headers, has_key). Pure.

#include "common/archive_segment.h"
#include "common/record.h"

namespace headwire::common {

ArchiveRecord ToArchiveRecord(const ConsumedRecord& record);

// True when `record` is a headwire RawArticle whose event time the producer estimated (its input
// had no published_at, so the producer's clock stands in): such a time says when the record was
// produced, not when the article appeared.
bool HasEstimatedEventTime(const ArchiveRecord& record);

}  // namespace headwire::common
