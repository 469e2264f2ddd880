#include "core/toml_document.h"

#include <string>

namespace headwire::core {

Result<toml::table> ParseTomlDocument(std::string_view toml_text, std::string_view origin) {
  // toml++ reports syntax errors by exception; they stop here so that callers only see a Status.
  try {
    return toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return Err(Status::InvalidArgument(std::string(origin) + ":" + std::to_string(begin.line) +
                                       ":" + std::to_string(begin.column) +
                                       ": not valid TOML: " + std::string(e.description())));
  }
}

}  // namespace headwire::core
