#pragma once
// Article: the plain value the pure core works on. Adapters convert wire messages and JSON
// records into it; nothing in core/ knows about Kafka, RocksDB or protobuf.

#include <cstdint>
#include <string>

namespace headwire::core {

struct Article {
  std::string id;               // stable id (see article_id.h); may be empty before DeriveArticleId
  std::string title;            // required
  std::string body;             // may be empty
  std::string url;              // as given; may be empty
  std::string source;           // outlet, may be empty
  std::string language;         // BCP 47; empty means unknown
  int64_t published_at_ms = 0;  // event time, ms since the Unix epoch (UTC); 0 = unknown
  // The source gave no event time; published_at_ms is when the producer read the record. Such a
  // time says nothing about the stream's progress, so it never moves a watermark.
  bool event_time_estimated = false;
  // When the producer read the article, by its clock; 0 = unknown. It vouches for an event time
  // far ahead of the stream's (core/watermark.h, VouchedByIngestTime).
  int64_t ingested_at_ms = 0;
};

}  // namespace headwire::core
