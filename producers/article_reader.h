#pragma once
// Turns one JSON Lines record into a raw article ready for the wire: parsed, validated, given a
// stable id and an event time. Pure apart from the ingest time the caller passes in.

#include <cstdint>
#include <expected>
#include <string_view>

#include "common/article_json.h"
#include "core/validation.h"
#include "headwire/v1/article.pb.h"

namespace headwire::producers {

// Returns the raw article of `line`, or why it is not one. The id is the record's own or
// DeriveArticleId's (computed before any event time is stamped, so that re-reading the same
// file yields the same ids). A record without published_at gets `ingested_at_ms` as event time,
// flagged event_time_estimated. Language defaults to "en".
std::expected<v1::RawArticle, common::RecordError> ReadArticleLine(
    std::string_view line, const core::ValidationOptions& validation, int64_t ingested_at_ms);

}  // namespace headwire::producers
