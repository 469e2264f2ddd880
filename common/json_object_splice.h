#pragma once
// Adds a stage's fields to a JSON object without re-serialising the rest, for the offline
// filters, whose output is each input record with what the stage decided. Parsing a record and
// writing it back changes what the writer cannot represent: an integer beyond 64 bits comes back
// as a rounded float, 1.10 as 1.1, an escaped key unescaped. The splice keeps every member's
// text byte for byte instead, except the members it replaces. Pure; thread-safe.

#include <expected>
#include <string>
#include <string_view>

#include "common/article_json.h"

namespace headwire::common {

// `object_text` with each top-level member whose key (unescaped) `fields` holds left out, and
// `fields`' members appended in their order. Members kept are copied exactly, joined by ","
// (the whitespace between members and a leading byte order mark are not kept). `object_text` must
// be one JSON object, as ParseArticleJson accepted it; `fields` must be an object. A string of
// `fields` that is not valid UTF-8 is written with U+FFFD in place of the bad bytes. Returns a
// not_object RecordError when `object_text` is not an object.
std::expected<std::string, RecordError> SpliceObjectMembers(std::string_view object_text,
                                                            const Json& fields);

}  // namespace headwire::common
