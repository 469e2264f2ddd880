#pragma once
// `headwire produce`: JSON Lines from a stream to the raw topic as protobuf RawArticle
// messages, keyed by the article id, each on the partition of its dedup domain
// (producers/domain_partitioner.h). Every line that is not a valid article is reported with its
// line number and reason and counted; with a dead-letter topic configured it is also sent there
// (stage "produce") with its original bytes. Nothing is dropped silently.

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "common/kafka_producer.h"
#include "common/status.h"
#include "core/validation.h"
#include "producers/domain_partitioner.h"

namespace headwire::producers {

struct ProduceOptions {
  common::KafkaOptions kafka;
  // Destination of valid articles. Default: "headwire.articles.raw".
  std::string topic = "headwire.articles.raw";
  // The article field whose value is the dedup domain; articles of one domain go to one
  // partition of `topic`. Default: "language" (kDefaultDomainKey).
  std::string domain_key = kDefaultDomainKey;
  // Destination of invalid lines; empty to only report them. Default: "headwire.dlq".
  std::string dlq_topic = "headwire.dlq";
  core::ValidationOptions validation;
  // Ingestion time stamped on every article (ms since the epoch), which is also the event time
  // of a record without published_at; none for the wall clock. Fixing it makes a run that has
  // such records reproducible. Default: none.
  std::optional<int64_t> ingest_time_ms = std::nullopt;
};

struct ProduceReport {
  uint64_t lines = 0;     // non-blank lines read
  uint64_t produced = 0;  // articles delivered
  uint64_t invalid = 0;   // lines rejected (reported, and dead-lettered when configured)
};

// Reads `in` to the end. Writes one line per rejected input line to `errors`:
//   <input>:<line>: <reason>: <message>
// Returns the report once every message was acknowledged, or the error that prevented it
// (bad options, or messages not delivered: then the exit code must say so).
Result<ProduceReport> ProduceJsonLines(std::istream& in, const std::string& input_name,
                                       const ProduceOptions& options, std::ostream& errors);

// The same, with a producer the caller owns (the demo shares one).
Result<ProduceReport> ProduceJsonLines(std::istream& in, const std::string& input_name,
                                       const ProduceOptions& options, std::ostream& errors,
                                       common::KafkaProducer& producer);

}  // namespace headwire::producers
