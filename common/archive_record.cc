#include "common/archive_record.h"

#include "common/proto_convert.h"
#include "headwire/v1/article.pb.h"

namespace headwire::common {

ArchiveRecord ToArchiveRecord(const Message& message) {
  ArchiveRecord record;
  record.partition = message.partition();
  record.offset = message.offset();
  record.timestamp_ms = message.timestamp_ms();
  record.event_time_ms = record.timestamp_ms;
  if (message.has_key()) record.key = std::string(message.key());
  record.value = std::string(message.value());
  record.headers = message.headers();
  const auto type = message.header(kTypeHeader);
  v1::RawArticle raw;
  if ((!type || *type == v1::RawArticle::descriptor()->full_name()) &&
      raw.ParseFromString(record.value) && raw.published_at_ms() != 0) {
    record.event_time_ms = raw.published_at_ms();
  }
  return record;
}

}  // namespace headwire::common
