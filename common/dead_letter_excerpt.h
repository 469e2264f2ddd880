#pragma once
// The excerpt `headwire dlq list` shows of a dead letter's record, on one line: the title of a
// headwire record, which tells an operator which article it was, else the record's bytes.
// Thread-safe once created: Of only reads.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "common/status.h"
#include "common/utf8_tolerant_decoder.h"
#include "headwire/v1/article.pb.h"

namespace headwire::common {

class DeadLetterExcerpts {
 public:
  // Returns the error of building the decoders (common/utf8_tolerant_decoder.h).
  static Result<DeadLetterExcerpts> Create();

  // "RawArticle title: <title>" when the letter's record is a headwire.v1.RawArticle (its type
  // header says so, or it has none and the stage that dead-lettered it was "process", which reads
  // such records without one), "ProcessedArticle title: <title>" likewise for a ProcessedArticle
  // (stage "sink"). The record is decoded with any bytes allowed in its text fields, so that a
  // title that is not UTF-8 shows too. Otherwise, and when the title shows nothing (empty or
  // blank, as in a missing_field letter), the record's bytes. Either is escaped by core::Excerpt
  // (\xNN for bytes that are not UTF-8) and cut after `max_chars` characters.
  std::string Of(const v1::DeadLetter& letter, size_t max_chars) const;

 private:
  DeadLetterExcerpts(std::unique_ptr<Utf8TolerantDecoder> raw,
                     std::unique_ptr<Utf8TolerantDecoder> processed)
      : raw_(std::move(raw)), processed_(std::move(processed)) {}

  std::unique_ptr<Utf8TolerantDecoder> raw_;
  std::unique_ptr<Utf8TolerantDecoder> processed_;
};

}  // namespace headwire::common
