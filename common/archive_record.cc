#include "common/archive_record.h"

#include <optional>
#include <string_view>

#include "headwire/v1/article.pb.h"

namespace headwire::common {
namespace {

// A record is read as a RawArticle when its type header names one, or when it has none.
bool MayBeRawArticle(const std::optional<std::string_view>& type) {
  return !type || *type == v1::RawArticle::descriptor()->full_name();
}

}  // namespace

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
  if (MayBeRawArticle(record.type) && raw.ParseFromString(out.value) &&
      raw.published_at_ms() != 0) {
    out.event_time_ms = raw.published_at_ms();
    out.event_time_estimated = raw.event_time_estimated();
  }
  return out;
}

bool HasEstimatedEventTime(const ArchiveRecord& record) {
  std::optional<std::string_view> type;
  for (const Header& h : record.headers) {
    if (h.name == kTypeHeader) type = h.value;  // the last one, as Kafka clients read it
  }
  v1::RawArticle raw;
  return MayBeRawArticle(type) && raw.ParseFromString(record.value) && raw.event_time_estimated();
}

}  // namespace headwire::common
