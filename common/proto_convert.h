#pragma once
// Conversions between the pure core's values and the wire format (proto/headwire/v1), and the
// Kafka headers every headwire message carries.

#include <string>
#include <string_view>
#include <vector>

#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "core/article.h"
#include "core/pipeline.h"
#include "headwire/v1/article.pb.h"

namespace headwire::common {

inline constexpr std::string_view kSchemaVersion = "1";

// The headers of a message of `type_name` ("headwire.v1.RawArticle"), plus `extra`.
std::vector<Header> MessageHeaders(std::string_view type_name, std::vector<Header> extra = {});

// The dead-letter reason of a RecordError / Rejection reason word ("invalid_utf8", ...);
// UNDECODABLE for words that name a malformed record ("not_json", "wrong_type", ...).
v1::DeadLetterReason DeadLetterReasonFor(std::string_view reason);

// The record for `dlq_topic` holding the DeadLetter of `record` (its bytes, key and position),
// with the reason, a message for people and the stage ("process", "sink") that rejected it.
OutputRecord DeadLetterRecord(const std::string& dlq_topic, const ConsumedRecord& record,
                              v1::DeadLetterReason reason, std::string why, std::string_view stage);

core::Article ToCoreArticle(const v1::RawArticle& raw);
v1::RawArticle ToRawArticle(const core::Article& article);

// The processed record of `raw` with the pipeline's `verdict`. `source` is the raw record's
// position; `processor` names the program and version; `taxonomy` the classifier.
v1::ProcessedArticle ToProcessedArticle(const v1::RawArticle& raw,
                                        const core::ArticleVerdict& verdict,
                                        const TopicPartition& source, int64_t source_offset,
                                        std::string_view processor, std::string_view taxonomy);

}  // namespace headwire::common
