#pragma once
// The sink's check of one record read from the processed topic: the headers must name
// headwire.v1.ProcessedArticle at schema version 1 (absent headers are accepted, for tools that
// do not set them), and the value must decode to an article with an id whose topics could come
// from a taxonomy: at most core::kMaxTopics, each a valid topic name (core::IsValidTopicName),
// none twice, and whose fields are within the limits the processor validated them against
// (core::ValidationOptions: a 250 KB title did not come from one). Anything else is a reject,
// recorded with its reason, never a reason to stop. Pure and thread-safe.

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "headwire/v1/article.pb.h"

namespace headwire::sinks {

// Returns the decoded article, or why the record is rejected (for people, e.g. "empty value").
std::expected<v1::ProcessedArticle, std::string> DecodeProcessedRecord(
    std::optional<std::string_view> type_header, std::optional<std::string_view> version_header,
    std::string_view value);

}  // namespace headwire::sinks
