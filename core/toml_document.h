// Parsing a TOML document into a toml++ table, with syntax errors as a Status instead of the
// exception toml++ throws. The message names the origin (a file path or "<string>") with the line
// and column of the error: "ORIGIN:LINE:COLUMN: not valid TOML: WHAT". Stateless and thread-safe.
#pragma once

#include <toml++/toml.h>

#include <string_view>

#include "common/status.h"

namespace headwire::core {

// Returns the document's root table, or InvalidArgument describing the first syntax error.
Result<toml::table> ParseTomlDocument(std::string_view toml_text, std::string_view origin);

}  // namespace headwire::core
