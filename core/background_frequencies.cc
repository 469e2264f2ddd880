#include "core/background_frequencies.h"

#include <fstream>
#include <optional>

#include "core/bounded_read.h"

namespace headwire::core {

BackgroundFrequencies BackgroundFrequencies::FromHeadlines(std::string_view text) {
  BackgroundFrequencies background;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos || line.front() == '#') continue;
    // ExtractHeadlineFeatures gives each term once, so a headline counts once per term.
    for (const StoryTerm& term : ExtractHeadlineFeatures(line, {}).terms) {
      ++background.frequency_[term.hash];
    }
    ++background.documents_;
  }
  return background;
}

Result<BackgroundFrequencies> BackgroundFrequencies::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::IoError("cannot open " + path));
  // Bounded: a wrong path (/dev/zero, a log) must not take all memory.
  const std::optional<std::string> text = ReadAtMost(in, kMaxFileBytes);
  if (in.bad()) return Err(Status::IoError("cannot read " + path));
  if (!text) {
    return Err(Status::InvalidArgument(path + ": larger than " +
                                       std::to_string(kMaxFileBytes >> 20) +
                                       " MiB, too large for a headline corpus"));
  }
  return FromHeadlines(*text);
}

uint32_t BackgroundFrequencies::DocumentFrequency(uint64_t term_hash) const {
  const auto it = frequency_.find(term_hash);
  return it == frequency_.end() ? 0 : it->second;
}

}  // namespace headwire::core
