#pragma once
// The records a daemon's decisions read and write, as plain values with no Kafka handle, so the
// decisions (processors/article_decider.h, sinks/record_applier.h) run the same in a daemon, in
// a replay into a fresh state, and in tests.
//
// ConsumedRecord only borrows: its views stay valid while the consumed message (or whatever
// buffer the caller built it from) lives. OutputRecord owns its bytes. Both are plain values;
// thread safety is that of the buffers they view.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headwire::common {

// The headers every headwire message carries besides content-type (common/proto_convert.h).
inline constexpr const char* kTypeHeader = "headwire-type";
inline constexpr const char* kSchemaVersionHeader = "headwire-schema-version";

struct Header {
  std::string name;
  std::string value;

  friend bool operator==(const Header&, const Header&) = default;
};

// One consumed record: where it was read, its key and value, and the headers the decisions check.
struct ConsumedRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key;
  std::string_view value;
  // The `headwire-type` header, or nullopt when the record has none.
  std::optional<std::string_view> type;
  // The `headwire-schema-version` header, or nullopt when the record has none.
  std::optional<std::string_view> schema_version;
  // The broker's timestamp (create or log-append time), milliseconds since the epoch; -1 when
  // unknown. Only metrics read it, never a decision.
  int64_t timestamp_ms = -1;
  // Every header in order (a dead letter keeps them, so a re-driven record keeps its re-drive
  // count; the archiver stores them), and whether the record has a key (an empty key is one).
  std::vector<Header> headers = {};
  bool has_key = true;
};

// One record to produce: destination topic, key (partitions it), value and headers.
struct OutputRecord {
  std::string topic;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  // The partition to write to; nullopt lets the producer choose one by the key.
  std::optional<int32_t> partition;

  friend bool operator==(const OutputRecord&, const OutputRecord&) = default;
};

}  // namespace headwire::common
