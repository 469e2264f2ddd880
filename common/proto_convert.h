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

// The header that counts how often `headwire dlq redrive` sent a record back ("1", "2", ...).
// Stages ignore it; a dead letter keeps it among the original headers.
inline constexpr const char* kRedriveCountHeader = "headwire-redrive-count";
// The dead letter ("headwire.dlq/0@5") a re-driven record was sent back from. A dead letter whose
// record carries it supersedes that one, so a later re-drive skips the older letter.
inline constexpr const char* kRedriveOfHeader = "headwire-redrive-of";

// Where a dead letter's record came from: a topic partition and offset, for `produce` the input
// file (partition -1) and line, for the feed daemon the feed's URL (partition and offset -1).
struct DeadLetterOrigin {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
};

// The DeadLetter of a record (its value, key and headers, byte for byte, original_size and
// original_digest of the value), with the reason, a message for people and the stage
// ("produce", "process", "sink") that rejected it. Text fields are repaired to valid UTF-8
// (protobuf refuses to decode a string field that is not). Pure.
v1::DeadLetter MakeDeadLetter(std::string_view value, std::string_view key,
                              const std::vector<Header>& headers, const DeadLetterOrigin& origin,
                              v1::DeadLetterReason reason, std::string_view why,
                              std::string_view stage);

// At most this much of a record's key is kept in a dead letter that has to be cut to fit.
inline constexpr size_t kDeadLetterMaxKeyBytes = 4096;
// At most this much of the explanation is kept in a dead letter that has to be cut to fit.
inline constexpr size_t kDeadLetterMaxMessageBytes = 1024;
// ... and this much when even that does not fit (a message.max.bytes of a few KiB).
inline constexpr size_t kDeadLetterShortMessageBytes = 128;

// The record for `dlq_topic` holding `letter`, keyed by its original key, with the message
// headers and headwire-dlq-reason. It always fits `max_message_bytes` (the producer's
// message.max.bytes of at least 1,000, common::MessageBytes): when the whole letter would not,
// its message and key are cut (kDeadLetterMax*Bytes), its original headers dropped if they alone
// do not fit, then the message cut to kDeadLetterShortMessageBytes and the key to what is left if
// they still do not, and its original_value cut to the room left; original_size and
// original_digest still describe the whole value (IsTruncated).
OutputRecord DeadLetterRecord(const std::string& dlq_topic, v1::DeadLetter letter,
                              size_t max_message_bytes);

// The same for a consumed `record`: MakeDeadLetter of its bytes, headers and position.
OutputRecord DeadLetterRecord(const std::string& dlq_topic, const ConsumedRecord& record,
                              v1::DeadLetterReason reason, std::string_view why,
                              std::string_view stage, size_t max_message_bytes);

// True when `letter` holds only the first bytes of its record's value (it was cut to fit).
bool IsTruncated(const v1::DeadLetter& letter);

core::Article ToCoreArticle(const v1::RawArticle& raw);
v1::RawArticle ToRawArticle(const core::Article& article);

// The processed record of `raw` with the pipeline's `verdict`. `source` is the raw record's
// position; `processor` names the program and version; `taxonomy` the classifier.
v1::ProcessedArticle ToProcessedArticle(const v1::RawArticle& raw,
                                        const core::ArticleVerdict& verdict,
                                        const TopicPartition& source, int64_t source_offset,
                                        std::string_view processor, std::string_view taxonomy);

// Sets the dedup verdict's fields of `processed` (duplicate of, kind, story), as
// ToProcessedArticle does: the rest of a processed record depends on the article alone.
void SetDedupVerdict(v1::ProcessedArticle& processed, const core::DedupVerdict& dedup);

}  // namespace headwire::common
