#include "common/archive_record.h"

#include "headwire/v1/article.pb.h"

namespace headwire::common {

ArchiveRecord ToArchiveRecord(const ConsumedRecord& record) {
  ArchiveRecord out;
  out.partition = record.partition;
  out.offset = record.offset;
  out.timestamp_ms = record.timestamp_ms;
  out.event_time_ms = record.timestamp_ms;
  if (record.has_key) out.key = std::string(record.key);
  out.value = std::string(record.value);
  out.headers = record.headers;
  v1::RawArticle raw;
  if ((!record.type || *record.type == v1::RawArticle::descriptor()->full_name()) &&
      raw.ParseFromString(out.value) && raw.published_at_ms() != 0) {
    out.event_time_ms = raw.published_at_ms();
  }
  return out;
}

}  // namespace headwire::common
