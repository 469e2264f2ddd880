#include "common/proto_convert.h"

#include <algorithm>

#include "core/fingerprint.h"
#include "core/text.h"

namespace headwire::common {
namespace {

v1::DuplicateKind ToWire(core::DuplicateKind kind) {
  switch (kind) {
    case core::DuplicateKind::kUnique:
      return v1::DUPLICATE_KIND_UNSPECIFIED;
    case core::DuplicateKind::kSameId:
      return v1::DUPLICATE_KIND_SAME_ID;
    case core::DuplicateKind::kSameUrl:
      return v1::DUPLICATE_KIND_SAME_URL;
    case core::DuplicateKind::kSameContent:
      return v1::DUPLICATE_KIND_SAME_CONTENT;
    case core::DuplicateKind::kNear:
      return v1::DUPLICATE_KIND_NEAR;
  }
  return v1::DUPLICATE_KIND_UNSPECIFIED;
}

}  // namespace

std::vector<Header> MessageHeaders(std::string_view type_name, std::vector<Header> extra) {
  std::vector<Header> headers{{kTypeHeader, std::string(type_name)},
                              {kSchemaVersionHeader, std::string(kSchemaVersion)},
                              {"content-type", "application/x-protobuf"}};
  for (auto& header : extra) headers.push_back(std::move(header));
  return headers;
}

v1::DeadLetterReason DeadLetterReasonFor(std::string_view reason) {
  if (reason == core::RejectReasonName(core::RejectReason::kInvalidUtf8)) {
    return v1::DEAD_LETTER_REASON_INVALID_UTF8;
  }
  if (reason == core::RejectReasonName(core::RejectReason::kMissingField)) {
    return v1::DEAD_LETTER_REASON_MISSING_FIELD;
  }
  if (reason == core::RejectReasonName(core::RejectReason::kTooLarge)) {
    return v1::DEAD_LETTER_REASON_TOO_LARGE;
  }
  if (reason == core::RejectReasonName(core::RejectReason::kBadEventTime)) {
    return v1::DEAD_LETTER_REASON_BAD_EVENT_TIME;
  }
  return v1::DEAD_LETTER_REASON_UNDECODABLE;
}

v1::DeadLetter MakeDeadLetter(std::string_view value, std::string_view key,
                              const std::vector<Header>& headers, const DeadLetterOrigin& origin,
                              v1::DeadLetterReason reason, std::string_view why,
                              std::string_view stage) {
  v1::DeadLetter letter;
  letter.set_original_value(std::string(value));
  letter.set_original_key(std::string(key));
  letter.set_original_size(value.size());
  letter.set_original_digest("xxh3-128:" + core::Hex128(value));
  for (const auto& header : headers) {
    auto* added = letter.add_original_headers();
    added->set_name(core::RepairUtf8(header.name));
    added->set_value(header.value);
  }
  letter.mutable_source()->set_topic(core::RepairUtf8(origin.topic));
  letter.mutable_source()->set_partition(origin.partition);
  letter.mutable_source()->set_offset(origin.offset);
  letter.set_reason(reason);
  letter.set_message(core::RepairUtf8(why));
  letter.set_stage(core::RepairUtf8(stage));
  return letter;
}

OutputRecord DeadLetterRecord(const std::string& dlq_topic, v1::DeadLetter letter,
                              size_t max_message_bytes) {
  auto headers =
      MessageHeaders(v1::DeadLetter::descriptor()->full_name(),
                     {{"headwire-dlq-reason", v1::DeadLetterReason_Name(letter.reason())}});
  // The key appears twice (message key and letter); the value's own tag and length take at most
  // 16 bytes of the letter.
  constexpr size_t kValueFraming = 16;
  const auto size = [&] {
    return MessageBytes(letter.original_key(), {}, headers) + letter.ByteSizeLong();
  };
  if (size() > max_message_bytes) {
    std::string value = std::move(*letter.mutable_original_value());
    letter.clear_original_value();
    if (letter.message().size() > kDeadLetterMaxMessageBytes) {
      letter.set_message(core::RepairUtf8(
          std::string_view(letter.message()).substr(0, kDeadLetterMaxMessageBytes)));
    }
    if (letter.original_key().size() > kDeadLetterMaxKeyBytes) {
      letter.mutable_original_key()->resize(kDeadLetterMaxKeyBytes);
    }
    if (size() + kValueFraming > max_message_bytes) letter.clear_original_headers();
    // A small message.max.bytes (librdkafka allows 1,000) may not even hold the cut message and
    // key: keep less of the message, then of the key, which counts twice (record and letter).
    if (size() + kValueFraming > max_message_bytes &&
        letter.message().size() > kDeadLetterShortMessageBytes) {
      letter.set_message(core::RepairUtf8(
          std::string_view(letter.message()).substr(0, kDeadLetterShortMessageBytes)));
    }
    if (const size_t over = size() + kValueFraming; over > max_message_bytes) {
      const size_t cut = std::min(letter.original_key().size(), (over - max_message_bytes + 1) / 2);
      letter.mutable_original_key()->resize(letter.original_key().size() - cut);
    }
    const size_t other = size() + kValueFraming;
    if (other < max_message_bytes) {
      value.resize(std::min(value.size(), max_message_bytes - other));
      letter.set_original_value(std::move(value));
    }
  }
  return {.topic = dlq_topic,
          .key = letter.original_key(),
          .value = letter.SerializeAsString(),
          .headers = std::move(headers),
          .partition = std::nullopt};
}

OutputRecord DeadLetterRecord(const std::string& dlq_topic, const ConsumedRecord& record,
                              v1::DeadLetterReason reason, std::string_view why,
                              std::string_view stage, size_t max_message_bytes) {
  return DeadLetterRecord(
      dlq_topic,
      MakeDeadLetter(record.value, record.key, record.headers,
                     {std::string(record.topic), record.partition, record.offset}, reason, why,
                     stage),
      max_message_bytes);
}

bool IsTruncated(const v1::DeadLetter& letter) {
  return letter.original_size() > letter.original_value().size();
}

core::Article ToCoreArticle(const v1::RawArticle& raw) {
  core::Article a;
  a.id = raw.id();
  a.title = raw.title();
  a.body = raw.body();
  a.url = raw.url();
  a.source = raw.source();
  a.language = raw.language();
  a.published_at_ms = raw.published_at_ms();
  a.event_time_estimated = raw.event_time_estimated();
  a.ingested_at_ms = raw.ingested_at_ms();
  return a;
}

v1::RawArticle ToRawArticle(const core::Article& article) {
  v1::RawArticle raw;
  raw.set_id(article.id);
  raw.set_title(article.title);
  raw.set_body(article.body);
  raw.set_url(article.url);
  raw.set_source(article.source);
  raw.set_language(article.language);
  raw.set_published_at_ms(article.published_at_ms);
  raw.set_ingested_at_ms(article.ingested_at_ms);
  return raw;
}

v1::ProcessedArticle ToProcessedArticle(const v1::RawArticle& raw,
                                        const core::ArticleVerdict& verdict,
                                        const TopicPartition& source, int64_t source_offset,
                                        std::string_view processor, std::string_view taxonomy) {
  v1::ProcessedArticle out;
  *out.mutable_article() = raw;
  out.set_canonical_url(verdict.canonical_url);
  out.mutable_fingerprints()->set_url_hash(verdict.fingerprints.url_hash);
  out.mutable_fingerprints()->set_content_hash(verdict.fingerprints.content_hash);
  SetDedupVerdict(out, verdict.dedup);
  for (const auto& topic : verdict.classification.topics) out.add_topics(topic);
  for (const auto& score : verdict.classification.scores) {
    auto* s = out.add_scores();
    s->set_topic(score.topic);
    s->set_score(score.score);
  }
  auto* processing = out.mutable_processing();
  processing->set_processor(std::string(processor));
  processing->set_taxonomy(std::string(taxonomy));
  processing->mutable_source()->set_topic(source.topic);
  processing->mutable_source()->set_partition(source.partition);
  processing->mutable_source()->set_offset(source_offset);
  return out;
}

void SetDedupVerdict(v1::ProcessedArticle& processed, const core::DedupVerdict& dedup) {
  processed.set_duplicate_of(dedup.duplicate_of);
  processed.set_duplicate_kind(ToWire(dedup.kind));
  processed.set_story_id(dedup.story_id);
}

}  // namespace headwire::common
