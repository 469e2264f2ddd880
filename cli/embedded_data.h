#pragma once
// Files compiled into the binary (see cli/embed_data.cmake).

#include <string_view>

namespace headwire::cli {

// data/taxonomy.toml: the default taxonomy of the rules classifier.
extern const std::string_view kDefaultTaxonomy;
// data/background/headlines.txt: the story window's default background corpus.
extern const std::string_view kBackgroundHeadlines;
// data/sample/headlines.jsonl: the demo's sample stream.
extern const std::string_view kSampleHeadlines;

// models/topics-v1.hwm: the default topic model (binary; see cli/embedded_model.cc).
std::string_view DefaultModelBytes();

}  // namespace headwire::cli
