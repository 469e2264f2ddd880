#pragma once
// A readable excerpt of arbitrary bytes (a dead letter's record, key or message) on one line, for
// a table or a JSON field. Pure and thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace headwire::core {

// Valid UTF-8 text as it is, quotes and backslashes escaped, \n \r \t as such, other control
// bytes and bytes that are not UTF-8 as \xNN; cut after `max_chars` characters with "..."
// appended.
std::string Excerpt(std::string_view bytes, size_t max_chars);

}  // namespace headwire::core
